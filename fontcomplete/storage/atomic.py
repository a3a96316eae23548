"""Atomic file writes: a temporary file beside the target, renamed over it, optionally fsync'd."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def write_atomic(path: str | os.PathLike, write: Callable[[Path], None], *, durable: bool = False) -> None:
    """write(temporary path), then rename it over `path`: a crash never leaves a half-written file.

    The file gets the mode a plain open() would give it. `durable` fsyncs the file and its directory, so the
    rename survives a power cut too.
    """
    path = Path(path)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    temp = Path(name)
    try:
        write(temp)
        os.chmod(temp, 0o666 & ~_umask())  # mkstemp makes 0600
        if durable:
            _fsync(temp, os.O_RDONLY)
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    if durable:
        _fsync(path.parent, os.O_RDONLY)


def write_bytes_atomic(path: str | os.PathLike, data: bytes, *, durable: bool = False) -> None:
    write_atomic(path, lambda temp: temp.write_bytes(data), durable=durable)


def write_text_atomic(path: str | os.PathLike, text: str, *, durable: bool = False) -> None:
    write_bytes_atomic(path, text.encode("utf-8"), durable=durable)


def _fsync(path: Path, flags: int) -> None:
    fd = os.open(path, flags)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask

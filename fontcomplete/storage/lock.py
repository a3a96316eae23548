"""Advisory locks on the UFOs a run writes, so two fontcomplete processes never write one target at once.

The locks are POSIX record locks (fcntl F_SETLK): they belong to the process that took them, not to an open file,
so the workers a run forks never hold them, and they end with that process however it ends (SIGKILL included):
a killed run's lock is free at once. A process closing any descriptor of a lock file would drop its lock, so only
this module opens them, and one process never takes the same lock twice."""

from __future__ import annotations

import errno
import fcntl
import json
import os
import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from fontcomplete.core.errors import FontcompleteError

LOCK_SUFFIX = ".fontcomplete-lock"


def lock_path(target: str | os.PathLike) -> Path:
    """The lock file of a target: `.<name>.fontcomplete-lock` beside it (a UFO's own directory is swapped on save)."""
    target = Path(os.path.abspath(target))
    return target.parent / f".{target.name}{LOCK_SUFFIX}"


_HELD: set[Path] = set()  # the lock files this process holds


def describe_holder(path: Path) -> str:
    """What the lock file says of the process that holds it, for the error message; the pid and command only while
    that process is alive (a note left by another host or pid namespace may name a dead or foreign one)."""
    try:
        holder = json.loads(path.read_text(encoding="utf-8"))
        started = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(holder["started"]))
        if _alive(int(holder["pid"])):
            return f"pid {holder['pid']}, `{holder['command']}`, since {started}"
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return "another process"


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        pass
    return True


def _create(path: Path) -> int:
    return os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)


def _open_locked(target: Path, path: Path) -> int:
    """Open and lock the lock file; the file at `path` must still be the one locked (a releaser may unlink it)."""
    while True:
        try:
            fd = _create(path)
        except OSError as error:
            raise FontcompleteError(f"cannot write beside {target}: {path.name}: {error.strerror}") from None
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            os.close(fd)
            if error.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise FontcompleteError(f"{target} is being written by another fontcomplete run "
                                        f"({describe_holder(path)}); run again when it has finished") from None
            raise
        try:
            same = os.stat(path).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if same:
            return fd
        os.close(fd)  # released and unlinked between our open and flock: take the new file


@contextmanager
def locked(target: str | os.PathLike) -> Iterator[None]:
    """Hold the target's lock: fail at once (FontcompleteError naming the holder) when another process has it.

    The lock ends with this process, so the lock of a killed run is free and is simply taken over."""
    path = lock_path(target)
    if path in _HELD:
        raise FontcompleteError(f"{target} is locked twice by one fontcomplete run")
    fd = _open_locked(Path(os.path.abspath(target)), path)
    _HELD.add(path)
    try:
        holder = {"pid": os.getpid(), "command": " ".join(["fontcomplete", *sys.argv[1:]])[:300],
                  "started": time.time()}
        try:
            os.ftruncate(fd, 0)
            os.write(fd, json.dumps(holder).encode())
        except OSError:  # a full disk: the lock holds without the note of who holds it
            pass
        yield
    finally:
        try:
            path.unlink()  # still holding the lock: nobody else can be using this file
        except OSError:
            pass
        _HELD.discard(path)
        os.close(fd)


@contextmanager
def locked_all(targets: Iterable[str | os.PathLike]) -> Iterator[None]:
    """Hold the locks of several targets, taken in one fixed order (sorted absolute paths)."""
    ordered = sorted({os.path.abspath(t) for t in targets})
    with ExitStack() as stack:
        for target in ordered:
            stack.enter_context(locked(target))
        yield

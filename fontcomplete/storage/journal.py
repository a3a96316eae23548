"""Commit staged UFO saves all together or not at all, even across a crash, with a small journal beside them.

A commit writes a journal entry beside every target (the staged copy and its inode), then the commit record
beside the first target: the moment the record exists, the saves are decided. Each staged UFO is then swapped
in (Linux renameat2 RENAME_EXCHANGE, else two renames), and the entries, the old trees and the record are
removed. The next run on any of the targets calls recover(): with a record it finishes the swaps (roll
forward); with entries but no record it removes them and their staged copies (roll back). Either way every
target ends as it was before, or as the interrupted run would have left it.
"""

from __future__ import annotations

import ctypes
import errno
import json
import os
import shutil
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

from fontcomplete.core.errors import FontcompleteError, InterruptedAfterSave
from fontcomplete.storage import faults
from fontcomplete.storage.atomic import write_text_atomic
from fontcomplete.storage.interrupts import DeferredInterrupt
from fontcomplete.storage.lock import locked_all
from fontcomplete.storage.ufo_save import StagedSave, describe_os_error, work_dirs

ENTRY_SUFFIX, RECORD_SUFFIX = ".fontcomplete-journal", ".fontcomplete-commit"
_AT_FDCWD, _RENAME_EXCHANGE = -100, 2


def entry_path(target: Path) -> Path:
    return target.parent / f".{target.name}{ENTRY_SUFFIX}"


def record_path(target: Path) -> Path:
    return target.parent / f".{target.name}{RECORD_SUFFIX}"


def _write_durably(path: Path, data: dict) -> None:
    write_text_atomic(path, json.dumps(data), durable=True)


def _remove_temps(target: Path) -> None:
    """Temporary files of a journal write that a kill cut short."""
    for name in (entry_path(target).name, record_path(target).name):
        for temp in target.parent.glob(f".{name}.*.tmp"):
            temp.unlink(missing_ok=True)


def commit(saves: Sequence[StagedSave]) -> None:
    """Swap every staged save in, all or none. Ctrl-C waits until the commit is done (then InterruptedAfterSave)."""
    saves = sorted(saves, key=lambda s: str(s.target))
    if not saves:
        return
    record = record_path(saves[0].target)
    entries = [{"target": str(s.target), "staged": str(s.staged), "work": str(s.work),
                "inode": os.stat(s.staged).st_ino, "record": str(record)} for s in saves]
    with _interrupts_deferred():
        target = saves[0].target
        try:
            for entry in entries:
                target = Path(entry["target"])
                _write_durably(entry_path(target), entry)
            faults.crash_point("entries-written")
            _write_durably(record, {"entries": [entry_path(Path(e["target"])).as_posix() for e in entries]})
        except BaseException as error:
            _roll_back(entries)
            _reraise(error, target)
        faults.crash_point("record-written")
        try:
            for entry in entries:
                target = Path(entry["target"])
                _swap_in(entry)
                faults.crash_point("swapped")
        except BaseException as error:
            _undo_swaps(entries)
            _roll_back(entries)
            _reraise(error, target)
        _clean_up(entries, record)


def _reraise(error: BaseException, target: Path) -> NoReturn:
    """Raise the error again, an OSError (a read-only or immutable UFO, a full disk) as one line naming the UFO."""
    if isinstance(error, OSError):
        raise FontcompleteError(f"cannot save {target}: {describe_os_error(error)}; nothing was changed") from None
    raise error


def _swap_in(entry: dict) -> None:
    """Put the staged UFO at the target's path (no-op when it is there already), the old one in its place."""
    target, staged = Path(entry["target"]), Path(entry["staged"])
    if _inode(target) == entry["inode"]:
        return
    if _exchange(staged, target):
        return
    previous = Path(entry["work"]) / "previous"
    if _inode(target) is not None:
        os.rename(target, previous)
    try:
        os.rename(staged, target)
    except BaseException:
        os.rename(previous, target)
        raise


def _undo_swaps(entries: list[dict]) -> None:
    """In-process failure after the record: put every old UFO back (the staged trees go with _roll_back)."""
    for entry in entries:
        target, staged = Path(entry["target"]), Path(entry["staged"])
        previous = Path(entry["work"]) / "previous"
        if _inode(target) != entry["inode"]:
            continue
        if not _exchange(staged, target):
            os.rename(target, staged)
            os.rename(previous, target)
    record_path(Path(entries[0]["target"])).unlink(missing_ok=True)


def _roll_back(entries: list[dict]) -> None:
    for entry in entries:
        shutil.rmtree(entry["work"], ignore_errors=True)
        entry_path(Path(entry["target"])).unlink(missing_ok=True)
        _remove_temps(Path(entry["target"]))
    record_path(Path(entries[0]["target"])).unlink(missing_ok=True)


def _clean_up(entries: list[dict], record: Path) -> None:
    for entry in entries:
        shutil.rmtree(entry["work"], ignore_errors=True)
        entry_path(Path(entry["target"])).unlink(missing_ok=True)
    faults.crash_point("entries-removed")
    record.unlink(missing_ok=True)


def _inode(path: Path) -> int | None:
    try:
        return os.stat(path).st_ino
    except FileNotFoundError:
        return None


def _read(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as error:
        raise FontcompleteError(f"cannot read fontcomplete's save journal {path}: {error}; remove it only after "
                                "checking the UFOs beside it") from None


@contextmanager
def writing(targets: Sequence[str | os.PathLike]) -> Iterator[list[str]]:
    """Hold the targets' locks and first recover what a killed run left; yields recover()'s lines."""
    with locked_all(targets):
        yield recover(targets)


def pending(target: str | os.PathLike) -> bool:
    """True when a save of `target` was interrupted and recover() has not finished it yet."""
    target = Path(os.path.abspath(target))
    return entry_path(target).exists() or record_path(target).exists() or bool(work_dirs(target))


def recover(targets: Sequence[str | os.PathLike]) -> list[str]:
    """Finish or roll back what a killed save left beside the targets (call it holding their locks; the locks
    of other targets that a committed save included are taken here).

    Returns one line per target that needed it, saying which way it went."""
    done = []
    held = {os.path.abspath(t) for t in targets}
    for target in (Path(t) for t in sorted(held)):
        entry = _read(entry_path(target))
        if entry is not None:
            record = Path(entry["record"])
            listed = _read(record)
            if listed is not None:
                _roll_forward(record, listed, held)
                done.append(f"{target}: completed the save that an interrupted run had committed")
            else:
                _roll_back([entry])
                done.append(f"{target}: removed the unfinished save of an interrupted run (the UFO is unchanged)")
        record = record_path(target)
        listed = _read(record)
        if listed is not None:  # a commit that was cleaning up when it was killed
            _roll_forward(record, listed, held)
        for work in work_dirs(target):  # staged before any journal entry: never committed
            shutil.rmtree(work, ignore_errors=True)
        _remove_temps(target)
    return done


def _roll_forward(record: Path, listed: dict, held: set[str]) -> None:
    entries = [entry for path in listed["entries"] if (entry := _read(Path(path))) is not None]
    with locked_all(entry["target"] for entry in entries if entry["target"] not in held):
        with _interrupts_deferred():
            for entry in entries:
                _swap_in(entry)
            _clean_up(entries, record)


def _exchange(first: Path, second: Path) -> bool:
    """Atomically swap two directory entries (Linux renameat2 RENAME_EXCHANGE); False where unsupported."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError, TypeError):
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), os.fspath(second))


@contextmanager
def _interrupts_deferred() -> Iterator[None]:
    """Hold back Ctrl-C (SIGINT) until the block ends, then raise InterruptedAfterSave if it came."""
    with DeferredInterrupt() as held:
        yield
    if held.requested:
        raise InterruptedAfterSave

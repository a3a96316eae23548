"""Atomic, minimal saves of an edited UFO: only changed glyph files and plists are written, then swapped in."""

from __future__ import annotations

import ctypes
import errno
import os
import shutil
import signal
import tempfile
import threading
import zipfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator

import ufoLib2
from fontTools.misc import plistlib
from fontTools.ufoLib.glifLib import GlyphSet
from fontTools.ufoLib.validators import fontLibValidator

from fontcomplete.errors import FontcompleteError

DEFAULT_GLYPHS_DIR = "glyphs"  # the UFO 3 spec fixes the default layer's directory name
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def write_glyphs_atomic(ufo: ufoLib2.Font, path: str | Path, glyph_names: Iterable[str]) -> bool:
    """Write the named default-layer glyphs, contents.plist and (if changed) lib.plist of `ufo` back to `path`.

    `path` must be the UFO the font was opened from (.ufo directory or .ufoz file). Nothing else is rewritten,
    so every other file keeps its exact bytes. The new UFO is built beside the old one and swapped in, so an
    exception or Ctrl-C at any point leaves the original as it was and no temporary files behind. Returns False
    (and touches nothing) when there is nothing to write.
    """
    path = Path(path)
    if ufo.reader is None or ufo.path is None or Path(ufo.path).resolve() != path.resolve():
        raise ValueError("an atomic save updates the UFO the font was opened from; open it with open_ufo(path)")
    glyph_names = list(dict.fromkeys(glyph_names))
    lib_changed = dict(ufo.reader.readLib()) != dict(ufo.lib)
    if not glyph_names and not lib_changed:
        return False
    format_version = ufo.reader.formatVersionTuple
    work = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".fontcomplete-tmp", dir=path.parent))
    try:
        if path.is_dir():
            _save_package(ufo, path, work, glyph_names, lib_changed, format_version)
        elif zipfile.is_zipfile(path):
            _save_zip(ufo, path, work, glyph_names, lib_changed, format_version)
        else:
            raise FontcompleteError(f"{path} is neither a UFO directory nor a .ufoz zip file")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return True


def _write_changes(root: Path, ufo: ufoLib2.Font, glyph_names: list[str], lib_changed: bool, format_version) -> None:
    """Write the given glyphs, contents.plist and lib.plist into the UFO directory at root (a private copy)."""
    glyph_set = GlyphSet(
        os.fspath(root / DEFAULT_GLYPHS_DIR), ufoFormatVersion=format_version, validateWrite=True, expectContentsFile=True
    )
    layer = ufo.layers.defaultLayer
    for name in glyph_names:
        glyph = layer[name]
        glyph_set.writeGlyph(name, glyph, glyph.drawPoints)
    glyph_set.writeContents()
    if lib_changed:
        valid, message = fontLibValidator(dict(ufo.lib))
        if not valid:
            raise FontcompleteError(f"the UFO's lib cannot be written: {message}")
        (root / "lib.plist").write_bytes(plistlib.dumps(dict(ufo.lib)))


def _rewritten_files(ufo_dir: Path, glyph_names: list[str]) -> set[Path]:
    """The existing glyph files (relative paths) that a save may write, so they must be real copies, not links."""
    contents_path = ufo_dir / DEFAULT_GLYPHS_DIR / "contents.plist"
    contents = plistlib.loads(contents_path.read_bytes()) if contents_path.exists() else {}
    return {Path(DEFAULT_GLYPHS_DIR) / contents[name] for name in glyph_names if name in contents}


def _stage_copy(source: Path, staged: Path, rewritten: set[Path]) -> None:
    """Copy the UFO tree; glyph files that will not be written are hard-linked (same bytes, fast) when possible."""

    def copy(src: str, dst: str) -> None:
        relative = Path(src).relative_to(source)
        if relative.suffix == ".glif" and relative not in rewritten:
            try:
                os.link(src, dst)
                return
            except OSError:
                pass
        shutil.copy2(src, dst)

    shutil.copytree(source, staged, copy_function=copy, symlinks=True)


def _save_package(ufo, path: Path, work: Path, glyph_names, lib_changed, format_version) -> None:
    staged = work / path.name
    _stage_copy(path, staged, _rewritten_files(path, glyph_names))
    _write_changes(staged, ufo, glyph_names, lib_changed, format_version)
    with _interrupts_deferred():
        if not _exchange(staged, path):
            previous = work / "previous"
            os.rename(path, previous)
            try:
                os.rename(staged, path)
            except BaseException:
                os.rename(previous, path)
                raise


def _save_zip(ufo, path: Path, work: Path, glyph_names, lib_changed, format_version) -> None:
    tree = work / "tree"
    with zipfile.ZipFile(path) as archive:
        entries = archive.infolist()
        archive.extractall(tree)
    tops = list(tree.iterdir())
    root = tops[0] if len(tops) == 1 and tops[0].is_dir() else tree
    _write_changes(root, ufo, glyph_names, lib_changed, format_version)
    rebuilt = work / path.name
    with zipfile.ZipFile(rebuilt, "w", zipfile.ZIP_DEFLATED) as archive:
        kept = set()
        for entry in entries:  # original order, names, dates and compression
            archive.writestr(entry, b"" if entry.is_dir() else (tree / entry.filename).read_bytes())
            kept.add(entry.filename)
        for file in sorted(tree.rglob("*")):
            name = file.relative_to(tree).as_posix()
            if file.is_file() and name not in kept:
                archive.write(file, name)
    with _interrupts_deferred():
        os.replace(rebuilt, path)


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
    """Hold back Ctrl-C (SIGINT) until the block ends, so a swap is never left half done."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: received.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous if previous is not None else signal.SIG_DFL)
    if received:
        raise KeyboardInterrupt

"""Stage a minimal save of an edited UFO beside it: only changed glyph files and plists are written anew."""

from __future__ import annotations

import glob
import os
import shutil
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import ufoLib2
from fontTools.misc import plistlib
from fontTools.ufoLib.glifLib import GlyphSet
from fontTools.ufoLib.validators import fontLibValidator

from fontcomplete.core.errors import FontcompleteError

DEFAULT_GLYPHS_DIR = "glyphs"  # the UFO 3 spec fixes the default layer's directory name
WORK_SUFFIX = ".fontcomplete-tmp"


@dataclass(frozen=True)
class StagedSave:
    """A UFO's next state, complete on disk beside it, waiting to be swapped in (fontcomplete.storage.journal)."""

    target: Path  # the UFO being saved (.ufo directory or .ufoz file)
    work: Path  # a private directory beside it; removed once the save is committed or abandoned
    staged: Path  # the new UFO inside `work`

    def discard(self) -> None:
        shutil.rmtree(self.work, ignore_errors=True)


def work_dirs(target: Path) -> list[Path]:
    """The private directories that saves of `target` create beside it (left over only by a killed process)."""
    return sorted(target.parent.glob(f".{glob.escape(target.name)}.*{WORK_SUFFIX}"))


def stage_save(ufo: ufoLib2.Font, path: str | Path, glyph_names: Iterable[str]) -> StagedSave | None:
    """Build the UFO at `path` with the named default-layer glyphs, contents.plist and (if changed) lib.plist of
    `ufo` rewritten, and the glyphs deleted from `ufo` since it was opened removed, in a private directory beside
    it; None when there is nothing to write.

    `path` must be the UFO the font was opened from (.ufo directory or .ufoz file). Nothing else is rewritten,
    so every other file keeps its exact bytes. An exception or Ctrl-C leaves no temporary files behind.
    """
    path = Path(path)
    if ufo.reader is None or ufo.path is None or Path(ufo.path).resolve() != path.resolve():
        raise ValueError("an atomic save updates the UFO the font was opened from; open it with open_ufo(path)")
    glyph_names = list(dict.fromkeys(glyph_names))
    lib_changed = dict(ufo.reader.readLib()) != dict(ufo.lib)
    layer = ufo.layers.defaultLayer
    deleted = [name for name in ufo.reader.getGlyphSet().contents if name not in layer]
    if not glyph_names and not lib_changed and not deleted:
        return None
    format_version = ufo.reader.formatVersionTuple
    try:
        work = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=WORK_SUFFIX, dir=path.parent))
    except OSError as error:
        raise FontcompleteError(f"cannot write beside {path}: {error.strerror}") from None
    staged = StagedSave(path, work, work / path.name)
    try:
        if path.is_dir():
            _stage_copy(path, staged.staged, _rewritten_files(path, glyph_names))
            _write_changes(staged.staged, ufo, glyph_names, deleted, lib_changed, format_version)
        elif zipfile.is_zipfile(path):
            _stage_zip(ufo, path, work, glyph_names, deleted, lib_changed, format_version)
        else:
            raise FontcompleteError(f"{path} is neither a UFO directory nor a .ufoz zip file")
    except OSError as error:
        staged.discard()
        raise FontcompleteError(f"cannot save {path}: {describe_os_error(error)}; the UFO is unchanged") from None
    except BaseException:
        staged.discard()
        raise
    return staged


def describe_os_error(error: OSError) -> str:
    """An OSError in a few words; shutil.copytree gathers (source, destination, message) triples instead."""
    if isinstance(error, shutil.Error) and error.args and isinstance(error.args[0], list) and error.args[0]:
        source, _, message = error.args[0][0]
        return f"{message.split(':', 1)[0].split('] ', 1)[-1]} (copying {source})"
    return f"{error.strerror or error}{f' ({error.filename})' if error.filename else ''}"


def _write_changes(root: Path, ufo: ufoLib2.Font, glyph_names: list[str], deleted: list[str], lib_changed: bool,
                   format_version) -> None:
    """Write the given glyphs, contents.plist and lib.plist into the UFO directory at root (a private copy), and
    remove the deleted glyphs' files."""
    glyph_set = GlyphSet(
        os.fspath(root / DEFAULT_GLYPHS_DIR), ufoFormatVersion=format_version, validateWrite=True, expectContentsFile=True
    )
    layer = ufo.layers.defaultLayer
    for name in glyph_names:
        glyph = layer[name]
        glyph_set.writeGlyph(name, glyph, glyph.drawPoints)
    for name in deleted:
        glyph_set.deleteGlyph(name)
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


def _stage_zip(ufo, path: Path, work: Path, glyph_names, deleted, lib_changed, format_version) -> None:
    """Rebuild the .ufoz as work/<name>, entries in their original order, names, dates and compression."""
    tree = work / "tree"
    with zipfile.ZipFile(path) as archive:
        entries = archive.infolist()
        archive.extractall(tree)
    tops = list(tree.iterdir())
    root = tops[0] if len(tops) == 1 and tops[0].is_dir() else tree
    _write_changes(root, ufo, glyph_names, deleted, lib_changed, format_version)
    rebuilt = work / path.name
    with zipfile.ZipFile(rebuilt, "w", zipfile.ZIP_DEFLATED) as archive:
        kept = set()
        for entry in entries:  # original order, names, dates and compression
            if not entry.is_dir() and not (tree / entry.filename).exists():
                continue  # a deleted glyph
            archive.writestr(entry, b"" if entry.is_dir() else (tree / entry.filename).read_bytes())
            kept.add(entry.filename)
        for file in sorted(tree.rglob("*")):
            name = file.relative_to(tree).as_posix()
            if file.is_file() and name not in kept:
                archive.write(file, name)

"""Refuse, in one line, a target UFO whose files fontcomplete could not read, or could not write without harm."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path, PurePosixPath

from fontTools.misc import plistlib

from fontcomplete.core.errors import FontcompleteError

DEFAULT_LAYER_DIR = "glyphs"


def check_ufo_files(path: str | os.PathLike) -> None:
    """Check a target UFO's structure before anything reads it for writing.

    A .ufo directory must hold no symbolic link (a save writes plists and glyph files by name, and a link would
    carry that write outside the UFO), and every layer's contents.plist must name plain files inside its
    layer directory (no absolute paths, no '..', no missing files). A .ufoz must be a readable zip whose
    entries all stay inside it."""
    path = Path(path)
    if path.is_file():
        _check_zip(path)
        return
    for root, dirs, files in os.walk(path):
        for name in dirs + files:
            entry = Path(root) / name
            if entry.is_symlink():
                raise FontcompleteError(f"{entry} is a symbolic link (to {os.readlink(entry)}); fontcomplete does not "
                                        "write UFOs that contain links: replace it with the file itself")
    for layer_dir in _layer_dirs(path):
        _check_contents(path, layer_dir)


def _read_plist(file: Path):
    try:
        with open(file, "rb") as stream:
            return plistlib.load(stream)
    except FileNotFoundError:
        return None
    except Exception as error:  # plistlib raises expat, value and type errors for broken files
        raise FontcompleteError(f"{file} is not a readable property list: {error}") from None


def _layer_dirs(ufo: Path) -> list[str]:
    layers = _read_plist(ufo / "layercontents.plist")
    if layers is None:
        return [DEFAULT_LAYER_DIR]
    if not isinstance(layers, list) or not all(isinstance(item, list) and len(item) == 2 for item in layers):
        raise FontcompleteError(f"{ufo / 'layercontents.plist'} is not a list of [layer name, directory] pairs")
    directories = [str(directory) for _, directory in layers]
    for directory in directories:
        _check_relative(ufo / "layercontents.plist", directory, "directory")
    return directories


def _check_contents(ufo: Path, layer_dir: str) -> None:
    contents_file = ufo / layer_dir / "contents.plist"
    if not (ufo / layer_dir).is_dir():
        raise FontcompleteError(f"{ufo / layer_dir} is missing: the UFO lists it as a layer")
    contents = _read_plist(contents_file)
    if contents is None:
        raise FontcompleteError(f"{contents_file} is missing")
    if not isinstance(contents, dict):
        raise FontcompleteError(f"{contents_file} is not a dictionary of glyph names to file names")
    for glyph_name, file_name in contents.items():
        if not isinstance(file_name, str):
            raise FontcompleteError(f"{contents_file}: glyph {glyph_name!r} maps to {file_name!r}, not a file name")
        _check_relative(contents_file, file_name, f"file of glyph {glyph_name!r}")
        if not (ufo / layer_dir / file_name).is_file():
            raise FontcompleteError(f"{contents_file}: the file of glyph {glyph_name!r}, {file_name}, is missing")


def _check_relative(listing: Path, name: str, what: str) -> None:
    """A name from a UFO plist must be one plain file or directory name (UFO 3: no path separators)."""
    pure = PurePosixPath(name.replace("\\", "/"))
    if pure.is_absolute() or len(pure.parts) != 1 or pure.parts[0] in ("..", ".") or not name.strip():
        raise FontcompleteError(f"{listing}: the {what} is {name!r}, which points outside its directory; "
                                "a UFO may name only files inside it")


def _check_zip(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError) as error:
        raise FontcompleteError(f"{path} is not a readable .ufoz (zip) file: {error}") from None
    for name in names:
        pure = PurePosixPath(name)
        if pure.is_absolute() or ".." in pure.parts:
            raise FontcompleteError(f"{path}: the entry {name!r} points outside the archive")

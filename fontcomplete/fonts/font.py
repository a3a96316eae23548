"""Open any source or target font (binary, collection member, UFO) behind one small read-only API."""

from __future__ import annotations

import dataclasses
import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fontTools.pens.recordingPen import DecomposingRecordingPen

from fontcomplete.core.errors import FontcompleteError
from fontcomplete.core.frame import EmFrame
from fontcomplete.core.provenance import PROVENANCE_KEY, is_machine_drawn

BINARY_SUFFIXES = {".ttf", ".otf", ".ttc", ".otc", ".woff", ".woff2"}
UFO_SUFFIXES = {".ufo", ".ufoz"}


def split_index(spec: str | os.PathLike, index: int | None = None) -> tuple[Path, int | None]:
    """Split 'Font.ttc#3' into (path, 3); an explicit index wins over none but must agree with '#N'."""
    text = os.fspath(spec)
    head, sep, tail = text.rpartition("#")
    if sep and not tail.isdigit() and not Path(text).exists() and Path(head).is_file():
        raise FontcompleteError(f"{text}: {tail!r} is not a font number (write {head}#0, #1, …)")
    if sep and tail.isdigit() and not Path(text).exists():
        if index is not None and index != int(tail):
            raise FontcompleteError(f"{text}: '#{tail}' disagrees with --source-index {index}")
        return Path(head), int(tail)
    return Path(text), index


@dataclass
class SourceFont:
    """A font opened for reading outlines: cmap, metrics, the em-box frame, decomposed drawing."""

    path: Path
    index: int | None
    upm: int
    frame: EmFrame
    cmap: dict[int, str]
    name: str
    glyph_set: Any = field(repr=False)
    advances: Callable[[str], float] = field(repr=False)
    digest: str | None = None  # content fingerprint of a font that exists only in memory (no file to hash)
    machine_drawn: int = 0  # encoded glyphs left out of cmap as fontcomplete's own, unedited (open_drawn_font)

    def draw(self, glyph_name: str, pen) -> None:
        """Draw the glyph, components decomposed, in font units into any segment pen."""
        recording = DecomposingRecordingPen(self.glyph_set)
        self.glyph_set[glyph_name].draw(recording)
        recording.replay(pen)

    def advance(self, glyph_name: str) -> float:
        return self.advances(glyph_name)

    @property
    def label(self) -> str:
        """The path as the user would write it, with '#N' for a collection member."""
        return f"{self.path}#{self.index}" if self.index is not None else str(self.path)

    @property
    def fingerprint(self) -> str:
        """sha256 of the font's bytes (every file of a UFO) and the collection index; `digest` when given."""
        if self.digest is not None:
            return self.digest
        digest = hashlib.sha256(str(self.index).encode())
        files = sorted(p for p in self.path.rglob("*") if p.is_file()) if self.path.is_dir() else [self.path]
        for file in files:
            digest.update(file.relative_to(self.path).as_posix().encode() if self.path.is_dir() else b"")
            digest.update(file.read_bytes())
        return digest.hexdigest()


def frame_from_metrics(upm: int, typo: tuple[Any, Any], fallback: tuple[Any, Any]) -> EmFrame:
    """The em box from typo ascender/descender, else the fallback pair, else a 0.88/-0.12 em guess."""
    for ascender, descender in (typo, fallback):
        if ascender is not None and descender is not None and ascender - descender > 0:
            return EmFrame(0, descender, ascender - descender)
    return EmFrame(0, round(-0.12 * upm), upm)


def ufo_frame(info) -> EmFrame:
    """The em box of a UFO from its font info: OS/2 typo ascender/descender, else ascender/descender."""
    upm = int(info.unitsPerEm or 1000)
    return frame_from_metrics(upm, (info.openTypeOS2TypoAscender, info.openTypeOS2TypoDescender),
                              (info.ascender, info.descender))


def open_font(spec: str | os.PathLike, index: int | None = None) -> SourceFont:
    """Open a .ttf/.otf/.ttc/.otc/.woff/.woff2 file, a collection member ('X.ttc#3') or a UFO."""
    path, index = split_index(spec, index)
    if not path.exists():
        raise FontcompleteError(f"font not found: {path}")
    if path.suffix.lower() in UFO_SUFFIXES or path.is_dir():
        return _open_ufo(path)
    return _open_binary(path, index)


def open_drawn_font(spec: str | os.PathLike, index: int | None = None) -> SourceFont:
    """A target font as its designer drew it: open_font, less the glyphs of a UFO that fontcomplete generated and
    nobody has edited since (an edited one is the designer's). Training, calibration and evaluation learn from, and
    score against, these alone; `machine_drawn` counts the glyphs left out."""
    font = open_font(spec, index)
    machine = _machine_drawn_names(font)
    if not machine:
        return font
    cmap = {codepoint: name for codepoint, name in font.cmap.items() if name not in machine}
    return dataclasses.replace(font, cmap=cmap, machine_drawn=len(machine))


def machine_drawn_note(font: SourceFont) -> str:
    return (f"{font.label}: left out its {font.machine_drawn} glyphs that fontcomplete generated and nobody has "
            "edited since (an edited one counts as drawn)")


def _machine_drawn_names(font: SourceFont) -> set[str]:
    """Names of a UFO's encoded glyphs that are fontcomplete's own, unedited; only glyph files that mention the
    provenance key are parsed."""
    if font.path.suffix.lower() not in UFO_SUFFIXES and not font.path.is_dir():
        return set()
    from fontTools.ufoLib import UFOReader

    key = PROVENANCE_KEY.encode()
    with UFOReader(font.path, validate=False) as reader:
        glyph_files = reader.getGlyphSet()
        candidates = [name for name in set(font.cmap.values()) if key in glyph_files.getGLIF(name)]
    return {name for name in candidates if is_machine_drawn(font.glyph_set[name])}


def _open_binary(path: Path, index: int | None) -> SourceFont:
    from fontTools.ttLib import TTCollection, TTFont, TTLibError

    try:
        with open(path, "rb") as stream:
            is_collection = stream.read(4) == b"ttcf"
        if is_collection:
            count = len(TTCollection(path, lazy=True).fonts)
            if index is None:
                index = 0
            if not 0 <= index < count:
                raise FontcompleteError(f"{path} holds {count} fonts (indices 0..{count - 1}); index {index} is out of range")
        elif index not in (None, 0):
            raise FontcompleteError(f"{path} is not a font collection; it has no font #{index}")
        font = TTFont(path, fontNumber=index if is_collection else -1, lazy=True)
        cmap = font.getBestCmap()
    except FontcompleteError:
        raise
    except (TTLibError, OSError, AssertionError, KeyError, ValueError, TypeError, Exception) as error:
        raise FontcompleteError(f"{path} is not a readable font: {error}") from error
    if cmap is None:
        raise FontcompleteError(f"{path} has no Unicode cmap")
    upm = font["head"].unitsPerEm
    os2 = font["OS/2"] if "OS/2" in font else None
    hhea = font["hhea"] if "hhea" in font else None
    frame = frame_from_metrics(
        upm,
        (getattr(os2, "sTypoAscender", None), getattr(os2, "sTypoDescender", None)),
        (getattr(hhea, "ascent", None), getattr(hhea, "descent", None)),
    )
    hmtx = font["hmtx"]
    return SourceFont(path, index if is_collection else None, upm, frame, dict(cmap),
                      _binary_name(font), font.getGlyphSet(), lambda name: hmtx[name][0])


def _binary_name(font) -> str:
    names = font["name"]
    family = names.getBestFamilyName() or "Unnamed"
    style = names.getBestSubFamilyName() or ""
    return f"{family} {style}".strip()


def _open_ufo(path: Path) -> SourceFont:
    import ufoLib2
    from fontTools.ufoLib import UFOReader

    try:
        ufo = ufoLib2.Font.open(path, lazy=True)
    except Exception as error:
        raise FontcompleteError(f"{path} is not a readable UFO: {error}") from error
    info = ufo.info
    upm = int(info.unitsPerEm or 1000)
    frame = ufo_frame(info)
    cmap: dict[int, str] = {}
    try:
        with UFOReader(path, validate=False) as reader:  # unicodes without parsing every glyph
            unicodes = reader.getGlyphSet().getUnicodes()
    except Exception as error:  # glifLib raises GlifLibError, expat and value errors for broken glyph files
        raise FontcompleteError(f"{path}: a glyph file cannot be read: {error}") from None
    for glyph_name, codepoints in sorted(unicodes.items()):
        for codepoint in codepoints:
            cmap.setdefault(codepoint, glyph_name)
    name = f"{info.familyName or 'Unnamed'} {info.styleName or ''}".strip()
    return SourceFont(path, None, upm, frame, cmap, name, ufo, lambda glyph_name: ufo[glyph_name].width)

"""Reading a target UFO: opening it with one clear error, and its glyphs' headers without their outlines."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import ufoLib2
from fontTools.pens.recordingPen import RecordingPointPen

from fontcomplete.core.charsets import is_han
from fontcomplete.core.errors import FontcompleteError


def open_ufo(path: str | Path) -> ufoLib2.Font:
    """Open a target UFO (a .ufo directory or a .ufoz file) lazily, with one clear error line when that fails."""
    path = Path(path)
    if not path.exists():
        raise FontcompleteError(f"target {path} does not exist")
    if not (path.is_dir() or path.suffix.lower() == ".ufoz"):
        raise FontcompleteError(f"target {path} is not a UFO (a .ufo directory or a .ufoz file)")
    try:
        return ufoLib2.Font.open(path)
    except Exception as error:  # ufoLib raises many types for broken UFOs
        raise FontcompleteError(f"cannot read the UFO {path}: {error}") from None


try:  # ufoLib2's marker for glyphs not read yet; without it every glyph is loaded (slower, same result)
    from ufoLib2.objects.layer import _GLYPH_NOT_LOADED
except ImportError:  # pragma: no cover
    _GLYPH_NOT_LOADED = None


class GlyphHeader:
    """A glyph's name, unicodes, advance and lib, read from its .glif without building the outline."""

    def __init__(self, name: str, glyph_set=None, ufo_path=None):
        self.name, self.unicodes, self.width, self.height, self.lib = name, [], 0, 0, {}
        self._glyph_set, self._ufo_path = glyph_set, ufo_path
        self._points = None

    def drawPoints(self, pen) -> None:  # noqa: N802 (the ufoLib2 method name)
        """The outline, read from the .glif on first use (headers of generated glyphs are checked for designer
        edits, by the plan and again by the exemplars)."""
        if self._points is None:
            recording = RecordingPointPen()
            read_glif(self._ufo_path, self.name,
                      lambda: self._glyph_set.readGlyph(self.name, GlyphHeader(self.name), recording))
            self._points = recording
        self._points.replay(pen)

    @property
    def verticalOrigin(self) -> float | None:  # noqa: N802 (the ufoLib2 attribute name)
        return self.lib.get("public.verticalOrigin")


def glyph_headers(ufo: ufoLib2.Font) -> list:
    """Every default-layer glyph as the loaded ufoLib2 glyph, or a GlyphHeader when it is still only on disk.

    Reading headers is about 3x faster than loading outlines, which matters for targets with thousands of glyphs.
    """
    layer = ufo.layers.defaultLayer
    stored, glyph_set = getattr(layer, "_glyphs", None), getattr(layer, "_glyphSet", None)
    if _GLYPH_NOT_LOADED is None or not isinstance(stored, dict) or glyph_set is None:
        return list(layer)
    headers = []
    for name, glyph in stored.items():
        if glyph is _GLYPH_NOT_LOADED:
            glyph = GlyphHeader(name, glyph_set, ufo.path)
            read_glif(ufo.path, name, lambda name=name, glyph=glyph: glyph_set.readGlyph(name, glyph))  # no point pen: no outline
        headers.append(glyph)
    return headers


def read_glif(ufo_path, glyph_name: str, read: Callable):
    """read(), with a broken .glif reported as one line naming the UFO and the glyph."""
    try:
        return read()
    except FontcompleteError:
        raise
    except Exception as error:  # glifLib raises GlifLibError, expat, value and type errors for broken files
        raise FontcompleteError(f"{ufo_path}: glyph {glyph_name!r} cannot be read: {error}") from None


def _loaded_glyphs(ufo: ufoLib2.Font) -> list[ufoLib2.objects.Glyph]:
    """The default-layer glyphs held in memory (all of them when ufoLib2's lazy state cannot be seen)."""
    stored = getattr(ufo.layers.defaultLayer, "_glyphs", None)
    if _GLYPH_NOT_LOADED is None or not isinstance(stored, dict):
        return list(ufo.layers.defaultLayer)
    return [glyph for glyph in stored.values() if glyph is not _GLYPH_NOT_LOADED]


def han_glyphs(glyphs: Iterable) -> list:
    """The glyphs (anything with .unicodes) that encode a Han character."""
    return [glyph for glyph in glyphs if any(is_han(cp) for cp in glyph.unicodes)]

"""A designer's verdicts on generated glyphs, kept in the UFO: the list least sure first, accept, reject, restore."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date

from fontcomplete.core.errors import FontcompleteError
from fontcomplete.core.provenance import (
    ACCEPTED_KEY,
    MARK_COLORS,
    PLACED_KEY,
    PROVENANCE_KEY,
    REJECTED_KEY,
    confidence_of,
    declined_codepoints,
    is_accepted,
    is_edited,
    is_generated,
    lib_codepoints,
    set_lib_codepoints,
)
from fontcomplete.fonts.ufo_glyphs import glyph_headers


@dataclass(frozen=True)
class GeneratedGlyph:
    """One generated glyph as a designer reviews it."""

    codepoint: int
    glyph: str
    confidence: float | None  # None for a copy of the source
    model: str
    state: str  # "generated" (fontcomplete may regenerate it), "edited" or "accepted" (the designer's)

    def as_json(self) -> dict:
        return {**asdict(self), "codepoint": f"U+{self.codepoint:04X}", "character": chr(self.codepoint)}


def generated_glyphs(ufo) -> list[GeneratedGlyph]:
    """Every glyph fontcomplete added to the UFO, least sure first (copies, which have no confidence, last)."""
    found = []
    for glyph in glyph_headers(ufo):
        if is_generated(glyph) and glyph.unicodes:
            state = "accepted" if is_accepted(glyph) else "edited" if is_edited(glyph) else "generated"
            found.append(GeneratedGlyph(glyph.unicodes[0], glyph.name, confidence_of(glyph),
                                        glyph.lib[PROVENANCE_KEY].get("model", ""), state))
    return sorted(found, key=lambda g: (g.confidence is None, g.confidence or 0.0, g.codepoint))


def _cmap(ufo) -> dict[int, str]:
    """codepoint → the name of the first glyph (in the default layer's order) that maps it."""
    cmap: dict[int, str] = {}
    for glyph in glyph_headers(ufo):
        for codepoint in glyph.unicodes:
            cmap.setdefault(codepoint, glyph.name)
    return cmap


def declined(ufo) -> list[int]:
    """Characters fills leave out of this UFO: rejected, or deleted after fontcomplete added them."""
    return sorted(declined_codepoints(ufo.lib, _cmap(ufo)))


def _generated_glyph(ufo, cmap: dict[int, str], codepoint: int):
    """The UFO's glyph for the codepoint when fontcomplete made it; None when it has none; an error when the
    glyph is the designer's own."""
    if codepoint not in cmap:
        return None
    glyph = ufo[cmap[codepoint]]
    if not is_generated(glyph):
        raise FontcompleteError(f"U+{codepoint:04X} {chr(codepoint)} ({glyph.name}) is your own glyph, not one "
                                "fontcomplete generated")
    return glyph


def accept(ufo, codepoints: Iterable[int], today: str | None = None) -> list[str]:
    """Make generated glyphs the designer's as they are (never regenerated, used as the font's own drawings); their
    mark colour goes. Returns the names of the glyphs changed."""
    changed, cmap = [], _cmap(ufo)
    for codepoint in codepoints:
        glyph = _generated_glyph(ufo, cmap, codepoint)
        if glyph is None:
            raise FontcompleteError(f"U+{codepoint:04X} {chr(codepoint)} has no glyph in the UFO to accept")
        if is_accepted(glyph):
            continue
        glyph.lib[PROVENANCE_KEY] = {**glyph.lib[PROVENANCE_KEY], ACCEPTED_KEY: today or date.today().isoformat()}
        if glyph.lib.get("public.markColor") in MARK_COLORS:
            del glyph.lib["public.markColor"]
        changed.append(glyph.name)
    return changed


def reject(ufo, codepoints: Iterable[int]) -> list[str]:
    """Delete generated glyphs that no designer has edited or accepted, and remember their characters, so that no
    fill adds them again until they are restored. A character without a glyph is remembered too. Returns the
    names of the glyphs deleted."""
    deleted, rejected, cmap = [], lib_codepoints(ufo.lib, REJECTED_KEY), _cmap(ufo)
    for codepoint in codepoints:
        glyph = _generated_glyph(ufo, cmap, codepoint)
        if glyph is not None and (is_edited(glyph) or is_accepted(glyph)):
            raise FontcompleteError(f"U+{codepoint:04X} {chr(codepoint)} ({glyph.name}) has been edited or accepted "
                                    "and is yours now; delete it in your editor if you mean to")
        if glyph is not None:
            deleted.append(glyph.name)
        rejected.add(codepoint)
    for name in deleted:
        del ufo[name]
    order = ufo.lib.get("public.glyphOrder")
    if order is not None and deleted:
        gone = set(deleted)
        ufo.lib["public.glyphOrder"] = [name for name in order if name not in gone]
    set_lib_codepoints(ufo.lib, REJECTED_KEY, rejected)
    return deleted


def restore(ufo, codepoints: Iterable[int]) -> None:
    """Let fills add these characters again (undo a reject, or a deletion of a generated glyph)."""
    codepoints = set(codepoints)
    set_lib_codepoints(ufo.lib, REJECTED_KEY, lib_codepoints(ufo.lib, REJECTED_KEY) - codepoints)
    set_lib_codepoints(ufo.lib, PLACED_KEY, lib_codepoints(ufo.lib, PLACED_KEY) - (codepoints - _cmap(ufo).keys()))


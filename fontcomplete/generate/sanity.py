"""Sanity checks of generated glyphs: ink inside the em box, ink area close to the source glyph's."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from fontTools.pens.boundsPen import BoundsPen

from fontcomplete.core.frame import EmFrame
from fontcomplete.fonts.raster import render, render_outline

AREA_RANGE = (0.5, 2.0)  # generated ink area / source ink area that a plausible glyph stays within


@dataclass(frozen=True)
class GlyphCheck:
    codepoint: int
    inside_em_box: bool
    area_ratio: float  # generated ink / source ink, each in its own em box (0 for a blank glyph)

    @property
    def ok(self) -> bool:
        return self.inside_em_box and AREA_RANGE[0] <= self.area_ratio <= AREA_RANGE[1]

    def describe(self) -> str:
        problems = [] if self.inside_em_box else ["ink outside the em box"]
        if not AREA_RANGE[0] <= self.area_ratio <= AREA_RANGE[1]:
            problems.append(f"ink area {self.area_ratio:.2f}x the source's")
        return f"U+{self.codepoint:04X} {chr(self.codepoint)}: {', '.join(problems) or 'ok'}"


def check_glyph(glyph, source, target_frame: EmFrame, size: int = 128) -> GlyphCheck:
    """Check one fill.Generated against the source glyph it came from."""
    pen = BoundsPen(None)
    glyph.draw(pen)
    inside = pen.bounds is not None and (
        pen.bounds[0] >= target_frame.left and pen.bounds[1] >= target_frame.bottom
        and pen.bounds[2] <= target_frame.left + target_frame.side and pen.bounds[3] <= target_frame.top)
    generated = render_outline(glyph.draw, target_frame, size).sum(dtype=np.int64)
    original = render(source, source.cmap[glyph.codepoint], size).sum(dtype=np.int64)
    return GlyphCheck(glyph.codepoint, inside, float(generated / original) if original else float("inf"))


def failed_checks(glyphs: Iterable, source, target_frame: EmFrame) -> list[GlyphCheck]:
    """The generated glyphs that fail a check (an empty list when all pass)."""
    return [check for check in (check_glyph(g, source, target_frame) for g in glyphs) if not check.ok]

"""Render outlines into anti-aliased grayscale arrays in the em-box frame (FreeType via fontTools)."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from fontTools.misc.transform import Transform
from fontTools.pens.freetypePen import FreeTypePen

from fontcomplete.core.frame import EmFrame


def frame_transform(frame: EmFrame, size: int) -> Transform:
    """Font units → FreeType's raster space (y up, origin at the frame's bottom-left) for a size × size image."""
    scale = size / frame.side
    return Transform(scale, 0, 0, scale, -frame.left * scale, -frame.bottom * scale)


def render_outline(draw, frame: EmFrame, size: int) -> np.ndarray:
    """Render `draw(pen)` (an outline in font units) to uint8 (size, size), 255 = ink, row 0 = frame top."""
    pen = FreeTypePen(None)
    draw(pen)
    coverage = pen.array(width=size, height=size, transform=frame_transform(frame, size), contain=False)
    return np.rint(np.clip(coverage, 0.0, 1.0) * 255).astype(np.uint8)


def render(font, glyph_name: str, size: int) -> np.ndarray:
    """Render one glyph of a SourceFont in that font's own em-box frame."""
    return render_outline(lambda pen: font.draw(glyph_name, pen), font.frame, size)


def render_many(font, glyph_names: Iterable[str], size: int) -> np.ndarray:
    """Render several glyphs of a SourceFont into one uint8 array (N, size, size)."""
    names = list(glyph_names)
    images = np.zeros((len(names), size, size), dtype=np.uint8)
    for i, glyph_name in enumerate(names):
        images[i] = render(font, glyph_name, size)
    return images

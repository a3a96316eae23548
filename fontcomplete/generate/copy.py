"""Copy mode: the source's own outlines laid into the target's em box — the merge other tools do, and the baseline
every model must beat."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

from fontTools.misc.transform import Transform
from fontTools.pens.recordingPen import RecordingPen
from fontTools.pens.roundingPen import RoundingPen
from fontTools.pens.transformPen import TransformPen

from fontcomplete.core.frame import EmFrame
from fontcomplete.core.outline import Generated, Outline
from fontcomplete.fonts.font import SourceFont


def frame_to_frame(source: EmFrame, target: EmFrame) -> Transform:
    """The affine map that lays the source's em box onto the target's (uniform scale, corners matched)."""
    scale = target.side / source.side
    return Transform(scale, 0, 0, scale, target.left - source.left * scale, target.bottom - source.bottom * scale)


def copy_outline(source: SourceFont, glyph_name: str, target_frame: EmFrame) -> Outline:
    """The source glyph's own vectors scaled into the target's em box, rounded to integer units."""
    recording = RecordingPen()
    transform = frame_to_frame(source.frame, target_frame)
    source.draw(glyph_name, TransformPen(RoundingPen(recording), transform))
    return recording.value


def copy_glyphs(source: SourceFont, codepoints: Sequence[int], target_frame: EmFrame,
                progress: Callable[[int], None] = lambda n: None) -> Iterator[Generated]:
    """Copy mode: the fallback merge other tools do, and the baseline every model must beat."""
    for codepoint in codepoints:
        yield Generated(codepoint, copy_outline(source, source.cmap[codepoint], target_frame))
        progress(1)

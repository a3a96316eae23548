from pathlib import Path

import numpy as np
import pytest

from fontcomplete.core.frame import EmFrame
from fontcomplete.fonts.font import open_font
from fontcomplete.fonts.raster import render, render_outline
from fontcomplete.generate.copy import copy_glyphs, frame_to_frame
from fontcomplete.generate.stylize import stylize_glyphs, tracer_pool

DATA = Path(__file__).parent / "data"
TARGET_FRAME = EmFrame(0, -246, 2048)


class IdentityStylizer:
    """Hands back the source render as ink coverage: the pipeline minus any model."""

    image_size = 128
    model_id = "identity"
    ink_threshold = None
    gap_opening = None
    validation_topology = None

    def __init__(self):
        self.batches = []

    def __call__(self, sources):
        self.batches.append(len(sources))
        return sources.astype(np.float32) / 255

    def views_ink(self, sources):
        return self(sources)[None]


def test_frame_to_frame_matches_em_box_corners():
    transform = frame_to_frame(EmFrame(0, -120, 1000), TARGET_FRAME)
    assert transform.transformPoint((0, -120)) == (0, -246)
    assert transform.transformPoint((1000, 880)) == pytest.approx((2048, 1802))


def test_copy_mode_scales_source_vectors_into_the_target_em_box():
    source = open_font(DATA / "NotoSansTC-Subset.otf")
    codepoints = [ord("永"), ord("國")]
    glyphs = list(copy_glyphs(source, codepoints, TARGET_FRAME))
    assert [g.codepoint for g in glyphs] == codepoints
    for glyph in glyphs:
        ops = {op for op, _ in glyph.outline}
        assert "curveTo" in ops  # CFF cubics copied as vectors, not traced
        copied = render_outline(glyph.draw, TARGET_FRAME, 128)
        original = render(source, source.cmap[glyph.codepoint], 128)
        assert np.abs(copied.astype(int) - original.astype(int)).mean() < 3  # same picture in the other em


def test_model_mode_batches_and_traces_in_the_target_frame():
    source = open_font(DATA / "NotoSansTC-Subset.otf")
    codepoints = sorted(source.cmap)[1:11]
    stylizer = IdentityStylizer()
    progress = []
    glyphs = list(stylize_glyphs(source, codepoints, TARGET_FRAME, stylizer, batch_size=4,
                                 progress=progress.append))
    assert stylizer.batches == [4, 4, 2] and sum(progress) == 10
    for glyph in glyphs:
        traced = render_outline(glyph.draw, TARGET_FRAME, 256) > 127
        truth = render(source, source.cmap[glyph.codepoint], 256) > 127
        assert (traced & truth).sum() / (traced | truth).sum() > 0.93


def test_parallel_tracing_gives_the_same_outlines():
    source = open_font(DATA / "NotoSerifTC-Subset.otf")
    codepoints = sorted(source.cmap)[1:17]
    serial = list(stylize_glyphs(source, codepoints, TARGET_FRAME, IdentityStylizer()))
    with tracer_pool(2) as pool_map:
        parallel = list(stylize_glyphs(source, codepoints, TARGET_FRAME, IdentityStylizer(), pool_map=pool_map))
    assert [g.outline for g in parallel] == [g.outline for g in serial]


def test_a_model_returning_nan_is_refused():
    source = open_font(DATA / "NotoSansTC-Subset.otf")

    class Broken(IdentityStylizer):
        def __call__(self, sources):
            return np.full(sources.shape, np.nan, dtype=np.float32)

    with pytest.raises(RuntimeError, match="non-finite"):
        list(stylize_glyphs(source, sorted(source.cmap)[1:3], TARGET_FRAME, Broken()))


class FaintStylizer(IdentityStylizer):
    """Ink at 0.6 coverage, with a calibrated threshold of 0.7: its glyphs trace empty unless the user overrides."""

    ink_threshold = 0.7
    gap_opening = None
    validation_topology = None

    def __call__(self, sources):
        return sources.astype(np.float32) / 255 * 0.6


def test_the_model_s_calibrated_threshold_applies_unless_one_is_given():
    from fontcomplete.outlines.trace import TraceSettings

    source = open_font(DATA / "NotoSansTC-Subset.otf")
    codepoints = sorted(source.cmap)[1:3]
    calibrated = list(stylize_glyphs(source, codepoints, TARGET_FRAME, FaintStylizer()))
    assert all(g.outline == [] for g in calibrated)
    given = list(stylize_glyphs(source, codepoints, TARGET_FRAME, FaintStylizer(),
                                trace_settings=TraceSettings(threshold=0.5)))
    assert all(len(g.outline) > 4 for g in given)

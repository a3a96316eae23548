"""Traced ink redrawn as a designer draws: straight stems as single exact lines, smooth curves, strokes kept apart."""

from __future__ import annotations

import numpy as np
from fontTools.pens.recordingPen import RecordingPen

from fontcomplete.core.frame import EmFrame
from fontcomplete.core.outline import replay
from fontcomplete.core.scores import pieces
from fontcomplete.fonts.raster import render_outline
from fontcomplete.outlines.checks import contour_segments, outline_figures
from fontcomplete.outlines.redraw import redraw
from fontcomplete.outlines.trace import TraceSettings, trace_to_recording

FRAME = EmFrame(0, -120, 1000)


def wobbly_stem(seed: int = 0) -> np.ndarray:
    """A 128 px image of an upright stroke with a rounded top, its edges wandering slowly by up to half a pixel, as
    a model draws them (soft, anti-aliased coverage)."""
    rng = np.random.default_rng(seed)
    phase = rng.uniform(0, 2 * np.pi, 2)
    image = np.zeros((128, 128), np.float32)
    cols = np.arange(128)[None, :] + 0.5
    for row in range(20, 110):
        left, right = 52 + 0.5 * np.sin(row / 5 + phase[0]), 66 + 0.5 * np.sin(row / 7 + phase[1])
        image[row] = np.clip(np.minimum(cols - left, right - cols) + 0.5, 0, 1)
    yy, xx = np.mgrid[0:128, 0:128] + 0.5
    image = np.maximum(image, np.clip(7.5 - np.hypot(yy - 20, xx - 59) + 0.5, 0, 1))
    return image


def longest_upright_line(outline) -> float:
    return max((abs(s[1][1] - s[0][1]) for segments in contour_segments(outline) for s in segments
                if len(s) == 2 and s[0][0] == s[1][0]), default=0.0)


def test_a_stem_the_ink_draws_straight_is_one_exact_line_on_each_side():
    image = wobbly_stem()
    drawn = trace_to_recording(image, FRAME, TraceSettings(threshold=0.5))
    traced = trace_to_recording(image, FRAME, TraceSettings(threshold=0.5, outline="potrace"))
    stem = 90 / 128 * FRAME.side  # the stroke's straight part
    assert longest_upright_line(drawn) > 0.9 * stem
    upright = [s for segments in contour_segments(drawn) for s in segments
               if len(s) == 2 and s[0][0] == s[1][0] and abs(s[1][1] - s[0][1]) > 0.5 * stem]
    assert len(upright) == 2  # left and right edge, each one line
    figures, potrace = outline_figures(drawn), outline_figures(traced)
    assert figures.straight_share > 0.6 and potrace.straight_share < 0.1
    assert not figures.flagged and figures.on_curve < potrace.on_curve


def test_the_drawn_outline_keeps_the_ink_where_it_was():
    image = wobbly_stem(1)
    drawn = trace_to_recording(image, FRAME, TraceSettings(threshold=0.5))
    rendered = render_outline(lambda pen: replay(drawn, pen), FRAME, 128) / 255
    assert np.abs(rendered - (image >= 0.5)).mean() < 0.01


def test_two_strokes_a_hair_apart_stay_apart():
    image = np.zeros((128, 128), np.float32)
    image[30:50, 20:108] = 1
    image[51:71, 20:108] = 1  # one pixel of background between them
    for outline in ("drawn", "potrace"):
        traced = trace_to_recording(image, FRAME, TraceSettings(threshold=0.5, outline=outline))
        assert pieces(render_outline(lambda pen, t=traced: replay(t, pen), FRAME, 384)) == 2, outline


def test_redraw_merges_nearly_level_edges_and_keeps_a_diagonal():
    pen = RecordingPen()
    pen.moveTo((100, 0))
    pen.lineTo((300, 2))  # nearly level, in two pieces
    pen.lineTo((500, 0))
    pen.lineTo((900, 400))  # a diagonal
    pen.lineTo((900, 700))
    pen.lineTo((100, 700))
    pen.closePath()
    outline = redraw(pen.value, 1000)
    segments = contour_segments(outline)[0]
    assert [(100, 1), (500, 1)] in segments or any(s[0][1] == s[1][1] and abs(s[1][0] - s[0][0]) == 400 for s in segments)
    assert any(len(s) == 2 and s[0][0] != s[1][0] and s[0][1] != s[1][1] for s in segments)  # the diagonal stays
    assert not outline_figures(outline).flagged

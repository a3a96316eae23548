"""A font's conventions (stem widths, outer corners) learned from its designer's glyphs and followed when drawing."""

from __future__ import annotations

import math

import ufoLib2
from fixtures import draw_rect
from fontTools.pens.recordingPen import RecordingPen
from test_filter import SOURCE
from test_redraw import FRAME, wobbly_stem

from fontcomplete.complete.evaluate import evaluate
from fontcomplete.fonts.font import open_font
from fontcomplete.outlines.checks import contour_segments
from fontcomplete.outlines.conventions import Conventions, learn_conventions, stem_fit
from fontcomplete.outlines.redraw import redraw
from fontcomplete.outlines.trace import TraceSettings, trace_to_recording


def strokes(upright: float, level: float, shift: int = 0) -> list:
    """A glyph of two upright strokes `upright` wide and one level stroke `level` high, each its own rectangle."""
    pen = RecordingPen()
    draw_rect(pen, (100 + shift, 0, 100 + shift + upright, 700))
    draw_rect(pen, (600, 0, 600 + upright, 700))
    draw_rect(pen, (250, 300 + shift, 500, 300 + shift + level))
    return pen.value


def rounded_rect(x0: float, y0: float, x1: float, y1: float, r: float) -> list:
    """A counter-clockwise rectangle with quarter-circle corners of radius r."""
    k = r * 0.5523
    pen = RecordingPen()
    pen.moveTo((x0 + r, y0))
    pen.lineTo((x1 - r, y0))
    pen.curveTo((x1 - r + k, y0), (x1, y0 + r - k), (x1, y0 + r))
    pen.lineTo((x1, y1 - r))
    pen.curveTo((x1, y1 - r + k), (x1 - r + k, y1), (x1 - r, y1))
    pen.lineTo((x0 + r, y1))
    pen.curveTo((x0 + r - k, y1), (x0, y1 - r + k), (x0, y1 - r))
    pen.lineTo((x0, y0 + r))
    pen.curveTo((x0, y0 + r - k), (x0 + r - k, y0), (x0 + r, y0))
    pen.closePath()
    return pen.value


def circle(cx: float, cy: float, r: float) -> list:
    pen = RecordingPen()
    points = [(cx + r * math.cos(a / 8 * math.tau), cy + r * math.sin(a / 8 * math.tau)) for a in range(8)]
    pen.moveTo(points[0])
    for i in range(8):
        pen.qCurveTo(((points[i][0] + points[(i + 1) % 8][0]) / 2 * 1.05 - cx * 0.05,
                      (points[i][1] + points[(i + 1) % 8][1]) / 2 * 1.05 - cy * 0.05), points[(i + 1) % 8])
    pen.closePath()
    return pen.value


def upright_lines(outline) -> list[float]:
    return sorted(s[0][0] for segments in contour_segments(outline) for s in segments
                  if len(s) == 2 and s[0][0] == s[1][0] and abs(s[1][1] - s[0][1]) > 200)


def test_stems_and_sharp_corners_are_learned_from_the_designers_glyphs():
    glyphs = [strokes(60, 50, shift) for shift in range(10)] + [strokes(80, 50)]
    conventions = learn_conventions(glyphs, 1000)
    assert conventions.vertical_stems[0] == 60 and conventions.horizontal_stems == (50,)
    assert conventions.sharp_corners and conventions.glyphs == 11


def test_rounded_corners_are_learned_as_round():
    glyphs = [rounded_rect(100, 0, 160, 700, 20) + rounded_rect(300, 300, 700, 350, 15) for _ in range(5)]
    conventions = learn_conventions(glyphs, 1000)
    assert not conventions.sharp_corners and conventions.vertical_stems == (60,)


def test_a_brush_font_with_no_straight_stems_learns_none():
    conventions = learn_conventions([circle(500, 400, 200 + i) for i in range(5)], 1000)
    assert conventions.vertical_stems == conventions.horizontal_stems == () and conventions.glyphs == 5


def test_a_stroke_near_the_fonts_stem_width_is_drawn_exactly_at_it_and_a_far_one_is_left():
    near, far = RecordingPen(), RecordingPen()
    draw_rect(near, (100, 0, 163, 700))
    draw_rect(far, (100, 0, 190, 700))
    conventions = Conventions(vertical_stems=(60,), glyphs=1)
    assert upright_lines(redraw(near.value, 1000, conventions=conventions)) == [102, 162]
    assert upright_lines(redraw(far.value, 1000, conventions=conventions)) == [100, 190]
    assert upright_lines(redraw(near.value, 1000)) == [100, 163]


def test_a_traced_stroke_takes_the_fonts_stem_width():
    image = wobbly_stem()  # an upright stroke about 109 units wide
    plain = upright_lines(trace_to_recording(image, FRAME, TraceSettings(threshold=0.5)))
    styled = upright_lines(trace_to_recording(image, FRAME, TraceSettings(
        threshold=0.5, conventions=Conventions(vertical_stems=(100,), glyphs=1))))
    assert len(plain) == len(styled) == 2
    assert plain[1] - plain[0] != 100 and styled[1] - styled[0] == 100
    assert abs((plain[0] + plain[1]) - (styled[0] + styled[1])) <= 1  # about the stroke's middle


def test_outer_corners_follow_the_font():
    pen = RecordingPen()  # a square whose outer corners the ink has cut off by 20 units
    for i, point in enumerate([(120, 100), (480, 100), (500, 120), (500, 480), (480, 500), (120, 500), (100, 480),
                               (100, 120)]):
        (pen.lineTo if i else pen.moveTo)(point)
    pen.closePath()
    sharp = redraw(pen.value, 1000, conventions=Conventions(sharp_corners=True, glyphs=1))
    round_ = redraw(pen.value, 1000, conventions=Conventions(sharp_corners=False, glyphs=1))
    assert sum(len(c) for c in contour_segments(sharp)) == 4
    assert sum(len(c) for c in contour_segments(round_)) == 8


def test_stem_fit_measures_the_share_at_the_fonts_widths():
    conventions = Conventions(vertical_stems=(60,), horizontal_stems=(50,), glyphs=1)
    assert stem_fit(strokes(60, 50), conventions) == 1.0
    assert stem_fit(strokes(70, 50), conventions) < 0.5
    assert stem_fit(strokes(60, 50), Conventions()) is None


def test_evaluate_learns_the_conventions_without_the_held_out_glyphs(tmp_path):
    held, drawn = "永字八法一", "二三人大天中國學書"  # the held-out drawn 90 units wide, the rest 60
    font = ufoLib2.Font()
    font.info.unitsPerEm, font.info.ascender, font.info.descender = 1000, 880, -120
    for chars, width in ((held, 90), (drawn, 60)):
        for char in chars:
            glyph = font.newGlyph(f"uni{ord(char):04X}")
            glyph.unicodes, glyph.width = [ord(char)], 1000
            for rect in ((100, 0, 100 + width, 700), (600, 0, 600 + width, 700)):
                draw_rect(glyph.getPen(), rect)
    font.save(tmp_path / "Target.ufo")
    result = evaluate(open_font(tmp_path / "Target.ufo"), open_font(SOURCE), [ord(c) for c in held], size=64)
    assert result.conventions.vertical_stems == (60,) and result.conventions.glyphs == len(drawn)
    assert result.outline_summary()["truth"]["stem_fit_mean"] == 0.0  # the held-out glyphs are off the learned stems

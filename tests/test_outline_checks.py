"""Outline figures as a designer (and fontbakery's outline checks, glyph by glyph) would judge them."""

from __future__ import annotations

from fontTools.pens.recordingPen import RecordingPen

from fontcomplete.outlines.checks import outline_figures, summarize_outlines


def polygon(*points) -> list:
    pen = RecordingPen()
    pen.moveTo(points[0])
    for point in points[1:]:
        pen.lineTo(point)
    pen.closePath()
    return pen.value


def test_a_drawn_rectangle_is_four_points_all_straight_and_clean():
    figures = outline_figures(polygon((100, 0), (400, 0), (400, 700), (100, 700)))
    assert (figures.on_curve, figures.contours, figures.straight_share) == (4, 1, 1.0)
    assert not figures.flagged and figures.short == 0


def test_a_stem_a_little_off_vertical_is_semi_vertical_and_not_straight():
    figures = outline_figures(polygon((100, 0), (400, 0), (402, 700), (100, 700)))  # 0.16° off vertical
    assert figures.semi_vertical == 1 and figures.flagged
    assert 0.6 < figures.straight_share < 0.8  # three of the four sides


def test_an_extra_point_on_an_edge_is_a_colinear_vector():
    figures = outline_figures(polygon((100, 0), (250, 0), (400, 0), (400, 700), (100, 700)))
    assert figures.colinear == 1 and figures.on_curve == 5 and figures.straight_share == 1.0


def test_a_spike_is_jaggy():
    figures = outline_figures(polygon((100, 0), (400, 0), (100, 30)))  # the join at (100, 0)… and (400, 0)
    assert figures.jaggy >= 1


def test_a_tiny_segment_is_short():
    figures = outline_figures(polygon((100, 0), (400, 0), (400, 700), (101, 700), (100, 700)))
    assert figures.short >= 1


def test_curves_count_their_on_curve_points_and_quadratics_are_split():
    pen = RecordingPen()
    pen.moveTo((0, 0))
    pen.curveTo((0, 100), (100, 200), (200, 200))
    pen.qCurveTo((300, 200), (400, 100), (400, 0))  # two off-curve points: an implied on-curve between them
    pen.closePath()
    figures = outline_figures(pen.value)
    assert figures.on_curve == 4  # the cubic, two quadratics, the closing line
    assert 0.35 < figures.straight_share < 0.42  # the closing line (400 units) of about 1,030


def test_summary_compares_points_with_the_designer_s_glyph():
    square = outline_figures(polygon((0, 0), (10, 0), (10, 10), (0, 10)))
    jagged = outline_figures(polygon((0, 0), (5, 0), (10, 0), (10, 10), (5, 10), (0, 10)))
    summary = summarize_outlines([jagged, jagged], [square, square])
    assert summary["on_curve_ratio_median"] == 1.5 and summary["colinear_share"] == 1.0
    assert summarize_outlines([square])["flagged_share"] == 0.0


def test_a_curve_bulging_past_its_ends_without_a_point_there_is_a_missing_extremum():
    from fontcomplete.outlines.checks import missing_extrema

    bulging = [[(0, 0), (0, 100), (200, 100), (200, 0)]]  # rises 75 units above both ends: its top has no point
    halves = [[(0, 0), (0, 50), (40, 75), (100, 75)], [(100, 75), (160, 75), (200, 50), (200, 0)]]
    assert missing_extrema(bulging) == 1 and missing_extrema(halves) == 0
    assert outline_figures([("moveTo", ((0, 0),)), ("curveTo", ((0, 100), (200, 100), (200, 0))),
                            ("closePath", ())]).missing_extrema == 1

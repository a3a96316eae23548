from pathlib import Path

import numpy as np
import pathops
import pytest
from fontTools.pens.areaPen import AreaPen
from fontTools.pens.boundsPen import BoundsPen
from fontTools.pens.recordingPen import RecordingPen

from fontcomplete.core.frame import EmFrame
from fontcomplete.core.scores import ink_iou, pieces
from fontcomplete.fonts.font import open_font
from fontcomplete.fonts.raster import render, render_outline
from fontcomplete.outlines import potrace_lib
from fontcomplete.outlines.trace import TraceSettings, binarize, despeckled, trace, trace_to_recording

DATA = Path(__file__).parent / "data"
FRAME = EmFrame(0, -120, 1000)


def replay(outline):
    return lambda pen: RecordingPen.replay(type("R", (), {"value": outline})(), pen)


def contour_areas(outline):
    """Signed area of each contour (positive = counter-clockwise in font space)."""
    areas, pen = [], None
    for operator, operands in outline:
        if operator == "moveTo":
            pen = AreaPen()
        getattr(pen, operator)(*operands)
        if operator == "closePath":
            areas.append(pen.value)
    return areas


def test_square_comes_back_at_its_font_coordinates_with_the_y_flip():
    image = np.zeros((100, 100), dtype=np.uint8)
    image[10:30, 20:60] = 255  # rows 10..30 from the top, columns 20..60
    pen = BoundsPen(None)
    trace(image, FRAME, pen, TraceSettings(upsample=1, alphamax=0))
    # 10 font units a pixel: x 200..600, y from top 880 - 100 .. 880 - 300
    assert pen.bounds == pytest.approx((200, 580, 600, 780), abs=1)


@pytest.mark.parametrize("turns", [0, 1, 2, 3])
def test_ink_at_the_image_edge_stays_inside_the_em_box(turns):
    rows, cols = np.ogrid[:128, :128]
    disc = np.clip(20.5 - np.hypot(rows - 64.0, cols - 110.0), 0, 1).astype(np.float32)  # cut by the right edge
    image = np.rot90(disc, turns).copy()  # right, top, left, bottom edge: potrace's curves bulge past each by ~0.5
    pen = BoundsPen(None)
    trace(image, FRAME, pen, TraceSettings(round_coordinates=False))
    left, bottom, right, top = pen.bounds
    assert left >= FRAME.left and bottom >= FRAME.bottom and right <= FRAME.left + FRAME.side and top <= FRAME.top
    edge = (right, top, left, bottom)[turns]
    assert edge == pytest.approx((FRAME.left + FRAME.side, FRAME.top, FRAME.left, FRAME.bottom)[turns], abs=1)


def test_outer_contours_are_counter_clockwise_and_holes_clockwise():
    image = np.zeros((64, 64), dtype=np.uint8)
    image[8:56, 8:56] = 255
    image[24:40, 24:40] = 0  # a hole
    outline = trace_to_recording(image, FRAME)
    areas = sorted(contour_areas(outline))
    assert len(areas) == 2
    assert areas[0] < 0 < areas[1] and abs(areas[1]) > abs(areas[0])


def test_blank_image_gives_no_contours():
    assert trace_to_recording(np.zeros((64, 64), dtype=np.uint8), FRAME) == []


def test_uint8_and_float_input_agree():
    image = np.zeros((64, 64), dtype=np.uint8)
    image[10:50, 20:30] = 255
    assert trace_to_recording(image, FRAME) == trace_to_recording(image.astype(np.float32) / 255, FRAME)


def test_non_square_input_is_refused():
    with pytest.raises(ValueError):
        trace(np.zeros((10, 20)), FRAME, RecordingPen())


@pytest.mark.parametrize("font_file", ["NotoSansTC-Subset.otf", "NotoSerifTC-Subset.otf"])
def test_round_trip_of_real_glyphs_at_128_px(font_file):
    font = open_font(DATA / font_file)
    ious = []
    for codepoint in sorted(font.cmap)[1:33]:
        name = font.cmap[codepoint]
        outline = trace_to_recording(render(font, name, 128), font.frame)
        truth = render(font, name, 256) > 127
        traced = render_outline(replay(outline), font.frame, 256) > 127
        ious.append(ink_iou(truth, traced))
        # clean: no overlaps left for pathops to remove, coordinates are integers
        path = pathops.Path()
        replay(outline)(path.getPen())
        simplified = pathops.simplify(path, fix_winding=True, clockwise=False)
        assert len(list(simplified.contours)) == len(list(path.contours))
        assert simplified.area == pytest.approx(path.area, rel=1e-3)
        assert sum(contour_areas(outline)) > 0  # outers counter-clockwise dominate
        assert all(float(v).is_integer() for _, pts in outline for pt in pts for v in pt)
    assert np.mean(ious) >= 0.96 and min(ious) >= 0.9


def test_upsampling_before_the_threshold_helps():
    font = open_font(DATA / "NotoSerifTC-Subset.otf")
    scores = {}
    for upsample in (1, 3):
        values = []
        for codepoint in sorted(font.cmap)[1:17]:
            name = font.cmap[codepoint]
            outline = trace_to_recording(render(font, name, 128), font.frame, TraceSettings(upsample=upsample))
            values.append(ink_iou(render(font, name, 256) > 127,
                                  render_outline(replay(outline), font.frame, 256) > 127))
        scores[upsample] = np.mean(values)
    assert scores[3] > scores[1] + 0.005


def test_ctypes_path_and_pypotrace_trace_identically(monkeypatch):
    font = open_font(DATA / "NotoSerifTC-Subset.otf")
    image = render(font, font.cmap[ord("龍")], 128)
    fast = trace_to_recording(image, font.frame)
    monkeypatch.setattr(potrace_lib, "_library", lambda: None)
    assert trace_to_recording(image, font.frame) == fast


def test_turdsize_scales_with_area():
    settings = TraceSettings(turdsize_at_128=2)
    assert settings.turdsize(128) == 2 and settings.turdsize(512) == 32


def test_threshold_resolves_to_the_given_then_the_calibrated_then_one_half():
    assert TraceSettings().resolved().threshold == 0.5
    assert TraceSettings().resolved(0.4).threshold == 0.4
    assert TraceSettings(threshold=0.6).resolved(0.4).threshold == 0.6
    with pytest.raises(ValueError):
        TraceSettings(threshold=1.0)


def test_gap_opening_resolves_to_the_given_then_the_calibrated_then_none():
    assert TraceSettings().resolved().open_gaps == 0
    assert TraceSettings().resolved(0.4, 6).open_gaps == 6
    assert TraceSettings(open_gaps=0).resolved(0.4, 6).open_gaps == 0
    with pytest.raises(ValueError):
        TraceSettings(open_gaps=-1)


def _two_bars(gap_coverage: float) -> np.ndarray:
    """Two strokes a 2 px gap apart, the gap drawn at partial coverage (a model unsure where the strokes lie)."""
    image = np.zeros((128, 128), np.float32)
    image[20:108, 40:60] = image[20:108, 62:82] = 1.0
    image[20:108, 60:62] = gap_coverage
    return image


def test_gap_opening_keeps_apart_strokes_a_plain_threshold_runs_together():
    plain, opened = TraceSettings(threshold=0.5), TraceSettings(threshold=0.5, open_gaps=4)
    assert pieces(binarize(_two_bars(0.7), plain)) == 1
    assert pieces(binarize(_two_bars(0.7), opened)) == 2


def test_gap_opening_leaves_strokes_and_solid_joins_as_they_are():
    opened = TraceSettings(threshold=0.5, open_gaps=8)
    joined = _two_bars(1.0)  # one wide stroke: no valley to open
    assert pieces(binarize(joined, opened)) == 1
    cross = np.zeros((128, 128), np.float32)
    cross[60:70, 20:108] = cross[20:108, 60:70] = 1.0
    assert ink_iou(binarize(cross, opened), binarize(cross, TraceSettings(threshold=0.5))) > 0.97


def test_despeckled_drops_ink_and_holes_up_to_the_speck_area_only():
    mask = np.zeros((128, 128), bool)
    mask[10:40, 10:40] = True
    mask[20:22, 20:22] = False  # a 4 px² hole
    mask[60:62, 60:63] = True  # a 6 px² speck
    mask[80:100, 80:100] = True
    mask[85:95, 85:95] = False  # a 100 px² counter
    clean = despeckled(mask, TraceSettings(turdsize_at_128=10))
    assert clean[20:22, 20:22].all() and not clean[60:62, 60:63].any()
    assert not clean[85:95, 85:95].any() and clean[80:85, 80:100].all() and clean[10:40, 10:40].all()

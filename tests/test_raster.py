import numpy as np
import pytest
from fixtures import glyph_rect, make_source_font, rect_drawer

from fontcomplete.core.frame import EmFrame
from fontcomplete.fonts.font import open_font
from fontcomplete.fonts.raster import render, render_many, render_outline


@pytest.mark.parametrize("upm, descender", [(1000, -120), (2048, -246)])
def test_rectangle_lands_on_known_pixels(upm, descender):
    frame = EmFrame(0, descender, upm)
    unit = upm / 64  # one pixel of a 64 px image, in font units
    # a rectangle covering pixel columns 8..15 and rows 4..11
    rect = (8 * unit, frame.top - 12 * unit, 16 * unit, frame.top - 4 * unit)
    image = render_outline(rect_drawer(rect), frame, 64)
    expected = np.zeros((64, 64), dtype=bool)
    expected[4:12, 8:16] = True
    assert image.dtype == np.uint8
    assert np.array_equal(image > 127, expected)
    assert image[expected].min() == 255 and image[~expected].max() == 0


@pytest.mark.parametrize("upm", [1000, 2048])
def test_each_font_is_scaled_by_its_own_upm(tmp_path, upm):
    font = open_font(make_source_font(tmp_path / "a.otf", [0x4E00], upm=upm))
    image = render(font, "uni4E00", 128)
    x0, y0, x1, y1 = glyph_rect(0x4E00, upm)  # the fixture's rectangle, in font units
    scale = 128 / upm
    rows, cols = np.flatnonzero(image.max(1) > 127), np.flatnonzero(image.max(0) > 127)
    assert rows[0] == pytest.approx((font.frame.top - y1) * scale, abs=1)
    assert rows[-1] + 1 == pytest.approx((font.frame.top - y0) * scale, abs=1)
    assert cols[0] == pytest.approx(x0 * scale, abs=1) and cols[-1] + 1 == pytest.approx(x1 * scale, abs=1)


def test_render_many_stacks(tmp_path):
    font = open_font(make_source_font(tmp_path / "a.otf", [0x4E00, 0x4E01]))
    images = render_many(font, ["uni4E00", "uni4E01"], 32)
    assert images.shape == (2, 32, 32) and images.dtype == np.uint8
    assert np.array_equal(images[1], render(font, "uni4E01", 32))

import pytest

from fontcomplete.core.frame import EmFrame


def test_font_to_pixel_maps_corners_of_the_em_box():
    frame = EmFrame(0, -120, 1000)
    to_pixel = frame.font_to_pixel(128)
    assert to_pixel.transformPoint((0, 880)) == (0, 0)
    assert to_pixel.transformPoint((1000, -120)) == (128, 128)
    assert to_pixel.transformPoint((500, 380)) == (64, 64)


@pytest.mark.parametrize("frame", [EmFrame(0, -120, 1000), EmFrame(0, -250, 2048), EmFrame(10, -200, 1024)])
def test_pixel_to_font_is_the_exact_inverse(frame):
    for size in (64, 128, 256):
        forward, back = frame.font_to_pixel(size), frame.pixel_to_font(size)
        for point in [(0, 0), (123, 456), (frame.side, frame.bottom)]:
            x, y = back.transformPoint(forward.transformPoint(point))
            assert x == pytest.approx(point[0]) and y == pytest.approx(point[1])


def test_side_must_be_positive():
    with pytest.raises(ValueError):
        EmFrame(0, 0, 0)

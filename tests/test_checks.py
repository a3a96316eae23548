from pathlib import Path

from fixtures import rect_drawer

from fontcomplete.core.frame import EmFrame
from fontcomplete.core.outline import Generated
from fontcomplete.fonts.font import open_font
from fontcomplete.generate.copy import copy_glyphs
from fontcomplete.generate.sanity import check_glyph, failed_checks

SOURCE = open_font(Path(__file__).parent / "data" / "NotoSansTC-Subset.otf")
FRAME = EmFrame(0, -120, 1000)
NATIONAL = ord("國")


def recorded(draw):
    from fontTools.pens.recordingPen import RecordingPen

    pen = RecordingPen()
    draw(pen)
    return pen.value


def test_copied_glyphs_pass():
    glyphs = list(copy_glyphs(SOURCE, [ord("永"), NATIONAL, ord("一")], FRAME))
    assert failed_checks(glyphs, SOURCE, FRAME) == []
    assert abs(check_glyph(glyphs[1], SOURCE, FRAME).area_ratio - 1) < 0.02


def test_blank_glyph_fails():
    check = check_glyph(Generated(NATIONAL, []), SOURCE, FRAME)
    assert not check.ok and check.area_ratio == 0 and "0.00x" in check.describe()


def test_ink_outside_the_em_box_fails():
    outline = recorded(rect_drawer((100, 100, 900, 950)))  # above the 880 typo ascender
    check = check_glyph(Generated(NATIONAL, outline), SOURCE, FRAME)
    assert not check.inside_em_box and "outside the em box" in check.describe()


def test_a_solid_block_is_far_heavier_than_its_source():
    outline = recorded(rect_drawer((0, -120, 1000, 880)))
    check = check_glyph(Generated(ord("一"), outline), SOURCE, FRAME)
    assert check.inside_em_box and check.area_ratio > 2 and not check.ok

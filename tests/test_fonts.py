from pathlib import Path

import pytest
from fixtures import make_source_font, make_ufo
from fontTools.pens.recordingPen import RecordingPen
from fontTools.ttLib import TTCollection, TTFont

from fontcomplete.core.errors import FontcompleteError
from fontcomplete.core.frame import EmFrame
from fontcomplete.fonts.font import open_font, split_index

DATA = Path(__file__).parent / "data"


def test_binary_font_cmap_frame_and_advance(tmp_path):
    path = make_source_font(tmp_path / "s.otf", [0x4E00, 0x4E8C], upm=2048)
    font = open_font(path)
    assert font.cmap == {0x4E00: "uni4E00", 0x4E8C: "uni4E8C"}
    assert font.upm == 2048
    assert font.frame == EmFrame(0, -246, 2048)
    assert font.advance("uni4E00") == 2048
    assert font.name == "Fixture Source Regular"


def test_ufo_opens_with_the_same_api(tmp_path):
    make_ufo(tmp_path / "t.ufo", [0x4E00], upm=1000)
    font = open_font(tmp_path / "t.ufo")
    assert font.cmap[0x4E00] == "uni4E00"
    assert font.frame == EmFrame(0, -120, 1000)
    pen = RecordingPen()
    font.draw("uni4E00", pen)
    assert pen.value[0][0] == "moveTo"


def test_ufo_frame_falls_back_to_ascender_descender(tmp_path):
    ufo = make_ufo(None, [0x4E00])
    ufo.info.openTypeOS2TypoAscender = ufo.info.openTypeOS2TypoDescender = None
    ufo.info.ascender, ufo.info.descender = 800, -200
    ufo.save(tmp_path / "t.ufo")
    assert open_font(tmp_path / "t.ufo").frame == EmFrame(0, -200, 1000)


def test_collection_member_by_suffix_and_by_index(tmp_path):
    collection = TTCollection()
    collection.fonts = [TTFont(make_source_font(tmp_path / f"{i}.otf", [0x4E00 + i])) for i in range(2)]
    collection.save(tmp_path / "c.ttc")
    assert 0x4E01 in open_font(f"{tmp_path / 'c.ttc'}#1").cmap
    assert 0x4E01 in open_font(tmp_path / "c.ttc", 1).cmap
    assert 0x4E00 in open_font(tmp_path / "c.ttc").cmap
    with pytest.raises(FontcompleteError, match="out of range"):
        open_font(f"{tmp_path / 'c.ttc'}#5")


def test_woff2_source(tmp_path):
    font = TTFont(make_source_font(tmp_path / "s.otf", [0x4E00]))
    font.flavor = "woff2"
    font.save(tmp_path / "s.woff2")
    assert open_font(tmp_path / "s.woff2").cmap == {0x4E00: "uni4E00"}


def test_composites_are_decomposed():
    font = open_font(DATA / "NotoSansTC-Subset.otf")
    pen = RecordingPen()
    font.draw(font.cmap[ord("永")], pen)
    assert pen.value and all(op != "addComponent" for op, _ in pen.value)


@pytest.mark.parametrize("content", [b"", b"not a font at all"])
def test_not_a_font_is_one_clear_error(tmp_path, content):
    (tmp_path / "bad.otf").write_bytes(content)
    with pytest.raises(FontcompleteError, match="not a readable font"):
        open_font(tmp_path / "bad.otf")


def test_missing_file_and_bad_index(tmp_path):
    with pytest.raises(FontcompleteError, match="not found"):
        open_font(tmp_path / "nope.otf")
    path = make_source_font(tmp_path / "s.otf", [0x4E00])
    with pytest.raises(FontcompleteError, match="not a font collection"):
        open_font(path, 2)


def test_split_index():
    assert split_index("A.ttc#3") == (Path("A.ttc"), 3)
    assert split_index("A.otf") == (Path("A.otf"), None)
    with pytest.raises(FontcompleteError):
        split_index("A.ttc#3", 2)


def test_fingerprint_changes_with_content(tmp_path):
    a = make_source_font(tmp_path / "a.otf", [0x4E00])
    b = make_source_font(tmp_path / "b.otf", [0x4E01])
    assert open_font(a).fingerprint != open_font(b).fingerprint
    assert open_font(a).fingerprint == open_font(a).fingerprint

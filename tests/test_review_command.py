"""`fontcomplete review`: the generated glyphs least sure first; accept, reject, restore; deleted glyphs stay out;
mark colours by confidence; the proof pages fill names are the ones it wrote."""

from __future__ import annotations

import json

import pytest
import ufoLib2
from fixtures import SOURCE, make_ufo, tree_snapshot
from fontTools.ttLib import TTFont
from PIL import Image

from fontcomplete.cli import main
from fontcomplete.core.provenance import CONFIDENCE_MARKS, MARK_COLOR, PROVENANCE_KEY, is_machine_drawn

HAVE = "永字八法一二三人大天中國學書東京風雨龍鳳愛語說話門開關問間聽體電車馬魚鳥"  # drawn: the donors
WANT = "雲雪花草木林森水火山川日月年時來去上下左右口目耳手心思想"  # generated


@pytest.fixture
def project(tmp_path):
    make_ufo(tmp_path / "T.ufo", [ord(c) for c in HAVE])
    (tmp_path / "want.txt").write_text(WANT, encoding="utf-8")
    return tmp_path


def fill(project, *extra) -> int:
    return main(["fill", str(project / "T.ufo"), "--source", str(SOURCE), "--charset", str(project / "want.txt"),
                 "--workers", "1", *map(str, extra)])


def review(project, capsys, *extra) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["review", str(project / "T.ufo"), *extra])
    return code, *capsys.readouterr()


def listed(project, capsys) -> list[dict]:
    code, out, _ = review(project, capsys, "--format", "json")
    assert code == 0
    return json.loads(out)["generated"]


def glyph(project, char: str):
    return ufoLib2.Font.open(project / "T.ufo")[f"uni{ord(char):04X}"]


def test_a_model_fill_is_listed_least_sure_first_and_marked_by_confidence(project, tiny_model, capsys):
    assert fill(project, "--model", tiny_model, "--views", "1") == 0
    entries = listed(project, capsys)
    assert sorted(e["character"] for e in entries) == sorted(WANT)
    confidences = [e["confidence"] for e in entries]
    assert all(c is not None for c in confidences) and confidences == sorted(confidences)
    assert len(set(confidences)) > 1
    bands = [next(color for lowest, color in CONFIDENCE_MARKS if c >= lowest) for c in confidences]
    assert [glyph(project, e["character"]).lib["public.markColor"] for e in entries] == bands
    code, text, _ = review(project, capsys, "--limit", "3")
    lines = text.splitlines()
    assert code == 0 and [line[0] for line in lines[:3]] == [e["character"] for e in entries[:3]]
    assert lines[-1].startswith(f"# {len(WANT)} generated glyphs")


def test_accept_makes_a_glyph_the_designer_s(project, capsys):
    assert fill(project) == 0
    assert glyph(project, "雲").lib["public.markColor"] == MARK_COLOR  # a copy: orange, no confidence
    assert review(project, capsys, "--accept", "雲")[0] == 0
    accepted = glyph(project, "雲")
    assert "public.markColor" not in accepted.lib and not is_machine_drawn(accepted)
    assert {e["character"]: e["state"] for e in listed(project, capsys)}["雲"] == "accepted"
    capsys.readouterr()
    assert fill(project, "--replace-generated") == 0  # regenerates the others, never it
    assert f"already present 1, not in source 0, to add {len(WANT) - 1} (regenerating {len(WANT) - 1})" in \
        capsys.readouterr().out
    assert glyph(project, "雲").lib == accepted.lib


def test_reject_deletes_the_glyph_and_fills_leave_it_out_until_restored(project, capsys):
    assert fill(project) == 0
    code, _, _ = review(project, capsys, "--reject", "雪 U+82B1")
    assert code == 0
    font = ufoLib2.Font.open(project / "T.ufo")
    assert "uni96EA" not in font and "uni82B1" not in font
    assert "uni96EA" not in font.lib["public.glyphOrder"]
    before = tree_snapshot(project / "T.ufo")
    assert fill(project) == 0 and tree_snapshot(project / "T.ufo") == before
    capsys.readouterr()
    assert main(["missing", str(project / "T.ufo"), "--source", str(SOURCE), "--charset", str(project / "want.txt"),
                 "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["declined"] == ["U+82B1", "U+96EA"]
    assert review(project, capsys, "--restore", "雪")[0] == 0
    assert fill(project) == 0
    font = ufoLib2.Font.open(project / "T.ufo")
    assert "uni96EA" in font and "uni82B1" not in font


def test_a_generated_glyph_the_designer_deletes_is_not_added_again(project, capsys):
    assert fill(project) == 0
    font = ufoLib2.Font.open(project / "T.ufo")
    del font["uni8349"]  # 草, deleted in an editor
    font.lib["public.glyphOrder"] = [n for n in font.lib["public.glyphOrder"] if n != "uni8349"]
    font.save()
    before = tree_snapshot(project / "T.ufo")
    assert fill(project) == 0 and tree_snapshot(project / "T.ufo") == before
    code, text, _ = review(project, capsys)
    assert text.splitlines()[-1].endswith("1 characters rejected or deleted: 草")


def test_rejecting_an_edited_glyph_is_refused_and_writes_nothing(project, capsys):
    assert fill(project) == 0
    font = ufoLib2.Font.open(project / "T.ufo")
    font["uni6728"].contours[0].points[0].x += 7  # 木, edited by the designer
    font.save()
    before = tree_snapshot(project)
    code, _, err = review(project, capsys, "--reject", "木林")
    assert code == 2 and "is yours now" in err and len(err.strip().splitlines()) == 1
    assert tree_snapshot(project) == before


def test_rejecting_the_designer_s_own_glyph_is_refused(project, capsys):
    assert fill(project) == 0
    before = tree_snapshot(project)
    code, _, err = review(project, capsys, "--reject", "永")
    assert code == 2 and "your own glyph" in err and tree_snapshot(project) == before


def test_fill_prints_the_proof_pages_it_wrote(tmp_path, capsys):
    example_source = SOURCE.parents[2] / "examples" / "zen-maru-gothic-tc" / "sources" / "NotoSansCJKtc-Subset.otf"
    han = sorted(c for c in TTFont(example_source).getBestCmap() if c >= 0x4E00)
    make_ufo(tmp_path / "T.ufo", han[:1])
    (tmp_path / "want.txt").write_text("".join(map(chr, han[1:201])), encoding="utf-8")
    assert main(["fill", str(tmp_path / "T.ufo"), "--source", str(example_source), "--charset",
                 str(tmp_path / "want.txt"), "--workers", "1", "--proof", str(tmp_path / "proof.png")]) == 0
    out = capsys.readouterr().out
    written = sorted(p.name for p in tmp_path.glob("proof*.png"))
    assert len(written) > 1 and f"{len(written)} pages" in out
    assert f"{tmp_path / written[0]} … {tmp_path / written[-1]}" in out
    assert Image.open(tmp_path / written[0]).height > 20 * 128  # 20 rows of cells at 128 px


def test_review_of_a_ufo_fontcomplete_never_filled_lists_nothing(project, capsys):
    code, text, _ = review(project, capsys)
    assert code == 0 and text.strip() == "# 0 generated glyphs, least sure first (0 edited or accepted); 0 characters " \
                                          "rejected or deleted"
    assert PROVENANCE_KEY not in glyph(project, "永").lib


def test_the_text_list_is_a_charset_file_for_redoing_the_least_sure(project, tiny_model, capsys):
    assert fill(project, "--model", tiny_model, "--views", "1") == 0
    code, text, _ = review(project, capsys, "--limit", "5")
    (project / "redo.txt").write_text(text, encoding="utf-8")
    from fontcomplete.core.charsets import read_charset_file

    assert read_charset_file(project / "redo.txt") == {ord(e["character"]) for e in listed(project, capsys)[:5]}


def test_the_proof_shows_each_model_glyph_beside_two_of_the_designer_s_related_glyphs(project, tiny_model):
    assert fill(project, "--model", tiny_model, "--views", "1", "--proof", project / "proof.png") == 0
    from fontcomplete.generate.proof import CELL_GAP, PAGE_MARGIN

    size, images = 128, 5  # source, generated, its outline with points, two donors
    cell = images * size + (images - 1) * 2 + CELL_GAP
    columns = 1800 // cell
    assert Image.open(project / "proof.png").width == 2 * PAGE_MARGIN + columns * cell

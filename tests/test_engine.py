"""One engine: a UFO and a designspace take the same fill options alike; a designer's edit of a generated glyph
makes it theirs (never regenerated, an exemplar from then on, reported by `missing`)."""

from __future__ import annotations

import json
import plistlib
from pathlib import Path

import pytest
import ufoLib2
from fixtures import HAVE, SOURCE, WANT, make_ufo, tree_snapshot, two_master_designspace

from fontcomplete.cli import main
from fontcomplete.complete.plan import Master, plan_masters
from fontcomplete.core.frame import EmFrame
from fontcomplete.core.provenance import PROVENANCE_KEY, is_edited, outline_digest
from fontcomplete.fonts.font import open_font

ADDED = sorted(set(WANT) - set(HAVE))


def single_ufo(root: Path) -> Path:
    make_ufo(root / "T.ufo", [ord(c) for c in HAVE])
    (root / "want.txt").write_text(WANT, encoding="utf-8")
    return root / "T.ufo"


def fill(target: Path, *extra: str) -> int:
    return main(["fill", str(target), "--source", str(SOURCE), "--charset", str(target.parent / "want.txt"),
                 "--workers", "1", *extra])


def glyph_outlines(ufo_path: Path) -> dict[str, str]:
    ufo = ufoLib2.Font.open(ufo_path)
    return {glyph.name: outline_digest(glyph) for glyph in ufo}


@pytest.mark.parametrize("options", [[], ["--workers", "2"], ["--source-index", "0"], ["--threshold", "0.4"],
                                     ["--replace-generated"], ["--batch-size", "3"]])
def test_a_ufo_and_a_designspace_master_get_the_same_glyphs(tmp_path, options, capsys):
    (tmp_path / "ufo").mkdir()
    (tmp_path / "ds").mkdir()
    ufo = single_ufo(tmp_path / "ufo")
    designspace = two_master_designspace(tmp_path / "ds")
    assert fill(ufo, *options) == 0
    ufo_out = capsys.readouterr().out.splitlines()
    assert fill(designspace, *options) == 0
    ds_out = capsys.readouterr().out.splitlines()
    assert ufo_out[0] + " to every master" == ds_out[0]  # the same plan
    assert glyph_outlines(ufo) == glyph_outlines(tmp_path / "ds" / "Fam-Regular.ufo")


def test_dry_run_writes_nothing_for_either(tmp_path, capsys):
    (tmp_path / "ufo").mkdir()
    (tmp_path / "ds").mkdir()
    targets = [single_ufo(tmp_path / "ufo"), two_master_designspace(tmp_path / "ds")]
    before = tree_snapshot(tmp_path)
    assert [fill(target, "--dry-run", "--proof", str(tmp_path / "p.png")) for target in targets] == [0, 0]
    assert tree_snapshot(tmp_path) == before
    assert capsys.readouterr().out.count("dry run: nothing written") == 2


def glif_bytes(ufo_path: Path, name: str) -> bytes:
    contents = plistlib.loads((ufo_path / "glyphs" / "contents.plist").read_bytes())
    return (ufo_path / "glyphs" / contents[name]).read_bytes()


def edit_glyph(ufo_path: Path, name: str) -> None:
    """What a designer does: move a point of a generated glyph and save."""
    ufo = ufoLib2.Font.open(ufo_path)
    point = ufo[name].contours[0].points[0]
    point.x += 12
    ufo.save(overwrite=True)


@pytest.mark.parametrize("kind", ["ufo", "designspace"])
def test_a_designer_edited_glyph_survives_replace_generated(tmp_path, kind, capsys):
    target = single_ufo(tmp_path) if kind == "ufo" else two_master_designspace(tmp_path)
    ufo = tmp_path / ("T.ufo" if kind == "ufo" else "Fam-Bold.ufo")
    assert fill(target) == 0
    name = f"uni{ord(ADDED[0]):04X}"
    edit_glyph(ufo, name)
    edited = ufoLib2.Font.open(ufo)[name]
    assert is_edited(edited)
    kept = glif_bytes(ufo, name)
    capsys.readouterr()
    assert fill(target, "--replace-generated") == 0
    out = capsys.readouterr().out
    assert "already present 8" in out  # the edited glyph counts as the designer's: 7 drawn + 1 edited
    assert glif_bytes(ufo, name) == kept
    assert name in ufoLib2.Font.open(ufo).keys()


def test_missing_reports_designer_edited_glyphs(tmp_path, capsys):
    ufo = single_ufo(tmp_path)
    assert fill(ufo) == 0
    edit_glyph(ufo, f"uni{ord(ADDED[1]):04X}")
    capsys.readouterr()
    assert main(["missing", str(ufo), "--source", str(SOURCE), "--charset", str(tmp_path / "want.txt"),
                 "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["designer_edited"] == [f"U+{ord(ADDED[1]):04X}"]
    assert report["counts"]["to_add"] == 0


def test_an_edited_glyph_is_an_exemplar_an_unedited_one_is_not(tmp_path):
    ufo_path = single_ufo(tmp_path)
    assert fill(ufo_path) == 0
    edit_glyph(ufo_path, f"uni{ord(ADDED[0]):04X}")
    ufo = ufoLib2.Font.open(ufo_path)
    master = Master("T", {glyph.name: glyph for glyph in ufo}, EmFrame(0, -120, 1000), open_font(SOURCE))
    drawn = set(master.drawn.cmap)
    assert ord(ADDED[0]) in drawn and ord(ADDED[1]) not in drawn and {ord(c) for c in HAVE} <= drawn
    plan = plan_masters([master], [ord(c) for c in WANT], replace_generated=True)
    assert plan.edited == [ord(ADDED[0])] and ord(ADDED[0]) not in plan.to_add
    assert sorted(plan.regenerate) == sorted(ord(c) for c in ADDED[1:])


def test_the_digest_is_what_fill_wrote(tmp_path):
    ufo_path = single_ufo(tmp_path)
    assert fill(ufo_path) == 0
    glyph = ufoLib2.Font.open(ufo_path)[f"uni{ord(ADDED[0]):04X}"]
    assert glyph.lib[PROVENANCE_KEY]["outline"] == outline_digest(glyph) and not is_edited(glyph)


def test_a_model_glyph_s_review_draws_only_on_designer_drawn_glyphs(tmp_path, tiny_model, capsys):
    """Donors for each glyph's confidence come from the designer's glyphs: never a generated one, never one being
    generated. fill names the least sure glyph."""
    ufo_path = single_ufo(tmp_path)
    assert fill(ufo_path) == 0  # copy mode: ADDED are generated glyphs now
    capsys.readouterr()
    assert fill(ufo_path, "--model", str(tiny_model), "--style", "0", "--views", "1", "--replace-generated") == 0
    confidence = {}
    for glyph in ufoLib2.Font.open(ufo_path):
        record = glyph.lib.get(PROVENANCE_KEY)
        if record is None:
            continue
        donors = {int(part.split("U+")[1], 16) for part in record["donors"].split(", ")}
        assert donors and donors <= {ord(c) for c in HAVE} and 0 <= float(record["confidence"]) <= 1
        confidence[glyph.unicodes[0]] = float(record["confidence"])
        assert float(record["confidence"]) == pytest.approx(float(record["rebuilt"]) * float(record["steady"]), abs=0.01)
    line = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("confidence"))
    named = int(line.split("U+")[1][:4], 16)  # the least sure glyph, as fill names it
    assert confidence[named] == min(confidence.values()) and f"lowest {confidence[named]:.2f}" in line
    green, yellow, red = (sum(lowest <= c < highest for c in confidence.values())
                          for lowest, highest in ((0.8, 2), (0.6, 0.8), (0, 0.6)))
    assert f"{green} green, {yellow} yellow, {red} red" in line

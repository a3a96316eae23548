"""Training, calibration and evaluation learn from the designer's glyphs alone: a filled UFO gives the same pairs,
exemplars and held-out truth as before its fill, and a generated glyph counts once a designer has edited it."""

from __future__ import annotations

import json
import shutil

import pytest
import ufoLib2
from fixtures import SOURCE, serif_ufo
from fontTools.ttLib import TTFont
from ml_fixtures import tiny_config  # noqa: F401  (one torch thread)

from fontcomplete.cli import main
from fontcomplete.core.provenance import is_generated
from fontcomplete.fonts.font import open_drawn_font, open_font

TINY = ["--g-ngf", "4", "--g-embedding-dim", "8", "--d-ndf", "4", "--batch-size", "4", "--warmup-steps", "0",
        "--eval-count", "4", "--sample-count", "4", "--no-progress", "--threads", "1", "--g-exemplars", "4",
        "--no-cache", "--steps", "1"]


@pytest.fixture(scope="module")
def fonts(tmp_path_factory):
    """(unfilled UFO, the same UFO filled by copy, holdout file): 40 drawn characters, 24 generated; the holdout
    names 4 drawn and 2 generated characters."""
    root = tmp_path_factory.mktemp("machine")
    han = sorted(c for c in TTFont(SOURCE).getBestCmap() if c > 0x2E80)
    unfilled, filled = root / "unfilled.ufo", root / "filled.ufo"
    serif_ufo(unfilled, han[:40])
    shutil.copytree(unfilled, filled)
    assert main(["fill", str(filled), "--source", str(SOURCE), "--charset", _charset(root, han),
                 "--workers", "1"]) == 0
    holdout = root / "holdout.txt"
    holdout.write_text("".join(map(chr, han[:4] + han[40:42])), encoding="utf-8")
    return unfilled, filled, holdout, han


def _charset(root, codepoints) -> str:
    path = root / "all.txt"
    path.write_text("".join(map(chr, codepoints)), encoding="utf-8")
    return str(path)


def train(target, out, holdout) -> dict:
    assert main(["train", "--target", str(target), "--source", str(SOURCE), "--out", str(out), "--holdout",
                 str(holdout), *TINY]) == 0
    training = json.loads((out / "config.json").read_text())["training"]
    validation = (out / "validation.txt").read_text(encoding="utf-8").count("U+")
    return {"train": training["train_pairs"], "held": training["heldout_pairs"], "validation": validation}


def test_the_fill_generated_what_the_tests_below_must_leave_out(fonts):
    unfilled, filled, _, han = fonts
    generated = [g for g in ufoLib2.Font.open(filled) if is_generated(g)]
    assert len(generated) == len(han) - 40 == 24
    assert len(open_font(filled).cmap) == len(open_font(unfilled).cmap) + 24


def test_a_filled_ufo_trains_on_the_same_pairs_and_the_run_says_what_it_left_out(fonts, tmp_path, capsys):
    unfilled, filled, holdout, _ = fonts
    before = train(unfilled, tmp_path / "unfilled", holdout)
    capsys.readouterr()
    after = train(filled, tmp_path / "filled", holdout)
    assert after == before and before["held"] == 4
    assert "left out its 24 glyphs that fontcomplete generated" in capsys.readouterr().out


def test_an_edited_generated_glyph_is_the_designer_s_and_is_trained_on(fonts, tmp_path):
    unfilled, filled, holdout, han = fonts
    edited = tmp_path / "edited.ufo"
    shutil.copytree(filled, edited)
    font = ufoLib2.Font.open(edited)
    glyph = font[f"uni{han[45]:04X}"]
    glyph.contours[0].points[0].x += 10  # a designer moves one point
    font.save()
    assert set(open_drawn_font(edited).cmap) == set(open_drawn_font(unfilled).cmap) | {han[45]}
    before, after = train(unfilled, tmp_path / "unfilled", holdout), train(edited, tmp_path / "edited", holdout)
    assert sum(after.values()) == sum(before.values()) + 1


def test_eval_and_calibrate_on_a_filled_ufo_score_only_real_glyphs(fonts, tmp_path, capsys):
    unfilled, filled, holdout, _ = fonts
    model = tmp_path / "run"
    train(unfilled, model, holdout)
    results = {}
    for name, target in (("unfilled", unfilled), ("filled", filled)):
        out = tmp_path / f"eval-{name}"
        assert main(["eval", str(target), "--source", str(SOURCE), "--holdout", str(holdout), "--model", str(model),
                     "--out", str(out), "--workers", "1", "--size", "64"]) == 0
        capsys.readouterr()
        assert main(["calibrate", str(model), "--target", str(target), "--source", str(SOURCE)]) == 0
        calibrated = capsys.readouterr().out
        results[name] = (json.loads((out / "eval.json").read_text()), calibrated)
    scored = results["unfilled"][0]["summary"]["model"]["count"]
    assert scored == 4  # the 2 generated held-out characters have no real glyph to score against
    assert results["filled"][0]["summary"] == results["unfilled"][0]["summary"]
    assert results["filled"][1] == results["unfilled"][1]

import argparse
import json

import pytest
import ufoLib2
from fixtures import make_source_font, make_ufo
from ml_fixtures import tiny_config  # noqa: F401  (one torch thread)

from fontcomplete.commands import train as train_command
from fontcomplete.core.errors import FontcompleteError
from fontcomplete.fonts.font import open_font
from fontcomplete.ml.model_dir import read_info
from fontcomplete.outlines.conventions import conventions_of

CODES = list(range(0x4E00, 0x4E18))
TINY = ["--g-ngf", "4", "--g-embedding-dim", "8", "--d-ndf", "4", "--batch-size", "4", "--warmup-steps", "0",
        "--eval-count", "4", "--sample-count", "4", "--no-progress", "--threads", "1", "--g-exemplars", "4"]


def run(*argv) -> int:
    parser = argparse.ArgumentParser()
    train_command.add_arguments(parser)
    return train_command.run(parser.parse_args([str(a) for a in argv]))


@pytest.fixture
def fonts(tmp_path):
    source = make_source_font(tmp_path / "source.otf", CODES)
    target = tmp_path / "target.ufo"
    make_ufo(target, CODES[:20])
    holdout = tmp_path / "holdout.txt"
    holdout.write_text("".join(chr(c) for c in CODES[:4]), encoding="utf-8")
    return source, target, holdout


def test_train_resume_init_and_stylize_end_to_end(fonts, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    source, target, holdout = fonts
    out, cache = tmp_path / "run", tmp_path / "cache"
    common = ["--source", source, "--cache-dir", cache, *TINY]
    assert run("--target", target, "--out", out, "--holdout", holdout, "--steps", "2", *common) == 0
    config = json.loads((out / "config.json").read_text())
    assert config["training"]["steps"] == 2 and config["categories"] == ["Fixture Regular"]
    assert config["training"]["heldout_pairs"] == 4
    assert (out / "holdout.txt").read_text(encoding="utf-8").count("U+") == 4
    assert run("--target", target, "--out", out, "--resume", "--steps", "4", *common) == 0
    assert json.loads((out / "config.json").read_text())["training"]["steps"] == 4
    with pytest.raises(FontcompleteError, match="--resume"):
        run("--target", target, "--out", out, "--steps", "2", *common)

    second = tmp_path / "second.ufo"
    font = make_ufo(None, CODES[:20])
    font.info.familyName = "Second"
    font.save(second)
    tuned = tmp_path / "tuned"
    assert run("--target", second, "--out", tuned, "--init", out, "--steps", "1", *common) == 0
    assert json.loads((tuned / "config.json").read_text())["categories"] == ["Fixture Regular", "Second Regular"]

    from fontcomplete.generate.stylize import stylize_glyphs
    from fontcomplete.ml.stylizer import load_stylizer

    source_font, second_font = open_font(source), open_font(second)
    stylizer = load_stylizer(tuned, style="Second Regular", device="cpu")
    stylizer = stylizer.with_target(source_font, second_font, CODES[3:20])  # the cpu preset takes exemplars
    glyphs = list(stylize_glyphs(source_font, CODES[:3], second_font.frame, stylizer, batch_size=2))
    assert [g.codepoint for g in glyphs] == CODES[:3]
    assert all(isinstance(g.outline, list) for g in glyphs)

    from fontcomplete.cli import main
    from fontcomplete.complete.merge import PROVENANCE_KEY

    wanted = tmp_path / "wanted.txt"
    wanted.write_text("".join(chr(c) for c in CODES[20:]), encoding="utf-8")
    assert main(["fill", str(second), "--source", str(source), "--charset", str(wanted), "--model", str(tuned),
                 "--style", "Second Regular", "--views", "2", "--workers", "1"]) == 0
    filled = ufoLib2.Font.open(second)
    added = [g for g in filled if PROVENANCE_KEY in g.lib]
    assert len(added) == len(CODES[20:]) and all(g.contours for g in added)
    assert {g.lib[PROVENANCE_KEY]["model"].split("@")[0] for g in added} == {"tuned"}
    drawn = {u for g in filled if PROVENANCE_KEY not in g.lib for u in g.unicodes}
    for glyph in added:  # each records how sure it is and which designer-drawn glyphs rebuild its character
        record = glyph.lib[PROVENANCE_KEY]
        assert 0 <= float(record["confidence"]) <= 1 and record["layout"]
        donors = {int(part.split("U+")[1], 16) for part in record["donors"].split(", ")}
        assert donors and donors <= drawn and not donors & set(CODES[20:])
    assert all(g.lib[PROVENANCE_KEY]["model"].endswith("+exemplar-sets2") for g in added)
    threshold = read_info(tuned).ink_thresholds.get("Second Regular", 0.5)  # calibrated, or fill's fallback
    gaps = read_info(tuned).gap_openings.get("Second Regular", 0.0)
    assert {g.lib[PROVENANCE_KEY]["trace"] for g in added} == {
        f"upsample 3, threshold {threshold}, open_gaps {gaps}, turdsize_at_128 10.0, alphamax 1.2, opttolerance 0.2, "
        "turnpolicy minority, outline drawn, conventions " + conventions_of(open_font(second), drawn).describe()}


def test_preset_flags_and_errors(fonts, tmp_path):
    source, target, _ = fonts
    with pytest.raises(FontcompleteError, match="stop criterion"):
        run("--target", target, "--source", source, "--out", tmp_path / "x", "--no-cache", *TINY)
    with pytest.raises(FontcompleteError, match="invalid hyperparameter"):
        run("--target", target, "--source", source, "--out", tmp_path / "x", "--image-size", "200", "--steps", "1")
    with pytest.raises(FontcompleteError, match="not found"):
        run("--target", tmp_path / "nope.ufo", "--source", source, "--out", tmp_path / "x", "--steps", "1")


def test_charset_limits_the_training_pairs(fonts, tmp_path):
    source, target, holdout = fonts
    allowed = tmp_path / "allowed.txt"
    allowed.write_text("".join(chr(c) for c in CODES[:7]), encoding="utf-8")  # 7 distinct rectangles
    out = tmp_path / "run"
    assert run("--target", target, "--source", source, "--out", out, "--holdout", holdout, "--charset", allowed,
               "--steps", "1", "--no-cache", *TINY, "--batch-size", "2", "--g-exemplars", "2") == 0
    training = json.loads((out / "config.json").read_text())["training"]
    assert (training["train_pairs"], training["heldout_pairs"]) == (3, 4)  # 7 allowed, 4 of them held out


def test_val_fraction_sets_characters_aside_apart_from_the_held_out_ones(fonts, tmp_path):
    source, target, holdout = fonts
    out = tmp_path / "run"
    assert run("--target", target, "--source", source, "--out", out, "--holdout", holdout, "--val-fraction", "0.1",
               "--steps", "1", "--no-cache", *TINY, "--batch-size", "2", "--g-exemplars", "2") == 0
    held = set((out / "holdout.txt").read_text(encoding="utf-8").split("\n"))
    val = [line for line in (out / "validation.txt").read_text(encoding="utf-8").splitlines() if line]
    assert len(val) == 1 and not held & set(val)  # 10 % of the 9 training characters (7 distinct shapes repeat)
    training = json.loads((out / "config.json").read_text())["training"]
    assert (training["heldout_pairs"], training["val_pairs"]) == (4, 1) and training["train_pairs"] <= 9 - 1
    assert training["val_iou"] is not None
    for model in (out, out / "best"):  # both checkpoints get a trace threshold chosen on the validation character
        config = json.loads((model / "config.json").read_text())
        style = config["categories"][0]
        assert config["ink_threshold_calibration"][style]["characters"] == 1
        assert config["ink_thresholds"][style] in (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6)



def test_init_takes_a_shipped_model_by_name(fonts, tmp_path):
    source, target, holdout = fonts
    out = tmp_path / "tuned"
    assert run("--target", target, "--source", source, "--out", out, "--holdout", holdout, "--init", "base",
               "--steps", "1", "--no-cache", "--batch-size", "2", "--eval-count", "4", "--sample-count", "4",
               "--no-progress", "--threads", "1", "--warmup-steps", "0") == 0
    config = json.loads((out / "config.json").read_text())
    assert config["generator"]["ngf"] == 32 and "Fixture Regular" in config["categories"]
    assert config["training"]["init"].endswith("base")

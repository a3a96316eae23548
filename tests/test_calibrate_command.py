import json

from fixtures import make_ufo
from ml_fixtures import tiny_config
from test_filter import SOURCE

from fontcomplete.cli import main
from fontcomplete.ml.model_dir import ModelInfo, read_info, save_model
from fontcomplete.ml.networks import Generator
from fontcomplete.outlines.steadiness import TRACE_THRESHOLDS as THRESHOLDS

CODES = [ord(c) for c in "永字八法一二三"]


def run_with_best(tmp_path, categories=("Fixture Regular", "Other")):
    """A run directory: best/ holds the model, the run holds validation.txt and holdout.txt."""
    config = tiny_config()
    best = tmp_path / "run" / "best"
    save_model(best, Generator(config.generator, 128, len(categories)),
               ModelInfo(128, config.generator, categories, {}))
    (tmp_path / "run" / "validation.txt").write_text("永字八\n")
    (tmp_path / "run" / "holdout.txt").write_text("法\n")
    make_ufo(tmp_path / "Target.ufo", CODES)
    return best


def test_calibrate_finds_the_runs_character_lists_and_records_the_style_named_like_the_target(tmp_path, capsys):
    best = run_with_best(tmp_path)
    assert main(["calibrate", str(best), "--target", str(tmp_path / "Target.ufo"), "--source", str(SOURCE)]) == 0
    info = read_info(best)
    assert set(info.ink_thresholds) == {"Fixture Regular"} and info.ink_thresholds["Fixture Regular"] in THRESHOLDS
    table = json.loads((best / "config.json").read_text())["ink_threshold_calibration"]["Fixture Regular"]
    assert table["characters"] == 3
    assert "trace threshold" in capsys.readouterr().out


def test_calibrate_without_validation_characters_or_with_a_foreign_target_fails_in_one_line(tmp_path, capsys):
    best = run_with_best(tmp_path)
    (tmp_path / "run" / "validation.txt").unlink()
    argv = ["calibrate", str(best), "--target", str(tmp_path / "Target.ufo"), "--source", str(SOURCE)]
    assert main(argv) == 2
    assert "give --validation" in capsys.readouterr().err
    (tmp_path / "chars.txt").write_text("永字\n")
    other = tmp_path / "other"
    save_model(other, Generator(tiny_config().generator, 128, 2), ModelInfo(128, tiny_config().generator, ("A", "B"), {}))
    assert main(["calibrate", str(other), "--target", str(tmp_path / "Target.ufo"), "--source", str(SOURCE),
                 "--validation", str(tmp_path / "chars.txt")]) == 2
    err = capsys.readouterr().err
    assert "not one of the model's styles" in err and len(err.strip().splitlines()) == 1
    assert not json.loads((other / "config.json").read_text())["ink_thresholds"]


def test_export_takes_the_runs_character_lists_along(tmp_path):
    best = run_with_best(tmp_path)
    assert main(["export", str(best.parent), str(tmp_path / "shipped")]) == 0
    assert (tmp_path / "shipped" / "validation.txt").read_text() == "永字八\n"
    assert (tmp_path / "shipped" / "holdout.txt").read_text() == "法\n"

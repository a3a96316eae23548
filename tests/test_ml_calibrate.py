import json

import numpy as np
from fixtures import make_ufo
from ml_fixtures import tiny_config
from test_filter import SOURCE

from fontcomplete.fonts.font import open_font
from fontcomplete.fonts.raster import render_many
from fontcomplete.ml.calibrate import GAP_OPENINGS, best_calibration, calibrate_model_dir, threshold_scores
from fontcomplete.ml.model_dir import ModelInfo, read_info, save_model
from fontcomplete.ml.networks import Generator
from fontcomplete.outlines.steadiness import TRACE_THRESHOLDS as THRESHOLDS

CODES = [ord(c) for c in "永字八法一二三"]


class DimTruthStylizer:
    """The target's own render at `gain` of full coverage: a perfect model whose ink runs light."""

    image_size = 64
    model_id = "dim"
    ink_threshold = gap_opening = None

    def __init__(self, target, codepoints, gain):
        self.target, self.codepoints, self.gain = target, codepoints, gain

    def __call__(self, renders):
        names = [self.target.cmap[c] for c in self.codepoints]
        return render_many(self.target, names, self.image_size).astype(np.float32) / 255 * self.gain


def test_a_model_whose_ink_runs_light_gets_a_lower_threshold(tmp_path):
    make_ufo(tmp_path / "Target.ufo", CODES)
    target, source = open_font(tmp_path / "Target.ufo"), open_font(SOURCE)
    full_table = threshold_scores(DimTruthStylizer(target, CODES, 1.0), source, target, CODES)
    assert set(full_table) == {(t, g) for t in THRESHOLDS for g in GAP_OPENINGS}
    full = {t: row["iou"] for (t, g), row in full_table.items() if g == 0}
    light = {t: row["iou"] for (t, g), row in threshold_scores(DimTruthStylizer(target, CODES, 0.8), source, target,
                                                                CODES).items() if g == 0}
    assert max(full.values()) > 0.98

    def best(table):
        return best_calibration({(t, 0.0): row(v) for t, v in table.items()})[0]
    # thresholding 0.8 x coverage at 0.8 t is thresholding the coverage at t: the optimum moves down with the ink
    assert abs(best(light) - 0.8 * best(full)) <= 0.05 and max(light.values()) > 0.98
    assert best(light) < best(full) and light[0.6] < full[0.6]


def row(kept: float, broken: float = 0.0, merged: float = 0.0) -> dict:
    return {"kept_iou": kept, "broken": broken, "merged": merged}


def rows(table: dict) -> dict:
    return {key: row(value) for key, value in table.items()}


def test_ties_go_to_the_least_gap_opening_then_the_threshold_nearest_one_half():
    assert best_calibration(rows({(0.3, 0): 0.8, (0.45, 0): 0.9, (0.55, 0): 0.9, (0.5, 0): 0.9})) == (0.5, 0)
    assert best_calibration(rows({(0.3, 0): 0.8, (0.35, 0): 0.9, (0.45, 0): 0.9})) == (0.45, 0)
    assert best_calibration(rows({(0.5, 4): 0.9, (0.45, 0): 0.9, (0.5, 2): 0.85})) == (0.45, 0)
    assert best_calibration(rows({(0.5, 4): 0.91, (0.5, 0): 0.9})) == (0.5, 4)


def test_calibration_never_breaks_or_joins_more_strokes_than_the_paste():
    table = {(0.5, 6): row(0.60, broken=0.40, merged=0.05),  # gap opening cuts the brush joins: best kept IoU
             (0.5, 0): row(0.55, broken=0.20, merged=0.20),  # runs more strokes together than the paste
             (0.4, 2): row(0.50, broken=0.25, merged=0.10)}
    paste = {"broken": 0.30, "merged": 0.15}
    assert best_calibration(table) == (0.5, 6)
    assert best_calibration(table, paste) == (0.4, 2)
    worse = {"broken": 0.10, "merged": 0.05}  # none is as good as this paste: the one that exceeds it least
    assert best_calibration(table, worse) == (0.4, 2)


def test_calibration_is_recorded_per_style_in_the_model_config(tmp_path):
    make_ufo(tmp_path / "Target.ufo", CODES)
    target, source = open_font(tmp_path / "Target.ufo"), open_font(SOURCE)
    config = tiny_config()
    model = tmp_path / "model"
    save_model(model, Generator(config.generator, 128, 2), ModelInfo(128, config.generator, ("A", "B"), {}))
    logged = []
    chosen = calibrate_model_dir(model, source, {"B": (target, CODES[:3], set(CODES[3:5]))}, logged.append)
    info = read_info(model)
    assert set(chosen) == {"B"} and info.ink_thresholds == chosen and chosen["B"] in THRESHOLDS
    assert set(info.gap_openings) == {"B"} and info.gap_openings["B"] in GAP_OPENINGS
    table = json.loads((model / "config.json").read_text())["ink_threshold_calibration"]["B"]
    assert table["characters"] == 3 and table["criterion"].startswith("kept_iou")
    assert set(table["paste"]) == {"iou", "topology_ok", "kept_iou", "broken", "merged"}
    keys = {f"{t:.2f}/{g:g}" for t in THRESHOLDS for g in GAP_OPENINGS}
    assert set(table["kept_iou"]) == set(table["iou"]) == set(table["topology_ok"]) == set(table["broken"]) == keys
    assert "for B" in logged[0]


def test_calibration_never_buys_overlap_with_strokes_run_together(tmp_path):
    """Heavy ink that joins two strokes overlaps the truth more, yet kept IoU prefers the threshold that keeps them
    apart."""
    truth = np.zeros((2, 32, 32), bool)
    truth[:, 4:28, 8:14] = truth[:, 4:28, 16:22] = True  # two strokes, a 2 px gap
    apart, joined = truth.copy(), truth.copy()
    apart[:, 4:28, 13] = apart[:, 4:28, 16] = False  # thinner strokes: two columns of ink lost
    joined[:, 4:28, 14:16] = True  # fills the gap: one more IoU point, one piece
    from fontcomplete.core.scores import ink_ious, kept_iou, topology_matches

    ious = {name: ink_ious(m, truth) for name, m in (("apart", apart), ("joined", joined))}
    assert ious["joined"].mean() > ious["apart"].mean()
    kept = {name: kept_iou(ious[name], topology_matches(m, truth)) for name, m in (("apart", apart), ("joined", joined))}
    assert kept["joined"] == 0 and kept["apart"] > 0.8
    assert best_calibration({(0.3, 0): row(kept["joined"]), (0.5, 0): row(kept["apart"])}) == (0.5, 0)

"""Choose a model's trace threshold and gap opening on validation characters, through fill's own render → stylize →
binarize path, by kept IoU: overlap counted only where the topology (strokes apart, counters open) is the real
glyph's."""

from __future__ import annotations

import time
from collections.abc import Sequence
from functools import partial
from pathlib import Path

import numpy as np

from fontcomplete.core.scores import ink_ious, kept_iou, topology
from fontcomplete.fonts.font import SourceFont
from fontcomplete.fonts.raster import render_many
from fontcomplete.outlines.steadiness import TRACE_THRESHOLDS
from fontcomplete.outlines.trace import DEFAULT_THRESHOLD, TraceSettings, despeckled, traced_coverage

GAP_OPENINGS = (0.0, 2.0, 4.0, 6.0, 8.0)  # trace.open_gaps strengths tried with each threshold
CALIBRATION_MARGIN = 1.25  # an estimate of calibration time (calibration_seconds) times this …
CALIBRATION_SETUP_SECONDS = 20.0  # … plus this: loading the model, rendering the exemplar bank
CRITERION = "kept_iou, strokes broken and run together no more than the paste's"


def threshold_scores(stylizer, source: SourceFont, target: SourceFont, codepoints: Sequence[int],
                     upsample: int = TraceSettings().upsample) -> dict[tuple[float, float], dict[str, float]]:
    """For each candidate (threshold, gap opening): mean ink IoU, topology-ok share, kept IoU (metrics.kept_iou) and
    the shares of glyphs with strokes broken (more ink pieces than the real glyph) and run together (fewer) of the
    traced-resolution masks against the real glyphs.

    The stylizer must already hold its exemplar bank (`with_target`) when it takes exemplars. The masks are the
    bitmaps potrace traces (`binarize`) less the specks it drops (`despeckled`), compared with the real glyphs
    rendered at the same size.
    """
    size = stylizer.image_size
    ink = stylizer(render_many(source, [source.cmap[c] for c in codepoints], size))
    truth = render_many(target, [target.cmap[c] for c in codepoints], size * upsample) >= 128
    return grid_scores(ink, truth, upsample)


def grid_scores(ink: np.ndarray, truth: np.ndarray, upsample: int) -> dict[tuple[float, float], dict[str, float]]:
    """threshold_scores' table for model ink (N, S, S) against real glyph masks at S × upsample px."""
    true_topology = [topology(t) for t in truth]
    table = {}
    for gaps in GAP_OPENINGS:
        coverage = [traced_coverage(image, gaps, upsample) for image in ink]
        for threshold in TRACE_THRESHOLDS:
            settings = TraceSettings(upsample=upsample, threshold=threshold, open_gaps=gaps)
            masks = np.stack([despeckled(c >= threshold, settings) for c in coverage])
            table[threshold, gaps] = _figures(ink_ious(masks, truth), [topology(m) for m in masks], true_topology)
    return dict(sorted(table.items()))


def calibration_reserve(generator, inputs: np.ndarray, pairs, device, sample: int = 8) -> float:
    """Seconds to keep after training for calibrating the last and the best checkpoint, estimated from the
    generator's time on a few validation pairs (`inputs`, its inputs for `pairs`) and a timed grid on its output."""
    from fontcomplete.ml.samples import predict

    if not len(pairs):
        return 0.0
    count = min(sample, len(pairs))
    started = time.perf_counter()
    ink = predict(generator, inputs[:count], pairs.style_ids[:count], device)
    ink_seconds = (time.perf_counter() - started) / count
    upsample = TraceSettings().upsample
    truth = np.repeat(np.repeat(pairs.targets[:count] >= 128, upsample, 1), upsample, 2)
    return 2 * calibration_seconds(ink_seconds, ink, truth, len(np.unique(pairs.codepoints)), upsample)


def calibration_seconds(ink_seconds_per_glyph: float, ink: np.ndarray, truth: np.ndarray, glyphs: int,
                        upsample: int = TraceSettings().upsample) -> float:
    """How long calibrating one model directory on `glyphs` validation characters takes, estimated from a sample:
    the model's ink for `ink` took `ink_seconds_per_glyph` a view; the grid is timed here on the sample."""
    from fontcomplete.ml.stylizer import DEFAULT_VIEWS

    started = time.perf_counter()
    grid_scores(ink, truth, upsample)
    grid_per_glyph = (time.perf_counter() - started) / max(1, len(ink))
    return CALIBRATION_MARGIN * (glyphs * (DEFAULT_VIEWS * ink_seconds_per_glyph + grid_per_glyph)) + \
        CALIBRATION_SETUP_SECONDS


def pasted_masks(source: SourceFont, target: SourceFont, codepoints: Sequence[int], size: int) -> np.ndarray:
    """Ink masks (N, size, size) of the paste (copy mode: the source's outlines in the target's em box)."""
    from fontcomplete.core.outline import replay
    from fontcomplete.fonts.raster import render_outline
    from fontcomplete.generate.copy import copy_outline

    return np.stack([render_outline(partial(replay, copy_outline(source, source.cmap[c], target.frame)),
                                    target.frame, size) for c in codepoints]) >= 128


def paste_scores(source: SourceFont, target: SourceFont, codepoints: Sequence[int], size: int) -> dict[str, float]:
    """The same figures for the paste at `size` px."""
    pasted = pasted_masks(source, target, codepoints, size)
    truth = render_many(target, [target.cmap[c] for c in codepoints], size) >= 128
    return _figures(ink_ious(pasted, truth), [topology(p) for p in pasted], [topology(t) for t in truth])


def _figures(ious: np.ndarray, found: list[tuple[int, int]], true: list[tuple[int, int]]) -> dict[str, float]:
    topology_ok = np.array([f == t for f, t in zip(found, true)])
    return {"iou": float(ious.mean()), "topology_ok": float(topology_ok.mean()),
            "kept_iou": kept_iou(ious, topology_ok),
            "broken": float(np.mean([f[0] > t[0] for f, t in zip(found, true)])),
            "merged": float(np.mean([f[0] < t[0] for f, t in zip(found, true)]))}


def best_calibration(table: dict[tuple[float, float], dict[str, float]],
                     paste: dict[str, float] | None = None) -> tuple[float, float]:
    """The (threshold, gap opening) with the highest kept IoU among those that break and run together no more
    strokes than the paste does (with `paste`; where none does, among those that exceed it least); ties go to the
    least gap opening, then the threshold nearest 0.5."""
    def excess(key) -> float:
        row = table[key]
        return max(0.0, row["broken"] - paste["broken"]) + max(0.0, row["merged"] - paste["merged"])

    candidates = list(table)
    if paste is not None:
        least = min(round(excess(key), 6) for key in candidates)
        candidates = [key for key in candidates if round(excess(key), 6) == least]
    return max(candidates, key=lambda key: (round(table[key]["kept_iou"], 6), -key[1], -abs(key[0] - DEFAULT_THRESHOLD)))


def _key(threshold: float, gaps: float) -> str:
    return f"{threshold:.2f}/{gaps:g}"


def calibrate_model_dir(model_dir: Path, source: SourceFont, targets: dict[str, tuple[SourceFont, list[int], set[int]]],
                        log=print) -> dict[str, float]:
    """Calibrate each style of a model directory and record the thresholds in its config.json.

    `targets` maps a style name to (target font, validation codepoints, codepoints never to use as exemplars).
    """
    from fontcomplete.ml.model_dir import load_model, set_ink_thresholds
    from fontcomplete.ml.stylizer import Stylizer, pick_device

    device = pick_device("cpu")
    generator, info = load_model(Path(model_dir), device)
    thresholds, openings, calibration = {}, {}, {}
    for style, (target, codepoints, excluded) in targets.items():
        codepoints = [c for c in codepoints if c in source.cmap and c in target.cmap]
        if not codepoints:
            continue
        stylizer = Stylizer(generator, info, info.style_id(style), device, batch_size=64)
        stylizer = stylizer.with_target(source, target, set(target.cmap) - set(codepoints) - set(excluded))
        table = threshold_scores(stylizer, source, target, codepoints)
        paste = paste_scores(source, target, codepoints, stylizer.image_size * TraceSettings().upsample)
        chosen = best_calibration(table, paste)
        thresholds[style], openings[style] = chosen
        calibration[style] = {"characters": len(codepoints), "criterion": CRITERION,
                              "keys": "threshold/gap opening", "paste": {k: round(v, 4) for k, v in paste.items()},
                              **{figure: {_key(*key): round(row[figure], 4) for key, row in table.items()}
                                 for figure in ("kept_iou", "iou", "topology_ok", "broken", "merged")}}
        plain = table[DEFAULT_THRESHOLD, 0.0]
        log(f"{model_dir}: trace threshold {chosen[0]:.2f}, gap opening {chosen[1]:g} for {style} (validation kept "
            f"IoU {table[chosen]['kept_iou']:.4f}, IoU {table[chosen]['iou']:.4f}, topology ok "
            f"{table[chosen]['topology_ok']:.1%}; at 0.50 without: {plain['kept_iou']:.4f}, {plain['iou']:.4f}, "
            f"{plain['topology_ok']:.1%}; strokes broken {table[chosen]['broken']:.1%} and run together "
            f"{table[chosen]['merged']:.1%} against the paste's {paste['broken']:.1%} and {paste['merged']:.1%}; "
            f"{len(codepoints)} characters)")
    if thresholds:
        set_ink_thresholds(model_dir, thresholds, calibration, openings)
    return thresholds

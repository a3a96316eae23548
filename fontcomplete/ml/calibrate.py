"""Choose a model's trace threshold and gap opening on validation characters, through fill's own render → stylize →
binarize path, by kept IoU: overlap counted only where the topology (strokes apart, counters open) is the real
glyph's."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from fontcomplete.fonts import SourceFont
from fontcomplete.metrics import ink_ious, kept_iou, topology_matches
from fontcomplete.raster import render_many
from fontcomplete.trace import DEFAULT_THRESHOLD, TraceSettings, binarize, despeckled

THRESHOLDS = (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6)
GAP_OPENINGS = (0.0, 2.0, 4.0, 6.0, 8.0)  # trace.open_gaps strengths tried with each threshold


def threshold_scores(stylizer, source: SourceFont, target: SourceFont, codepoints: Sequence[int],
                     upsample: int = TraceSettings().upsample) -> dict[tuple[float, float], dict[str, float]]:
    """For each candidate (threshold, gap opening): mean ink IoU, topology-ok share and kept IoU (metrics.kept_iou)
    of the traced-resolution masks against the real glyphs.

    The stylizer must already hold its exemplar bank (`with_target`) when it takes exemplars. The masks are the
    bitmaps potrace traces (`binarize`) less the specks it drops (`despeckled`), compared with the real glyphs
    rendered at the same size.
    """
    size = stylizer.image_size
    ink = stylizer(render_many(source, [source.cmap[c] for c in codepoints], size))
    truth = render_many(target, [target.cmap[c] for c in codepoints], size * upsample) >= 128
    table = {}
    for threshold in THRESHOLDS:
        for gaps in GAP_OPENINGS:
            settings = TraceSettings(upsample=upsample, threshold=threshold, open_gaps=gaps)
            masks = np.stack([despeckled(binarize(image, settings), settings) for image in ink])
            ious, topology_ok = ink_ious(masks, truth), topology_matches(masks, truth)
            table[threshold, gaps] = {"iou": float(ious.mean()), "topology_ok": float(topology_ok.mean()),
                                      "kept_iou": kept_iou(ious, topology_ok)}
    return table


def best_calibration(table: dict[tuple[float, float], float]) -> tuple[float, float]:
    """The (threshold, gap opening) with the highest figure (calibration passes kept IoU); ties go to the least gap
    opening, then the threshold nearest 0.5."""
    return max(table, key=lambda key: (round(table[key], 6), -key[1], -abs(key[0] - DEFAULT_THRESHOLD)))


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
        chosen = best_calibration({key: row["kept_iou"] for key, row in table.items()})
        thresholds[style], openings[style] = chosen
        calibration[style] = {"characters": len(codepoints), "criterion": "kept_iou", "keys": "threshold/gap opening",
                              **{figure: {_key(*key): round(row[figure], 4) for key, row in table.items()}
                                 for figure in ("kept_iou", "iou", "topology_ok")}}
        plain = table[DEFAULT_THRESHOLD, 0.0]
        log(f"{model_dir}: trace threshold {chosen[0]:.2f}, gap opening {chosen[1]:g} for {style} (validation kept "
            f"IoU {table[chosen]['kept_iou']:.4f}, IoU {table[chosen]['iou']:.4f}, topology ok "
            f"{table[chosen]['topology_ok']:.1%}; at 0.50 without: {plain['kept_iou']:.4f}, {plain['iou']:.4f}, "
            f"{plain['topology_ok']:.1%}; {len(codepoints)} characters)")
    if thresholds:
        set_ink_thresholds(model_dir, thresholds, calibration, openings)
    return thresholds

"""Choose a model's trace threshold on validation characters, through fill's own render → stylize → binarize path,
by kept IoU: overlap counted only where the topology (strokes apart, counters open) is the real glyph's."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from fontcomplete.fonts import SourceFont
from fontcomplete.metrics import ink_ious, kept_iou, topology_matches
from fontcomplete.raster import render_many
from fontcomplete.trace import DEFAULT_THRESHOLD, TraceSettings, binarize

THRESHOLDS = (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6)


def threshold_scores(stylizer, source: SourceFont, target: SourceFont, codepoints: Sequence[int],
                     upsample: int = TraceSettings().upsample) -> dict[float, dict[str, float]]:
    """For each candidate threshold: mean ink IoU, topology-ok share and kept IoU (metrics.kept_iou) of the
    traced-resolution masks against the real glyphs.

    The stylizer must already hold its exemplar bank (`with_target`) when it takes exemplars. The masks are the
    bitmaps potrace traces (`binarize`), compared with the real glyphs rendered at the same size.
    """
    size = stylizer.image_size
    ink = stylizer(render_many(source, [source.cmap[c] for c in codepoints], size))
    truth = render_many(target, [target.cmap[c] for c in codepoints], size * upsample) >= 128
    table = {}
    for threshold in THRESHOLDS:
        settings = TraceSettings(upsample=upsample, threshold=threshold)
        masks = np.stack([binarize(image, settings) for image in ink])
        ious, topology_ok = ink_ious(masks, truth), topology_matches(masks, truth)
        table[threshold] = {"iou": float(ious.mean()), "topology_ok": float(topology_ok.mean()),
                            "kept_iou": kept_iou(ious, topology_ok)}
    return table


def best_threshold(table: dict[float, float]) -> float:
    """The threshold with the highest figure (calibration passes kept IoU); ties go to the one nearest 0.5."""
    return max(table, key=lambda t: (round(table[t], 6), -abs(t - DEFAULT_THRESHOLD)))


def calibrate_model_dir(model_dir: Path, source: SourceFont, targets: dict[str, tuple[SourceFont, list[int], set[int]]],
                        log=print) -> dict[str, float]:
    """Calibrate each style of a model directory and record the thresholds in its config.json.

    `targets` maps a style name to (target font, validation codepoints, codepoints never to use as exemplars).
    """
    from fontcomplete.ml.model_dir import load_model, set_ink_thresholds
    from fontcomplete.ml.stylizer import Stylizer, pick_device

    device = pick_device("cpu")
    generator, info = load_model(Path(model_dir), device)
    thresholds, calibration = {}, {}
    for style, (target, codepoints, excluded) in targets.items():
        codepoints = [c for c in codepoints if c in source.cmap and c in target.cmap]
        if not codepoints:
            continue
        stylizer = Stylizer(generator, info, info.style_id(style), device, batch_size=64)
        stylizer = stylizer.with_target(source, target, set(target.cmap) - set(codepoints) - set(excluded))
        table = threshold_scores(stylizer, source, target, codepoints)
        chosen = thresholds[style] = best_threshold({t: row["kept_iou"] for t, row in table.items()})
        calibration[style] = {"characters": len(codepoints), "criterion": "kept_iou",
                              **{key: {f"{t:.2f}": round(row[key], 4) for t, row in table.items()}
                                 for key in ("kept_iou", "iou", "topology_ok")}}
        log(f"{model_dir}: trace threshold {chosen:.2f} for {style} (validation kept IoU {table[chosen]['kept_iou']:.4f}, "
            f"IoU {table[chosen]['iou']:.4f}, topology ok {table[chosen]['topology_ok']:.1%}; at 0.50: "
            f"{table[DEFAULT_THRESHOLD]['kept_iou']:.4f}, {table[DEFAULT_THRESHOLD]['iou']:.4f}, "
            f"{table[DEFAULT_THRESHOLD]['topology_ok']:.1%}; {len(codepoints)} characters)")
    if thresholds:
        set_ink_thresholds(model_dir, thresholds, calibration)
    return thresholds

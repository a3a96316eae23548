"""Choose a model's trace threshold on validation characters, through fill's own render → stylize → binarize path."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from fontcomplete.fonts import SourceFont
from fontcomplete.metrics import ink_ious
from fontcomplete.raster import render_many
from fontcomplete.trace import DEFAULT_THRESHOLD, TraceSettings, binarize

THRESHOLDS = (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6)


def threshold_ious(stylizer, source: SourceFont, target: SourceFont, codepoints: Sequence[int],
                   upsample: int = TraceSettings().upsample) -> dict[float, float]:
    """Mean ink IoU of the traced-resolution masks against the real glyphs, for each candidate threshold.

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
        table[threshold] = float(ink_ious(masks, truth).mean())
    return table


def best_threshold(table: dict[float, float]) -> float:
    """The threshold with the highest IoU; ties go to the one nearest 0.5."""
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
        table = threshold_ious(stylizer, source, target, codepoints)
        thresholds[style] = best_threshold(table)
        calibration[style] = {"characters": len(codepoints), "mean_iou": {f"{t:.2f}": round(v, 4)
                                                                          for t, v in table.items()}}
        log(f"{model_dir}: trace threshold {thresholds[style]:.2f} for {style} (validation IoU "
            f"{table[thresholds[style]]:.4f}, {table[DEFAULT_THRESHOLD]:.4f} at 0.50; {len(codepoints)} characters)")
    if thresholds:
        set_ink_thresholds(model_dir, thresholds, calibration)
    return thresholds

"""The paste's topology as a guard on a model's trace, held out on a panel font (256 px masks, before outlines).

    python benchmarks/bench_paste_guard.py NAME RUN_DIR    # e.g. ar-pl-ukai-tw runs/panel/ar-pl-ukai-tw
    python benchmarks/bench_paste_guard.py choose EVAL_JSON  # the paste for the least confident glyphs, from eval

`NAME RUN_DIR`, per held-out glyph: the model's mask at its calibrated threshold and gap opening; if its pieces and
counters differ from the paste's, the setting nearest the calibrated one among the 45 of the calibration grid that
gives the paste's; if none does, the paste itself. Prints ink IoU and topology ok of the model, the guarded model and
the paste against the designer's glyphs. By construction the guard's topology is the paste's; the question is how
much overlap is left.

`choose`: from `fontcomplete eval`'s per-glyph figures (final outlines), the model's outline where its review
confidence is highest and the paste's for the least confident 10 … 90%; the paste where the model's pieces or
counters differ from the paste's and its steadiness is under 0.6; and an oracle taking the paste exactly where
only the paste has the designer's topology.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import torch
from panel import PANEL, SOURCE, holdout_path

from fontcomplete.core.charsets import read_charset_file
from fontcomplete.core.scores import ink_ious, topology
from fontcomplete.fonts.font import open_font
from fontcomplete.fonts.raster import render_many
from fontcomplete.ml.calibrate import GAP_OPENINGS, pasted_masks
from fontcomplete.ml.model_dir import load_model
from fontcomplete.ml.stylizer import Stylizer, pick_device
from fontcomplete.outlines.steadiness import TRACE_THRESHOLDS
from fontcomplete.outlines.trace import TraceSettings, despeckled, traced_coverage

SETTINGS = [(threshold, gaps) for gaps in GAP_OPENINGS for threshold in TRACE_THRESHOLDS]


def masks_of(ink: np.ndarray, upsample: int) -> dict[tuple[float, float], np.ndarray]:
    """The despeckled trace mask of one glyph's ink at every calibration setting."""
    coverage = {gaps: traced_coverage(ink, gaps, upsample) for gaps in GAP_OPENINGS}
    return {(t, g): despeckled(coverage[g] >= t, TraceSettings(upsample=upsample, threshold=t, open_gaps=g))
            for t, g in SETTINGS}


def main(name: str, run: Path) -> None:
    torch.set_num_threads(1)
    path, _, index = PANEL[name].partition("#")
    target, source = open_font(path, int(index) if index else None), open_font(SOURCE)
    held = [c for c in sorted(read_charset_file(holdout_path(name))) if c in source.cmap and c in target.cmap]
    device = pick_device("cpu")
    generator, info = load_model(run, device)
    style = info.categories[0]
    stylizer = Stylizer(generator, info, 0, device, batch_size=64)
    stylizer = stylizer.with_target(source, target, set(target.cmap) - set(held))
    upsample, size = TraceSettings().upsample, stylizer.image_size
    ink = stylizer(render_many(source, [source.cmap[c] for c in held], size))
    truth = render_many(target, [target.cmap[c] for c in held], size * upsample) >= 128
    pasted = pasted_masks(source, target, held, size * upsample)
    calibrated = (info.ink_thresholds[style], info.gap_openings.get(style, 0.0))
    nearest = sorted(SETTINGS, key=lambda s: abs(s[0] - calibrated[0]) + abs(s[1] - calibrated[1]) / 10)
    chosen = {"model": [], "guarded": [], "paste": list(pasted)}
    matched = 0
    for i in range(len(held)):
        masks = masks_of(ink[i], upsample)
        chosen["model"].append(masks[calibrated])
        match = next((s for s in nearest if topology(masks[s]) == topology(pasted[i])), None)
        matched += match is not None
        chosen["guarded"].append(masks[match] if match is not None else pasted[i])
    true_topology = [topology(t) for t in truth]
    for label, masks in chosen.items():
        ok = np.mean([topology(m) == t for m, t in zip(masks, true_topology)])
        print(f"{name} {label}: ink IoU {ink_ious(np.stack(masks), truth).mean():.3f}, topology ok {ok:.1%}")
    print(f"{name}: some setting gives the paste's topology for {matched / len(held):.1%} of {len(held)} glyphs "
          f"(calibrated {calibrated[0]:.2f} / {calibrated[1]:g})")


def choose(eval_json: Path) -> None:
    report = json.loads(Path(eval_json).read_text())
    model, paste = ({g["codepoint"]: g for g in report["glyphs"][kind]} for kind in ("model", "copy"))
    reviews = {int(key[2:], 16): review for key, review in report["reviews"].items()}
    confidence = {c: review["confidence"] for c, review in reviews.items()}
    steadiness = {c: reviews.get(c, {}).get("steady", 0.0) for c in model}
    order = sorted(model, key=lambda c: (confidence.get(c, 0.0), c))

    def ok(glyph) -> bool:
        return glyph["pieces"] == 0 and glyph["counters"] == 0

    def line(label: str, glyphs: list) -> None:
        print(f"{label}: ink IoU {np.mean([g['iou'] for g in glyphs]):.3f}, "
              f"topology ok {np.mean([ok(g) for g in glyphs]):.1%}")
    line("model", [model[c] for c in order])
    for share in (0.1, 0.2, 0.3, 0.5, 0.7, 0.9):
        k = int(share * len(order))
        line(f"paste for the least confident {share:.0%}", [paste[c] for c in order[:k]] + [model[c] for c in order[k:]])
    differs = {c for c in order if (model[c]["pieces"], model[c]["counters"]) != (paste[c]["pieces"], paste[c]["counters"])}
    line("paste where the model's topology differs from it and steadiness < 0.6",
         [paste[c] if c in differs and steadiness[c] < 0.6 else model[c] for c in order])
    line("paste", [paste[c] for c in order])
    line("oracle", [paste[c] if ok(paste[c]) and not ok(model[c]) else model[c] for c in order])


if __name__ == "__main__":
    if sys.argv[1] == "choose":
        choose(Path(sys.argv[2]))
    else:
        main(sys.argv[1], Path(sys.argv[2]))

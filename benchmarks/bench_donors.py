"""Donor drafts of the example's held-out characters, traced, scored against the real glyphs next to the copy.

    python benchmarks/bench_donors.py [--limit N] [--out runs/donors]

Each held-out character is drafted from Zen Maru Gothic's own drawings of the other characters (never a held-out
one), traced as fill traces a model's ink (128 px, 3x upsample, threshold 0.5) and scored at 256 px: ink IoU, SSIM
and topology, overall and by draft confidence. Prints the table and the worst drafts.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from fontcomplete.complete.evaluate import render_generated  # noqa: E402
from fontcomplete.core.charsets import is_han, read_charset_file  # noqa: E402
from fontcomplete.core.outline import Generated  # noqa: E402
from fontcomplete.core.scores import score, summarize  # noqa: E402
from fontcomplete.fonts.font import open_font  # noqa: E402
from fontcomplete.fonts.raster import render, render_many  # noqa: E402
from fontcomplete.generate.copy import copy_glyphs  # noqa: E402
from fontcomplete.generate.donors import DonorBank  # noqa: E402
from fontcomplete.outlines.trace import TraceSettings, trace_to_recording  # noqa: E402

EXAMPLE = ROOT / "examples" / "zen-maru-gothic-tc"
SIZE, EVAL_SIZE = 128, 256


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="only the first N held-out characters")
    args = parser.parse_args()
    target = open_font(EXAMPLE / "sources" / "ZenMaruGothic-Regular.ufoz")
    source = open_font(EXAMPLE / "sources" / "NotoSansCJKtc-Subset.otf")
    held = sorted(c for c in read_charset_file(EXAMPLE / "holdout.txt") if c in target.cmap and c in source.cmap)
    held = held[:args.limit] if args.limit else held
    donors = sorted(c for c in target.cmap if is_han(c) and c in source.cmap and c not in set(held))
    started = time.perf_counter()
    bank = DonorBank(donors, render_many(source, [source.cmap[c] for c in donors], SIZE),
                     render_many(target, [target.cmap[c] for c in donors], SIZE))
    print(f"{len(donors)} donors rendered and indexed in {time.perf_counter() - started:.0f} s")
    started = time.perf_counter()
    drafts = [bank.draft(c, render(source, source.cmap[c], SIZE)) for c in held]
    print(f"{len(drafts)} drafts in {time.perf_counter() - started:.0f} s "
          f"({(time.perf_counter() - started) / len(drafts) * 1000:.0f} ms each)")
    settings = TraceSettings(threshold=0.5)
    traced = [Generated(d.codepoint, trace_to_recording(d.image, target.frame, settings)) for d in drafts]
    truth = np.stack([render(target, target.cmap[c], EVAL_SIZE) for c in held])
    rows = {"donor draft": render_generated(traced, target, EVAL_SIZE),
            "copy": render_generated(list(copy_glyphs(source, held, target.frame)), target, EVAL_SIZE)}
    scores = {name: [score(c, images[i], truth[i]) for i, c in enumerate(held)] for name, images in rows.items()}
    confidence = np.array([d.confidence for d in drafts])
    confident = confidence >= 0.8
    table = {**{name: summarize(s) for name, s in scores.items()},
             f"draft, confidence >= 0.8 ({confident.mean():.0%})":
                 summarize([s for s, ok in zip(scores["donor draft"], confident) if ok]) if confident.any() else None,
             f"draft, confidence < 0.8 ({1 - confident.mean():.0%})":
                 summarize([s for s, ok in zip(scores["donor draft"], confident) if not ok]) if (~confident).any()
                 else None}
    print(f"{len(held)} held-out characters at {EVAL_SIZE} px, after tracing")
    print(f"{'':36}{'IoU':>7}{'SSIM':>7}{'merged':>8}{'broken':>8}{'counters':>9}{'topo ok':>8}{'kept':>7}")
    for name, row in table.items():
        if row is not None:
            print(f"{name:36}{row['iou_mean']:7.3f}{row['ssim_mean']:7.3f}{row['pieces_fewer']:8.1%}"
                  f"{row['pieces_more']:8.1%}{row['counters_wrong']:9.1%}{row['topology_ok']:8.1%}"
                  f"{row['kept_iou']:7.3f}")
    layouts = {}
    for d in drafts:
        kind = d.layout.split("@")[0]
        layouts[kind] = layouts.get(kind, 0) + 1
    print("layouts chosen:", ", ".join(f"{k} {v}" for k, v in sorted(layouts.items(), key=lambda kv: -kv[1])))
    print(f"confidence: mean {confidence.mean():.3f}, p10 {np.percentile(confidence, 10):.3f}; IoU vs confidence "
          f"correlation {np.corrcoef(confidence, [s.iou for s in scores['donor draft']])[0, 1]:.2f}")
    worst = sorted(zip(scores["donor draft"], drafts), key=lambda sd: sd[0].iou)[:8]
    print("worst drafts:", "; ".join(f"{chr(s.codepoint)} {s.iou:.2f} (conf {d.confidence:.2f}, {d.layout}, donors "
                                     f"{''.join(chr(p.donor) for p in d.pieces)})" for s, d in worst))


if __name__ == "__main__":
    main()

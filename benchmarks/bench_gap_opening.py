"""Gap opening: a model's held-out (or validation) glyphs traced at each strength, scored after tracing.

    python benchmarks/bench_gap_opening.py --model models/zen-maru-gothic [--characters validation] \
        [--strengths 0 1 2 3 4 6 8 12] [--window 5] [--threshold 0.5] [--limit N]

Runs the model once over the example's held-out characters (`holdout`) or its run's validation characters
(`validation`), through fill's path (5 views, exemplars from Zen Maru Gothic's other characters, never the held-out
or validation ones), then traces its ink at each gap opening strength (fontcomplete.outlines.trace.open_gaps; `--window`
px at 128 px) and scores the outlines at 256 px against the real glyphs: ink IoU, SSIM and the topology shares.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from fontcomplete import trace  # noqa: E402
from fontcomplete.complete.evaluate import render_generated  # noqa: E402
from fontcomplete.core.charsets import read_charset_file  # noqa: E402
from fontcomplete.core.outline import Generated  # noqa: E402
from fontcomplete.core.scores import score, summarize  # noqa: E402
from fontcomplete.fonts.font import open_font  # noqa: E402
from fontcomplete.fonts.raster import render, render_many  # noqa: E402
from fontcomplete.outlines.trace import TraceSettings, trace_to_recording  # noqa: E402

EXAMPLE = ROOT / "examples" / "zen-maru-gothic-tc"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", default=str(ROOT / "models" / "zen-maru-gothic"))
    parser.add_argument("--characters", choices=["holdout", "validation"], default="holdout")
    parser.add_argument("--strengths", type=float, nargs="+", default=[0, 1, 2, 3, 4, 6, 8, 12])
    parser.add_argument("--window", type=int, default=trace.GAP_WINDOW_AT_128)
    parser.add_argument("--threshold", type=float, default=0.5)
    parser.add_argument("--limit", type=int, default=None, help="only the first N characters")
    args = parser.parse_args()
    from fontcomplete.ml.stylizer import load_stylizer

    target = open_font(EXAMPLE / "sources" / "ZenMaruGothic-Regular.ufoz")
    source = open_font(EXAMPLE / "sources" / "NotoSansCJKtc-Subset.otf")
    never = read_charset_file(EXAMPLE / "holdout.txt") | read_charset_file(Path(args.model) / "validation.txt")
    chosen = EXAMPLE / "holdout.txt" if args.characters == "holdout" else Path(args.model) / "validation.txt"
    codepoints = sorted(c for c in read_charset_file(chosen) if c in target.cmap and c in source.cmap)[:args.limit]
    stylizer = load_stylizer(args.model, device="cpu").with_target(source, target, set(target.cmap) - never)
    ink = stylizer(render_many(source, [source.cmap[c] for c in codepoints], stylizer.image_size))
    truth = np.stack([render(target, target.cmap[c], 256) for c in codepoints])
    trace.GAP_WINDOW_AT_128 = args.window
    print(f"{len(codepoints)} {args.characters} characters, {stylizer.model_id}, threshold {args.threshold}, "
          f"window {args.window} px at 128 px; traced, scored at 256 px")
    print(f"{'strength':>8}{'IoU':>8}{'SSIM':>8}{'merged':>9}{'broken':>9}{'counters':>10}{'topology ok':>13}"
          f"{'kept IoU':>10}")
    for strength in args.strengths:
        settings = replace(TraceSettings(), threshold=args.threshold, open_gaps=strength)
        glyphs = [Generated(c, trace_to_recording(image, target.frame, settings)) for c, image in zip(codepoints, ink)]
        rendered = render_generated(glyphs, target, 256)
        row = summarize([score(c, rendered[i], truth[i]) for i, c in enumerate(codepoints)])
        print(f"{strength:8g}{row['iou_mean']:8.3f}{row['ssim_mean']:8.3f}{row['pieces_fewer']:9.1%}"
              f"{row['pieces_more']:9.1%}{row['counters_wrong']:10.1%}{row['topology_ok']:13.1%}{row['kept_iou']:10.3f}")


if __name__ == "__main__":
    main()

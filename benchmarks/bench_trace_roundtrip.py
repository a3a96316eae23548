"""Raster→trace round trip of real glyphs: render at --size, trace (upsampled), render back at 256 px, compare.

    python benchmarks/bench_trace_roundtrip.py examples/zen-maru-gothic-tc/sources/ZenMaruGothic-Regular.ufo \
        --charset examples/zen-maru-gothic-tc/holdout.txt

Prints mean / 10th-percentile ink IoU, SSIM, L1, the share of glyphs with more / fewer pieces and with the
original's topology (pieces and counters) against the original outlines for each upsampling factor: the cost of the
vector step alone, with a perfect generator. `--size 64` / `256` give the ceiling at other output sizes.
"""

from __future__ import annotations

import argparse
import time

from fontcomplete.core.charsets import resolve_charsets
from fontcomplete.core.outline import Generated
from fontcomplete.core.scores import score, summarize
from fontcomplete.fonts.font import open_font
from fontcomplete.fonts.raster import render, render_outline
from fontcomplete.outlines.trace import TraceSettings, trace_to_recording


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("font")
    parser.add_argument("--charset", action="append", required=True)
    parser.add_argument("--size", type=int, default=128)
    parser.add_argument("--upsample", type=int, action="append", default=None)
    args = parser.parse_args()
    font = open_font(args.font)
    codepoints = sorted(c for c in resolve_charsets(args.charset) if c in font.cmap)
    truths = {c: render(font, font.cmap[c], 256) for c in codepoints}
    sources = {c: render(font, font.cmap[c], args.size) for c in codepoints}
    print(f"{len(codepoints)} glyphs of {font.name}, rendered at {args.size} px, compared at 256 px")
    for upsample in args.upsample or [1, 2, 3, 4]:
        settings = TraceSettings(upsample=upsample)
        start = time.perf_counter()
        outlines = {c: trace_to_recording(sources[c], font.frame, settings) for c in codepoints}
        seconds = time.perf_counter() - start
        scores = [score(c, render_outline(Generated(c, outlines[c]).draw, font.frame, 256), truths[c])
                  for c in codepoints]
        s = summarize(scores)
        print(f"upsample {upsample}: IoU {s['iou_mean']:.4f} (p10 {s['iou_p10']:.4f})  SSIM {s['ssim_mean']:.4f}  "
              f"L1 {s['l1_mean']:.4f}  pieces +{s['pieces_more']:.1%} -{s['pieces_fewer']:.1%}  "
              f"topology ok {s['topology_ok']:.1%}  "
              f"trace {1000 * seconds / len(codepoints):.1f} ms/glyph on one core")


if __name__ == "__main__":
    main()

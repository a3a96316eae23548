"""Variable build of the example designspace completed by the filter, and how much bolder its 700 instance is.

    python benchmarks/bench_designspace.py --regular-source NotoSansCJK-Regular.ttc#3 \
        --bold-source NotoSansCJK-Bold.ttc#3 [--charset big5-1] [--model copy]

Copies examples/zen-maru-gothic-tc/sources/ (Regular + sparse Bold master) to a temporary folder, runs
`fontmake -m … -o variable` with CompleteFilter (one source font per master), checks the cmap holds the charset,
instantiates wght 400 and 700 and prints the mean per-glyph ink ratio 700/400 of the generated glyphs, next to the
same ratio of real Zen Maru Gothic Bold / Regular Han glyphs (the full 700 weight, ZenMaruGothic-Bold.ufoz).
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from fontTools.ttLib import TTFont
from fontTools.varLib.instancer import instantiateVariableFont

from fontcomplete.core.charsets import is_han, resolve_charsets
from fontcomplete.fonts.font import open_font
from fontcomplete.fonts.raster import render, render_outline

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "zen-maru-gothic-tc" / "sources"
SIZE = 128


def ink(image: np.ndarray) -> float:
    return float(image.sum()) / 255


def real_ratio(regular, sample: int) -> float:
    """Mean ink ratio Bold/Regular over a seeded sample of the Han glyphs both full weights have."""
    bold = open_font(EXAMPLE / "ZenMaruGothic-Bold.ufoz")
    common = sorted(c for c in set(regular.cmap) & set(bold.cmap) if is_han(c))
    chosen = random.Random(0).sample(common, min(sample, len(common)))
    return float(np.mean([ink(render(bold, bold.cmap[c], SIZE)) / ink(render(regular, regular.cmap[c], SIZE))
                          for c in chosen]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--regular-source", required=True)
    parser.add_argument("--bold-source", required=True)
    parser.add_argument("--charset", default="big5-1")
    parser.add_argument("--model", default="copy")
    parser.add_argument("--sample", type=int, default=500, help="real Han glyphs sampled for the real ratio")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        work = Path(temp)
        for name in ("ZenMaruGothic.designspace", "ZenMaruGothic-Regular.ufoz", "ZenMaruGothic-BoldMaster.ufoz"):
            shutil.copy(EXAMPLE / name, work / name)
        sources = {"Regular": args.regular_source, "Bold": args.bold_source}
        spec = (f"fontcomplete.filter::CompleteFilter(sources={sources!r}, charset={args.charset!r}, "
                f"model={args.model!r}, cache=False)")
        started = time.perf_counter()
        result = subprocess.run([sys.executable, "-m", "fontmake", "-m", str(work / "ZenMaruGothic.designspace"),
                                 "-o", "variable", "--overlaps-backend", "pathops", "--filter", spec,
                                 "--output-dir", str(work / "out")], capture_output=True, text=True)
        if result.returncode != 0:
            sys.exit(f"fontmake failed:\n{result.stderr[-3000:]}")
        build_s = time.perf_counter() - started
        path = next((work / "out").glob("*.ttf"))
        font = TTFont(path)
        cmap = font.getBestCmap()
        wanted = resolve_charsets([args.charset])
        regular = open_font(EXAMPLE / "ZenMaruGothic-Regular.ufoz")
        generated = sorted(c for c in wanted if c in cmap and c not in regular.cmap)
        print(f"variable build: {build_s:.0f} s, {path.stat().st_size:,} bytes, {len(set(cmap) & wanted)} of "
              f"{len(wanted)} charset characters, {len(generated)} generated")
        inks = {}
        for weight in (400, 700):
            instance = instantiateVariableFont(TTFont(path), {"wght": weight})
            glyphs = instance.getGlyphSet()
            inks[weight] = np.array([ink(render_outline(lambda pen, n=cmap[c], g=glyphs: g[n].draw(pen), regular.frame,
                                                        SIZE)) for c in generated])
        ratios = inks[700] / np.maximum(inks[400], 1)
        print(f"generated glyphs, ink 700/400: mean {ratios.mean():.3f}, p10 {np.percentile(ratios, 10):.3f}, "
              f"share bolder {np.mean(ratios > 1.0):.3f}")
        print(f"real Zen Maru Gothic Han, ink Bold/Regular: mean {real_ratio(regular, args.sample):.3f} ({args.sample} sampled)")


if __name__ == "__main__":
    main()

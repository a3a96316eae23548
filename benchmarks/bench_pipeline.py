"""Glyphs per second of each pipeline stage (raster, trace, merge, save) and of whole fills (copy and models).

    python benchmarks/bench_pipeline.py --target examples/zen-maru-gothic-tc/build/ZenMaruGothicTC-Regular.ufo \
        --source examples/zen-maru-gothic-tc/sources/NotoSansCJKtc-Subset.otf --charset big5-1 \
        --model copy --model zen-maru-gothic [--outline potrace --outline drawn]

Works on temporary copies of the target (a .ufo directory); prints one line per stage. The stages run no model:
the trace stage traces the source renders themselves (the generator's place in the pipeline, minus the generator).
Each `--model` then times a whole `fill` command with a cold outline cache, process start included.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from fontcomplete.complete.merge import NewGlyph, merge_glyphs, save_atomic
from fontcomplete.core.charsets import resolve_charsets
from fontcomplete.fonts.font import open_font
from fontcomplete.fonts.raster import render_many
from fontcomplete.generate.stylize import default_workers, stylize_glyphs, tracer_pool


class SourceRenders:
    """A stand-in generator that hands back its input: measures the pipeline around a model."""

    model_id = "identity"
    exemplars, drafts = 0, False
    ink_threshold = gap_opening = None

    def __init__(self, image_size):
        self.image_size = image_size

    def __call__(self, sources):
        return sources.astype(np.float32) / 255


def rate(count, seconds):
    return f"{count / seconds:8.1f} glyphs/s  ({count} in {seconds:.2f} s)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--target", required=True)
    parser.add_argument("--source", required=True)
    parser.add_argument("--charset", action="append", default=None)
    parser.add_argument("--size", type=int, default=128)
    parser.add_argument("--workers", type=int, default=default_workers())
    parser.add_argument("--outline", action="append", choices=["drawn", "potrace"], default=None,
                        help="time whole fills with each of these outlines (default: drawn)")
    parser.add_argument("--model", action="append", default=None, help="time a whole fill with this model "
                        "(repeatable; default copy)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        target_path = Path(scratch) / Path(args.target).name
        shutil.copytree(args.target, target_path)
        target, source = open_font(target_path), open_font(args.source)
        wanted = resolve_charsets(args.charset or ["big5-1"])
        codepoints = sorted(c for c in wanted if c not in target.cmap and c in source.cmap)
        print(f"{len(codepoints)} glyphs to add; {args.workers} tracing workers; {args.size} px; "
              f"{time.strftime('%Y-%m-%d')}")

        start = time.perf_counter()
        render_many(source, [source.cmap[c] for c in codepoints], args.size)
        print("raster         ", rate(len(codepoints), time.perf_counter() - start))

        start = time.perf_counter()
        with tracer_pool(args.workers) as pool_map:
            pool_ready = time.perf_counter()
            glyphs = list(stylize_glyphs(source, codepoints, target.frame, SourceRenders(args.size),
                                         pool_map=pool_map))
        end = time.perf_counter()
        print("raster+trace   ", rate(len(glyphs), end - pool_ready), f"(pool start {pool_ready - start:.2f} s)")

        start = time.perf_counter()
        provenance = {"tool": "benchmark", "model": "identity", "source": source.name, "date": "2026-01-01"}
        merge_glyphs(target.glyph_set, [NewGlyph(g.codepoint, g.draw, provenance) for g in glyphs])
        merged = time.perf_counter()
        print("merge          ", rate(len(glyphs), merged - start))
        save_atomic(target.glyph_set, target_path)
        print("save           ", rate(len(glyphs), time.perf_counter() - merged))

        for model in args.model or ["copy"]:
            for trial, outline in enumerate(args.outline or ["drawn"]):
                shutil.rmtree(target_path)
                shutil.copytree(args.target, target_path)
                command = [sys.executable, "-m", "fontcomplete", "fill", str(target_path), "--source", args.source,
                           "--model", model, "--workers", str(args.workers), "--outline", outline]
                for charset in args.charset or ["big5-1"]:
                    command += ["--charset", charset]
                cold = {**os.environ, "FONTCOMPLETE_CACHE": str(Path(scratch) / f"cache-{model.replace('/', '_')}-{trial}")}
                start = time.perf_counter()
                subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=cold)
                seconds = time.perf_counter() - start
                print(f"fill --model {model} --outline {outline} (whole command, cold cache, process start included)",
                      rate(len(codepoints), seconds), f"({seconds:.0f} s)")

if __name__ == "__main__":
    main()

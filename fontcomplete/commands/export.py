"""Export a training run as a model directory to ship: its best checkpoint, optionally with float16 weights."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("run_dir", type=Path, metavar="RUN", help="a training run directory (or any model directory)")
    parser.add_argument("dest", type=Path, help="the model directory to write (new, empty, or a model directory)")
    parser.add_argument("--last", action="store_true",
                        help="export the last checkpoint instead of best/ (the best validation ink IoU, or held-out "
                             "when the run set no validation characters aside)")
    parser.add_argument("--half", action="store_true", help="store the weights as float16 (half the size)")
    parser.add_argument("--style", action="append", metavar="NAME",
                        help="keep only this style (repeatable); e.g. the target of a run fine-tuned from a base")


def run(args: argparse.Namespace) -> int:
    from fontcomplete.ml.model_dir import CONFIG, WEIGHTS, export_model

    source = args.run_dir if args.last or not (args.run_dir / "best" / CONFIG).is_file() else args.run_dir / "best"
    info = export_model(source, args.dest, half=args.half, styles=args.style)
    size = (args.dest / WEIGHTS).stat().st_size
    print(f"exported {source} ({info.image_size} px, styles: {', '.join(info.categories)}) to {args.dest}: "
          f"{size / 2**20:.1f} MiB of {'float16' if args.half else 'float32'} weights")
    return 0

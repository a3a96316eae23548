"""Train a style model: pairs (source glyph → target glyph) for every character both fonts have.

Examples:
  fontcomplete train --target ZenMaruGothic-Regular.ufo --source NotoSansCJK-Regular.ttc#3 \\
      --holdout holdout.txt --out runs/zen --preset cpu --max-minutes 30
  fontcomplete train ... --out runs/zen --resume            # continue after a stop (also after kill -9)
  torchrun --nproc_per_node 2 -m fontcomplete train ...     # several GPUs/machines (DDP; gloo on CPU)

The --out directory is a model directory holding the last checkpoint (model.safetensors + config.json), which
`fill --model DIR` loads; best/ holds the checkpoint with the best validation ink IoU (the held-out one when no
validation characters are set aside), which `export` ships; holdout.txt and validation.txt the characters it never
trained on; samples/ the source | generated | target grids; log.jsonl the log. Training ends by calibrating the
trace threshold and gap opening of both checkpoints. Every setting of the preset can be overridden; most runs need
only the first group below.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from fontcomplete.core.errors import FontcompleteError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from fontcomplete.ml.config import PRESETS, add_config_arguments

    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.description = __doc__
    parser.add_argument("--target", action="append", required=True, metavar="FONT",
                        help="a font in the wanted style (UFO or font file); repeat for several styles")
    parser.add_argument("--source", required=True, help="the reference font ('X.ttc#3' picks a collection member)")
    parser.add_argument("--out", required=True, type=Path, help="run directory (becomes a model directory)")
    parser.add_argument("--preset", choices=sorted(PRESETS), default="cpu",
                        help="cpu: 128 px, learns in 30 min on 2 cores; full: 256 px + self-attention, for GPUs")
    parser.add_argument("--holdout", type=Path, default=None,
                        help="charset file of characters never trained on (default: a seeded --holdout-fraction)")
    parser.add_argument("--charset", action="append", default=None, metavar="NAME|FILE",
                        help="train only on these characters (charset names or files, repeatable; default: every "
                             "character the source and a target share)")
    parser.add_argument("--init", default=None, metavar="MODEL",
                        help="fine-tune this model: a shipped model's name (base) or a model directory (its "
                             "architecture wins; new targets become new styles)")
    parser.add_argument("--resume", action="store_true", help="continue the run in --out exactly where it stopped")
    parser.add_argument("--cache-dir", type=Path, default=None,
                        help="fontcomplete's cache directory, where renders and drafts are kept (default "
                             "$FONTCOMPLETE_CACHE, else ~/.cache/fontcomplete)")
    parser.add_argument("--no-cache", action="store_true", help="render without reading or writing the cache")
    parser.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"], help="where training runs")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar (the log is still written)")
    add_config_arguments(parser)


def build_config(args: argparse.Namespace):
    """Preset (or the saved run's config when resuming) with the user's flags applied."""
    from fontcomplete.ml.config import PRESETS, apply_overrides
    from fontcomplete.ml.train import saved_config

    base = saved_config(args.out) if args.resume else None
    try:
        return apply_overrides(base or PRESETS[args.preset](), args)
    except (TypeError, ValueError) as error:
        raise FontcompleteError(f"invalid hyperparameter: {error}") from None


def run(args: argparse.Namespace) -> int:
    from fontcomplete.complete.model_paths import resolve_model_dir
    from fontcomplete.ml.data import default_cache_dir
    from fontcomplete.ml.run import train

    config = build_config(args)
    charset = None
    if args.charset:
        from fontcomplete.core.charsets import resolve_charsets

        charset = resolve_charsets(args.charset)
    cache_dir = None if args.no_cache else (args.cache_dir or default_cache_dir())
    try:
        summary = train(config, args.out, args.source, args.target, holdout=args.holdout,
                        init=resolve_model_dir(args.init) if args.init else None,
                        resume=args.resume, cache_dir=cache_dir, device=args.device, progress=not args.no_progress,
                        charset=charset)
    except KeyboardInterrupt:
        print(f"fontcomplete train: interrupted; if training had started, its last step is checkpointed in "
              f"{args.out}: continue with --resume", file=sys.stderr)
        return 130
    iou, val = summary.get("heldout_iou"), summary.get("val_iou")
    print(f"trained {summary['steps']} steps ({summary['epochs']} epochs, {summary['minutes']} min); "
          f"held-out ink IoU at {config.image_size} px: {'n/a' if iou is None else f'{iou:.3f}'}"
          f"{'' if val is None else f', validation {val:.3f}'}; "
          f"data-path share of step time {summary['data_share']:.2%}; model in {args.out}")
    return 0

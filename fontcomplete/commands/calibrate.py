"""Choose a model's trace threshold and gap opening again on characters it never trained on (training does it too).

Run it after you export a model for a font other than the one it trained on, or after you edit its validation
characters."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from fontcomplete.commands import options
from fontcomplete.core.charsets import read_charset_file
from fontcomplete.core.errors import FontcompleteError
from fontcomplete.fonts.font import machine_drawn_note, open_drawn_font


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("model", type=Path, metavar="MODEL", help="the model directory whose config.json to update")
    parser.add_argument("--target", action="append", required=True,
                        help="a target font of the model (repeatable); it calibrates the style named like it")
    options.add_source_arguments(parser)
    parser.add_argument("--validation", type=Path,
                        help="charset file of the characters to calibrate on (default: the run's validation.txt "
                             "beside MODEL or one level up)")
    parser.add_argument("--holdout", type=Path,
                        help="charset file of characters never to use as exemplars (default: the run's "
                             "holdout.txt beside MODEL or one level up, if any)")


def run(args: argparse.Namespace) -> int:
    from fontcomplete.ml.calibrate import calibrate_model_dir
    from fontcomplete.ml.model_dir import HOLDOUT, VALIDATION, read_info, run_file

    info = read_info(args.model)
    validation = args.validation or run_file(args.model, VALIDATION)
    if validation is None:
        raise FontcompleteError(f"{args.model} has no validation.txt beside it or one level up; give --validation")
    holdout = args.holdout or run_file(args.model, HOLDOUT)
    characters = read_charset_file(validation)
    excluded = read_charset_file(holdout) if holdout else set()
    source = options.open_source(args)
    targets = {}
    for path in args.target:
        target = open_drawn_font(path)
        if target.machine_drawn:
            print(machine_drawn_note(target), file=sys.stderr)
        if target.name not in info.categories and len(info.categories) > 1:
            raise FontcompleteError(f"target {target.name!r} is not one of the model's styles "
                                    f"({', '.join(info.categories)})")
        targets[info.categories[info.style_id(None, target.name)]] = (target, sorted(characters), excluded)
    thresholds = calibrate_model_dir(args.model, source, targets)
    if not thresholds:
        raise FontcompleteError(f"none of the {len(characters)} characters of {validation} is in both the source "
                                "and a target")
    return 0

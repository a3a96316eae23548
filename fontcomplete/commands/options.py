"""Arguments and input handling shared by the subcommands: source, target, charset, model, trace settings."""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable
from pathlib import Path

from fontcomplete.complete.engine import CompleteSettings
from fontcomplete.complete.model_paths import open_model
from fontcomplete.core.errors import FontcompleteError
from fontcomplete.fonts.font import SourceFont, open_font
from fontcomplete.generate.stylize import VIEWS, default_workers
from fontcomplete.outlines.trace import TraceSettings
from fontcomplete.storage.ufo_check import check_ufo_files


def number(kind: type, low: float | None = None, high: float | None = None, *, open_low: bool = False,
           open_high: bool = False) -> Callable[[str], float]:
    """An argparse type: a finite int or float within [low, high] (ends excluded where open_*)."""
    lo_bracket, hi_bracket = "(" if open_low else "[", ")" if open_high else "]"
    bounds = f"{lo_bracket}{'-∞' if low is None else low}, {'∞' if high is None else high}{hi_bracket}"

    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not {'an integer' if kind is int else 'a number'}") from None
        if not math.isfinite(value) or (low is not None and (value <= low if open_low else value < low)) or \
                (high is not None and (value >= high if open_high else value > high)):
            raise argparse.ArgumentTypeError(f"{text} is outside {bounds}")
        return value

    parse.__name__ = kind.__name__
    return parse


POSITIVE_INT = number(int, 1)


def add_source_arguments(parser: argparse.ArgumentParser, required: bool = True) -> None:
    parser.add_argument("--source", required=required,
                        help="a complete reference font: .ttf .otf .ttc .otc .woff .woff2 .ufo; 'X.ttc#3' picks a member")
    parser.add_argument("--source-index", type=number(int, 0), default=None, help="font number inside a .ttc/.otc collection")


def add_charset_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--charset", action="append", default=None, metavar="NAME|FILE",
                        help="big5-1 (default), big5-2, gb2312, jis0208, or a file of characters / U+XXXX; repeatable")


DEFAULTS = CompleteSettings()  # the one place fill, eval and the filter take their defaults from


def add_model_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model", default=DEFAULTS.model, metavar="DIR|NAME|copy",
                        help="a model directory, the name of a model shipped in models/, or 'copy' "
                             "(the source outlines scaled into the em box; default)")
    parser.add_argument("--style", default=None, help="the model's style (category) to use when it has several "
                        "(default: the one named like the target, 'Family Style')")
    parser.add_argument("--device", default=DEFAULTS.device, choices=["auto", "cpu", "cuda"],
                        help="where the model runs")
    parser.add_argument("--batch-size", type=POSITIVE_INT, default=DEFAULTS.batch_size, help="glyphs per model batch")
    parser.add_argument("--views", type=int, default=DEFAULTS.views, choices=range(1, VIEWS + 1), metavar=f"1-{VIEWS}",
                        help="average the model over this many views of each glyph (a model with exemplars: beside "
                        "another set of the target's glyphs in each view; without: as it is, then shifted 1 px down, "
                        f"up, right, left; default {VIEWS}; 1 = one pass, {VIEWS}× faster)")
    parser.add_argument("--workers", type=number(int, 1, 256), default=default_workers(),
                        help="tracing processes (default: one per CPU core)")


def add_trace_arguments(parser: argparse.ArgumentParser) -> None:
    defaults = DEFAULTS.trace
    group = parser.add_argument_group("tracing")
    group.add_argument("--upsample", type=number(int, 1, 8), default=defaults.upsample,
                       help=f"bicubic factor before the threshold (default {defaults.upsample})")
    group.add_argument("--threshold", type=number(float, 0, 1, open_low=True, open_high=True), default=defaults.threshold,
                       help="ink coverage that counts as black (default: the threshold calibrated on the model's "
                       "validation characters, else 0.5)")
    group.add_argument("--open-gaps", type=number(float, 0, 100), default=defaults.open_gaps,
                       help="gap opening strength: deepens the partly inked valleys between close strokes before the "
                       "threshold, so they stay apart (default: the strength calibrated with the threshold, else 0)")
    group.add_argument("--turdsize", type=number(float, 0, 10000), default=defaults.turdsize_at_128,
                       help=f"potrace speck area at 128 px, scaled with the traced area (default {defaults.turdsize_at_128})")
    group.add_argument("--outline", choices=["drawn", "potrace"], default=defaults.outline,
                       help="drawn: level and upright edges as exact lines, sharp corners where they meet, few smooth "
                       "curves elsewhere; potrace: potrace's own curves (--alphamax, --opttolerance) "
                       f"(default {defaults.outline})")
    group.add_argument("--alphamax", type=number(float, 0, 1.3334), default=defaults.alphamax,
                       help=f"potrace corner threshold (default {defaults.alphamax})")
    group.add_argument("--opttolerance", type=number(float, 0, 10), default=defaults.opttolerance,
                       help=f"potrace curve tolerance (default {defaults.opttolerance})")


def trace_settings(args: argparse.Namespace) -> TraceSettings:
    try:
        return TraceSettings(upsample=args.upsample, threshold=args.threshold, open_gaps=args.open_gaps,
                             turdsize_at_128=args.turdsize, alphamax=args.alphamax,
                             opttolerance=args.opttolerance, outline=args.outline)
    except ValueError as error:
        raise FontcompleteError(str(error)) from error


def charsets(args: argparse.Namespace) -> list[str]:
    return args.charset or list(DEFAULTS.charset)


def open_source(args: argparse.Namespace) -> SourceFont:
    return open_font(args.source, args.source_index)


def existing_ufo(path: str) -> Path:
    """The target as a path, once it is known to be a UFO whose files fontcomplete can read and write safely."""
    target_path = Path(path)
    if not target_path.exists():
        raise FontcompleteError(f"target not found: {target_path}")
    is_ufo_dir = target_path.is_dir() and (target_path / "metainfo.plist").is_file()
    if not (is_ufo_dir or (target_path.is_file() and target_path.suffix.lower() == ".ufoz")):
        raise FontcompleteError(f"target {target_path} is not a UFO (a .ufo directory with metainfo.plist, or .ufoz)")
    check_ufo_files(target_path)
    return target_path


def open_target(path: str) -> tuple[SourceFont, object]:
    """The target UFO as a SourceFont (cmap, frame) and its ufoLib2.Font for merging."""
    target = open_font(existing_ufo(path))
    return target, target.glyph_set


def load_stylizer_for(args: argparse.Namespace, target_name: str | None = None):
    """The model of --model (this is where torch is first imported); None for --model copy, where no model runs."""
    return None if args.model == "copy" else open_model(args.model, args.style, args.device, args.views, target_name)

"""Add the characters a UFO lacks, generated from a reference font (copy mode or a trained model)."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from tqdm import tqdm

from fontcomplete.commands import options
from fontcomplete.complete.engine import Completer, CompleteSettings
from fontcomplete.complete.place import Placed, open_plan, place
from fontcomplete.core.errors import FontcompleteError
from fontcomplete.core.provenance import CONFIDENCE_BANDS, mark_color
from fontcomplete.fonts.designspace import MasterFiles, master_files
from fontcomplete.fonts.font import split_index
from fontcomplete.generate.review import least_sure_first
from fontcomplete.generate.stylize import tracer_pool
from fontcomplete.storage import journal


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("target", help="the UFO to complete (.ufo directory or .ufoz), or a .designspace")
    options.add_source_arguments(parser, required=False)
    parser.add_argument("--master-source", action="append", default=[], metavar="MASTER=FONT",
                        help="designspace: the source font for one master (UFO file name, stem or style name)")
    parser.add_argument("--check", action="store_true",
                        help="only check that the target's lib-key fontcomplete filter loads (source and model open)")
    options.add_charset_argument(parser)
    options.add_model_arguments(parser)
    options.add_trace_arguments(parser)
    parser.add_argument("--replace-generated", action="store_true",
                        help="regenerate glyphs that fontcomplete added earlier (never touches other glyphs)")
    parser.add_argument("--dry-run", action="store_true", help="report what would be added; write nothing")
    parser.add_argument("--proof", metavar="FILE.png", help="write a proof sheet of the new glyphs beside their source")


def run(args: argparse.Namespace) -> int:
    """The same steps for a UFO and for every master of a designspace: plan, generate, place."""
    if args.check:
        from fontcomplete.filter import check_lib_filters

        print("\n".join(check_lib_filters(args.target)))
        return 0
    check_proof_path(args.proof)
    files = target_files(args)
    settings = complete_settings(args)
    if args.dry_run:
        for target in files.paths:
            if journal.pending(target):
                print(f"warning: an interrupted save of {target} is pending; the next fill finishes it",
                      file=sys.stderr)
        _, plan = open_plan(files, Completer(settings), args.replace_generated)
        print(plan.counts() + (" to every master" if len(files.paths) > 1 else ""))
        print("dry run: nothing written")
        return 0
    with journal.writing(files.paths) as recovered:
        for line in recovered:
            print(f"recovered {line}", file=sys.stderr)
        return fill(files, settings, args)


def target_files(args: argparse.Namespace) -> MasterFiles:
    """The UFOs this fill writes: the target, or every master of a designspace."""
    if args.target.endswith(".designspace"):
        return master_files(args.target)
    if args.master_source:
        raise FontcompleteError("--master-source applies to a .designspace; a UFO takes --source")
    return MasterFiles([options.existing_ufo(args.target)])


def complete_settings(args: argparse.Namespace) -> CompleteSettings:
    pairs = [item.split("=", 1) for item in args.master_source]
    if any(len(pair) != 2 or not all(pair) for pair in pairs):
        raise FontcompleteError("--master-source takes MASTER=FONT")
    if not (args.source or pairs):
        raise FontcompleteError("--source is required" + (" (or --master-source MASTER=FONT for each master)"
                                                          if args.target.endswith(".designspace") else ""))
    source = None
    if args.source:
        path, index = split_index(args.source, args.source_index)
        source = str(path) if index is None else f"{path}#{index}"
    return CompleteSettings(source=source, sources=tuple(map(tuple, pairs)), charset=tuple(options.charsets(args)),
                            model=args.model, style=args.style, device=args.device, cache=False,
                            batch_size=args.batch_size, views=args.views, trace=options.trace_settings(args))


def check_proof_path(proof: str | None) -> None:
    """--proof must name a .png file in a directory that exists (checked before any work is done)."""
    if proof is None:
        return
    path = Path(proof)
    if path.suffix.lower() != ".png":
        raise FontcompleteError(f"--proof {proof}: the proof sheet is a PNG file; name it …{path.stem}.png")
    if not path.parent.resolve().is_dir():
        raise FontcompleteError(f"--proof {proof}: the directory {path.parent} does not exist")


def fill(files: MasterFiles, settings: CompleteSettings, args: argparse.Namespace) -> int:
    with tracer_pool(args.workers) as pool_map:  # forked before a model loads
        completer = Completer(settings, pool_map, workers=args.workers)
        targets, plan = open_plan(files, completer, args.replace_generated)
        print(plan.counts() + (" to every master" if len(files.paths) > 1 else ""))
        if not plan.to_add:
            print("nothing to do: every wanted character the source has is there already"
                  + (" or rejected (fontcomplete review --restore adds one again)" if plan.declined else ""))
            return 0
        completer.load_models(targets.masters)  # a bad model fails here, before any output
        print(completer.generator(targets.masters[files.default]).describe())
        with tqdm(total=len(plan.to_add), unit="glyph", desc="generating", file=sys.stderr, disable=None) as bar:
            completer.progress = bar.update  # shown on a terminal only
            placed = place(targets, completer, plan, replace_generated=args.replace_generated, proof=args.proof)
    report(placed, args)
    return 0


def report(placed: Placed, args: argparse.Namespace) -> None:
    for check in placed.suspicious[:10]:
        print(f"warning: {check.describe()}", file=sys.stderr)
    if placed.suspicious:
        print(f"warning: {len(placed.suspicious)} generated glyphs look wrong; review them (--proof)", file=sys.stderr)
    if placed.reviews:
        least = least_sure_first(placed.reviews, placed.reviews)[0]
        confidences = sorted(review.confidence for review in placed.reviews.values())
        bands = Counter(CONFIDENCE_BANDS[mark_color(c)] for c in confidences)
        print(f"confidence (how well your own glyphs rebuild each character, times how steady the model's strokes "
              f"and counters are): median {confidences[len(confidences) // 2]:.2f}, lowest "
              f"{placed.reviews[least].confidence:.2f} ({chr(least)} U+{least:04X}); "
              f"{', '.join(f'{bands[name]} {name}' for name in ('green', 'yellow', 'red'))}; the proof sheet shows "
              f"the least sure first")
    if placed.proof_pages:
        pages = placed.proof_pages
        print(f"proof sheet: {pages[0]}" if len(pages) == 1 else f"proof sheet: {len(pages)} pages, {pages[0]} … {pages[-1]}")
    for label, merged in placed.reports:
        regenerated = f", replaced {len(merged.replaced)}, regenerated identically {len(merged.unchanged)}" \
            if args.replace_generated else ""
        prefix = f"{label}: " if len(placed.reports) > 1 else ""
        print(f"{prefix}added {len(merged.added)}{regenerated}")
    plan = placed.completion.plan
    incompatible = f", left out as incompatible across masters {len(placed.completion.incompatible)}" \
        if len(placed.reports) > 1 else ""
    print(f"already present {len(plan.present)}, not in source {len(plan.not_in_source)}{incompatible}")

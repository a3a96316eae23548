"""Add the characters a UFO lacks, generated from a reference font (copy mode or a trained model)."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from tqdm import tqdm

from fontcomplete.charsets import missing, resolve_charsets
from fontcomplete.checks import failed_checks
from fontcomplete import journal
from fontcomplete.commands import options
from fontcomplete.errors import FontcompleteError
from fontcomplete.fill import copy_glyphs, glyph_provenance, model_trace_settings, stylize_glyphs, tracer_pool
from fontcomplete.merge import NewGlyph, generated_codepoints, learn_metrics, merge_glyphs, save_atomic


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
    if args.check:
        from fontcomplete.filter import check_lib_filters

        print("\n".join(check_lib_filters(args.target)))
        return 0
    check_proof_path(args.proof)
    designspace = args.target.endswith(".designspace")
    if designspace:
        from fontcomplete.designspace_fill import master_files

        targets = master_files(args.target).paths
    else:
        if args.source is None:
            raise FontcompleteError("--source is required")
        if args.master_source:
            raise FontcompleteError("--master-source applies to a .designspace; a UFO takes --source")
        targets = [options.existing_ufo(args.target)]
    fill_targets = run_designspace if designspace else run_ufo
    if args.dry_run:
        for target in targets:
            if journal.pending(target):
                print(f"warning: an interrupted save of {target} is pending; the next fill finishes it",
                      file=sys.stderr)
        return fill_targets(args)
    with journal.writing(targets) as recovered:
        for line in recovered:
            print(f"recovered {line}", file=sys.stderr)
        return fill_targets(args)


def check_proof_path(proof: str | None) -> None:
    """--proof must name a .png file in a directory that exists (checked before any work is done)."""
    if proof is None:
        return
    path = Path(proof)
    if path.suffix.lower() != ".png":
        raise FontcompleteError(f"--proof {proof}: the proof sheet is a PNG file; name it …{path.stem}.png")
    if not path.parent.resolve().is_dir():
        raise FontcompleteError(f"--proof {proof}: the directory {path.parent} does not exist")


def run_ufo(args: argparse.Namespace) -> int:
    target, ufo = options.open_target(args.target)
    source = options.open_source(args)
    wanted = resolve_charsets(options.charsets(args))
    if not wanted:
        raise FontcompleteError("the charset is empty: nothing is wanted")
    generated = set(generated_codepoints(ufo))  # read once: the glyphs to replace, and the ones not to learn from
    generated_before = generated if args.replace_generated else set()
    present_cmap = {cp: name for cp, name in target.cmap.items() if cp not in generated_before}
    plan = missing(wanted, present_cmap, source.cmap)
    print(f"wanted {len(plan.wanted)}, already present {len(plan.present)}, "
          f"not in source {len(plan.not_in_source)}, to add {len(plan.to_add)}")
    if not plan.to_add:
        print("nothing to do: the UFO already has every wanted character the source has")
        return 0
    if args.dry_run:
        print("dry run: nothing written")
        return 0

    metrics = learn_metrics(ufo)  # fails before any work when the UFO has no Han glyph to learn from
    with tracer_pool(args.workers) as pool_map:
        stylizer = options.load_stylizer_for(args, target.name)  # a bad model fails here, before any output
        if stylizer is not None:
            stylizer = stylizer.with_target(source, target, set(target.cmap) - generated)
        model_id = stylizer.model_id if stylizer else "copy"
        if stylizer is not None and stylizer.ink_threshold is not None and args.threshold is None:
            print(f"trace threshold {stylizer.ink_threshold:.2f}, calibrated for this model on its validation "
                  "characters (--threshold overrides)", file=sys.stderr)
        bar = tqdm(total=len(plan.to_add), unit="glyph", desc="generating", file=sys.stderr, disable=None)  # TTY only
        with bar:
            glyphs = generate_glyphs(args, source, target, stylizer, plan.to_add, pool_map, bar.update)

    suspicious = failed_checks(glyphs, source, target.frame)
    for check in suspicious[:10]:
        print(f"warning: {check.describe()}", file=sys.stderr)
    if suspicious:
        print(f"warning: {len(suspicious)} generated glyphs look wrong; review them (--proof)", file=sys.stderr)
    trace = model_trace_settings(options.trace_settings(args), stylizer) if stylizer is not None else None
    provenance = {**glyph_provenance(model_id, source, trace), "date": date.today().isoformat()}
    report = merge_glyphs(ufo, [NewGlyph(g.codepoint, g.draw, provenance) for g in glyphs],
                          replace_generated=args.replace_generated, metrics=metrics)
    if args.proof:
        from fontcomplete.proof import write_fill_proof

        pages = write_fill_proof(args.proof, source, target.frame, glyphs)
        print(f"proof sheet: {', '.join(map(str, pages))}")
    save_atomic(ufo, target.path)
    regenerated = f", replaced {len(report.replaced)}, regenerated identically {len(report.unchanged)}" \
        if args.replace_generated else ""
    print(f"added {len(report.added)}{regenerated}, already present {len(plan.present)}, "
          f"not in source {len(plan.not_in_source)}")
    return 0


def generate_glyphs(args, source, target, stylizer, codepoints, pool_map, progress) -> list:
    """Copy mode (no stylizer) or the model's glyphs, traced in the tracer pool."""
    if stylizer is None:
        return list(copy_glyphs(source, codepoints, target.frame, progress))
    return list(stylize_glyphs(source, codepoints, target.frame, stylizer, batch_size=args.batch_size,
                               trace_settings=options.trace_settings(args), pool_map=pool_map, progress=progress))


def run_designspace(args: argparse.Namespace) -> int:
    """Complete every master of a designspace with interpolation-compatible glyphs (fontcomplete.designspace)."""
    from fontcomplete.designspace import CompleteSettings
    from fontcomplete.designspace_fill import fill_designspace, plan_designspace

    pairs = [item.split("=", 1) for item in args.master_source]
    if any(len(pair) != 2 for pair in pairs) or not (args.source or pairs):
        raise FontcompleteError("a designspace needs --source FONT and/or --master-source MASTER=FONT")
    if args.source_index is not None:
        raise FontcompleteError("--source-index applies to a single UFO; for a designspace write FONT.ttc#N")
    settings = CompleteSettings(source=args.source, sources=tuple(map(tuple, pairs)),
                                charset=tuple(options.charsets(args)), model=args.model, style=args.style,
                                device=args.device, batch_size=args.batch_size, views=args.views,
                                trace=options.trace_settings(args), cache=False)
    if args.dry_run:
        plan = plan_designspace(args.target, settings, args.replace_generated)
        print(f"wanted {len(plan.to_add) + len(plan.present) + len(plan.not_in_source)}, already present "
              f"{len(plan.present)}, not in source {len(plan.not_in_source)}, to add {len(plan.to_add)}"
              f"{f' (regenerating {len(plan.regenerate)})' if args.replace_generated else ''} to every master")
        print("dry run: nothing written")
        return 0
    with tracer_pool(args.workers) as pool_map:
        results, completion = fill_designspace(args.target, settings, replace_generated=args.replace_generated,
                                               proof=args.proof, pool_map=pool_map)
    for label, report in results:
        regenerated = f", replaced {len(report.replaced)}, regenerated identically {len(report.unchanged)}" \
            if args.replace_generated else ""
        print(f"{label}: added {len(report.added)}{regenerated}")
    if args.proof and completion.outlines[0]:
        print(f"proof sheet: {args.proof}")
    print(f"already present {len(completion.present)}, not in source {len(completion.not_in_source)}, "
          f"left out as incompatible across masters {len(completion.incompatible)}")
    return 0

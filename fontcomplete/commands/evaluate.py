"""Measure a model (or copy mode) on characters held out of training: ink IoU, SSIM, L1, proof sheet."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from tqdm import tqdm

from fontcomplete.commands import options
from fontcomplete.complete.evaluate import evaluate, write_proof
from fontcomplete.core.charsets import read_charset_file
from fontcomplete.core.errors import FontcompleteError
from fontcomplete.fonts.font import machine_drawn_note, open_drawn_font
from fontcomplete.generate.stylize import tracer_pool


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("target", help="the font with the real glyphs (UFO or font file)")
    options.add_source_arguments(parser)
    parser.add_argument("--holdout", required=True, help="charset file of the held-out characters")
    options.add_model_arguments(parser)
    options.add_trace_arguments(parser)
    parser.add_argument("--size", type=int, default=256, help="render size for the comparison (default 256)")
    parser.add_argument("--out", default="eval", help="directory for eval.json and proof.png (default ./eval)")


def run(args: argparse.Namespace) -> int:
    target = open_drawn_font(args.target)  # held-out truth and exemplars: the designer's glyphs alone
    if target.machine_drawn:
        print(machine_drawn_note(target), file=sys.stderr)
    source = options.open_source(args)
    holdout = sorted(read_charset_file(Path(args.holdout)))
    codepoints = [c for c in holdout if c in target.cmap and c in source.cmap]
    if not codepoints:
        raise FontcompleteError(f"none of the {len(holdout)} held-out characters is in both the target and the source")
    with tracer_pool(args.workers) as pool_map, tqdm(total=len(codepoints), unit="glyph", desc="generating",
                                                      file=sys.stderr, disable=args.model == "copy") as bar:
        stylizer = options.load_stylizer_for(args, target.name)
        result = evaluate(target, source, codepoints, stylizer, size=args.size, batch_size=args.batch_size,
                          trace_settings=options.trace_settings(args), pool_map=pool_map, progress=bar.update,
                          review_workers=args.workers)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    summary = result.summary()
    report = {
        "model": result.model_id,
        "target": str(target.label), "source": str(source.label), "holdout": str(args.holdout),
        "held_out": len(holdout), "evaluated": len(codepoints), "size": args.size,
        "trace": result.trace.to_dict() if result.trace is not None else None, "summary": summary,
        "confidence": result.confidence_figures(),
        "outlines": result.outline_summary(),
        "glyphs": {name: [vars(s) for s in scores] for name, scores in result.scores.items()},
        "glyph_outlines": {name: [f.as_json() for f in figures] for name, figures in result.outlines.items()},
        "reviews": {f"U+{c:04X}": {**vars(r), "confidence": r.confidence} for c, r in result.reviews.items()},
    }
    (out / "eval.json").write_text(json.dumps(report, indent=1) + "\n")
    pages = write_proof(result, out / "proof.png")
    print(f"{len(codepoints)} held-out characters at {args.size} px")
    print(f"{'':8}{'IoU':>8}{'IoU p10':>9}{'SSIM':>8}{'SSIM p10':>9}{'L1':>8}{'merged':>9}{'broken':>9}"
          f"{'counters':>10}{'topology ok':>13}{'kept IoU':>10}")
    for name, row in summary.items():
        print(f"{name:8}{row['iou_mean']:8.3f}{row['iou_p10']:9.3f}{row['ssim_mean']:8.3f}{row['ssim_p10']:9.3f}"
              f"{row['l1_mean']:8.3f}{row['pieces_fewer']:9.1%}{row['pieces_more']:9.1%}{row['counters_wrong']:10.1%}"
              f"{row['topology_ok']:13.1%}{row['kept_iou']:10.3f}")
    print("shares of glyphs: merged = fewer connected ink pieces than the real glyph (strokes run together), broken = "
          "more (a broken stroke, a speck), counters = another number of enclosed counters, topology ok = the same "
          "pieces and counters; kept IoU = IoU counting a glyph with a wrong topology as 0")
    print_outline_summary(result.outline_summary())
    print(f"your font's conventions (learned from its other glyphs): {result.conventions.describe()}")
    figures = result.confidence_figures()
    if figures is not None:
        bands = "; ".join(f"{name} {band['share']:.0%} of the glyphs, {band['topology_ok']:.0%} topology ok"
                          for name, band in figures["bands"].items())
        print(f"review confidence: Spearman {figures['spearman_iou']:.2f} with IoU, AUC {figures['auc_topology_ok']:.2f} "
              f"for topology ok; the least sure fifth {figures['least_sure_fifth_iou']:.3f} IoU, "
              f"{figures['least_sure_fifth_topology_ok']:.1%} topology ok (the rest {figures['rest_iou']:.3f}, "
              f"{figures['rest_topology_ok']:.1%}); by mark colour: {bands}; the proof is least sure first")
    print(f"wrote {out / 'eval.json'} and {', '.join(map(str, pages))}")
    return 0


def print_outline_summary(outlines: dict) -> None:
    print(f"\n{'outline':8}{'points':>8}{'× yours':>9}{'contours':>10}{'straight':>10}{'flagged':>9}{'jaggy':>7}"
          f"{'semi-v/h':>10}{'colinear':>10}{'short':>7}{'stems':>7}")
    for name, row in outlines.items():
        ratio = f"{row['on_curve_ratio_median']:9.2f}" if "on_curve_ratio_median" in row else f"{'':9}"
        print(f"{name if name != 'truth' else 'yours':8}{row['on_curve_median']:8.0f}{ratio}{row['contours_median']:10.0f}"
              f"{row['straight_share_median']:10.1%}{row['flagged_share']:9.1%}{row['jaggy_share']:7.1%}"
              f"{row['semi_vertical_share']:10.1%}{row['colinear_share']:10.1%}{row['short_share']:7.1%}"
              f"{row.get('stem_fit_mean', float('nan')):7.0%}")
    print("medians over glyphs: points on the outline (× your glyph of the same character), contours, share of the "
          "outline length in exactly horizontal or vertical lines; shares of glyphs with a finding of fontbakery's "
          "outline checks, glyph by glyph (flagged = jaggy, semi-vertical/horizontal or colinear); stems = share of the "
          "length of strokes between straight edges at one of your font's stem widths (±2 units), mean over glyphs")

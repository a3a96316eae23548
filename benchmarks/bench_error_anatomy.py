"""Where a model's held-out error lies: edges, placement, topology choices; and what averaging models buys.

    python benchmarks/bench_error_anatomy.py [--model DIR ...] [--calibrate-on VALIDATION.txt] [--characters FILE]
                                              [--limit N]

Runs the model (or the average of the ink of several models, each over fill's 5 views) over the example's held-out
characters (or `--characters`, e.g. a model's validation.txt) through fill's path, traced at the calibrated
threshold and gap opening (of the first model, or chosen anew on `--calibrate-on` for an average), and prints at
256 px against the real glyphs:
- the usual scores (ink IoU, SSIM, topology shares), beside the copy's;
- edge tolerance: the share of ink (both ways) within 1, 2, 4, 8 px of the other glyph's ink;
- placement: IoU after the best whole-glyph shift (up to 6 px each way), and after scaling the generated ink to the
  real glyph's bounding box; the median ink area against the real glyph's; the model's worst glyphs;
- trace choices: the share of glyphs whose topology at least one (threshold, gap opening) of a 12 × 8 grid gets
  right (what choosing per glyph could reach), and what choosing by the topology most of the grid gives reaches.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

import numpy as np
from scipy import ndimage

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from fontcomplete.complete.evaluate import evaluate  # noqa: E402
from fontcomplete.core.charsets import read_charset_file  # noqa: E402
from fontcomplete.core.scores import counters, ink_iou, pieces, summarize  # noqa: E402
from fontcomplete.fonts.font import open_font  # noqa: E402
from fontcomplete.fonts.raster import render_many  # noqa: E402
from fontcomplete.outlines.trace import TraceSettings, binarize, despeckled  # noqa: E402

EXAMPLE = ROOT / "examples" / "zen-maru-gothic-tc"
THRESHOLDS = tuple(round(0.2 + 0.05 * i, 2) for i in range(12))
OPENINGS = (0.0, 1.0, 2.0, 3.0, 4.0, 6.0, 8.0, 12.0)


class Averaged:
    """Several stylizers as one: the mean of their ink (the calibration given, else the first one's)."""

    def __init__(self, members, threshold=None, gap_opening=None, produced=None):
        self.members, self.image_size = members, members[0].image_size
        self.ink_threshold = members[0].ink_threshold if threshold is None else threshold
        self.gap_opening = members[0].gap_opening if gap_opening is None else gap_opening
        self.model_id = "+".join(m.model_id for m in members)
        self.produced = [] if produced is None else produced  # each batch of ink given out, in order

    def with_target(self, source, target, codepoints):
        return Averaged([m.with_target(source, target, codepoints) for m in self.members], self.ink_threshold,
                        self.gap_opening, self.produced)

    def donor_bank(self, source, target, codepoints):
        return self.members[0].donor_bank(source, target, codepoints)

    def __call__(self, images):
        ink = np.mean([member(images) for member in self.members], axis=0)
        self.produced.append(ink)
        return ink


def tolerant_share(a: np.ndarray, b: np.ndarray, px: int) -> float:
    """Share of the ink of both masks that lies within `px` px (4-connected steps) of the other's ink."""
    cross = ndimage.generate_binary_structure(2, 1)
    near_a, near_b = ndimage.binary_dilation(a, cross, px), ndimage.binary_dilation(b, cross, px)
    return float(((a & near_b).sum() + (b & near_a).sum()) / max(a.sum() + b.sum(), 1))


def best_shift_iou(a: np.ndarray, b: np.ndarray, reach: int = 6) -> float:
    return max(ink_iou(np.roll(a, (dy, dx), (0, 1)), b) for dy in range(-reach, reach + 1, 2)
               for dx in range(-reach, reach + 1, 2))


def box_fitted_iou(a: np.ndarray, b: np.ndarray) -> float:
    """IoU after scaling and moving a's ink so that its bounding box is b's."""
    (ay, ax), (by, bx) = np.nonzero(a), np.nonzero(b)
    if not len(ay) or not len(by):
        return ink_iou(a, b)
    scale_y = (ay.max() + 1 - ay.min()) / (by.max() + 1 - by.min())
    scale_x = (ax.max() + 1 - ax.min()) / (bx.max() + 1 - bx.min())
    yy, xx = np.mgrid[0:a.shape[0], 0:a.shape[1]].astype(float)
    coords = [ay.min() + (yy - by.min()) * scale_y, ax.min() + (xx - bx.min()) * scale_x]
    return ink_iou(ndimage.map_coordinates(a.astype(float), coords, order=1) >= 0.5, b)


def grid_topologies(ink: np.ndarray) -> np.ndarray:
    """(thresholds, openings, 2) pieces and counters of one glyph's traced-resolution mask at each grid setting."""
    table = np.zeros((len(THRESHOLDS), len(OPENINGS), 2), int)
    for i, threshold in enumerate(THRESHOLDS):
        for j, opening in enumerate(OPENINGS):
            settings = TraceSettings(threshold=threshold, open_gaps=opening)
            mask = despeckled(binarize(ink, settings), settings)
            table[i, j] = pieces(mask), counters(mask)
    return table


def trace_choices(ink: np.ndarray, truth: np.ndarray) -> tuple[float, float]:
    """(share of glyphs some grid setting gets right, share the grid's most common topology gets right)."""
    reachable, voted = [], []
    for image, real in zip(ink, truth):
        table, want = grid_topologies(image), (pieces(real), counters(real))
        reachable.append(bool((table == want).all(-1).any()))
        voted.append(Counter(map(tuple, table.reshape(-1, 2).tolist())).most_common(1)[0][0] == want)
    return float(np.mean(reachable)), float(np.mean(voted))


def calibrated(stylizer, source, target, validation: Path, never: set[int]):
    from fontcomplete.ml.calibrate import best_calibration, threshold_scores

    codepoints = sorted(c for c in read_charset_file(validation) if c in source.cmap and c in target.cmap)
    bank = stylizer.with_target(source, target, set(target.cmap) - never - set(codepoints))
    table = threshold_scores(bank, source, target, codepoints)
    threshold, opening = best_calibration({key: row["kept_iou"] for key, row in table.items()})
    print(f"calibrated on {len(codepoints)} validation characters: threshold {threshold}, gap opening {opening}")
    return Averaged(stylizer.members, threshold, opening)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", action="append", help="model directory (repeat to average several)")
    parser.add_argument("--calibrate-on", type=Path, help="validation charset to choose the average's trace settings")
    parser.add_argument("--characters", type=Path, default=EXAMPLE / "holdout.txt",
                        help="charset file of the characters to score (default: the example's held-out list)")
    parser.add_argument("--limit", type=int, default=None, help="only the first N characters")
    args = parser.parse_args()
    from fontcomplete.ml.stylizer import load_stylizer

    target = open_font(EXAMPLE / "sources" / "ZenMaruGothic-Regular.ufoz")
    source = open_font(EXAMPLE / "sources" / "NotoSansCJKtc-Subset.otf")
    scored = read_charset_file(args.characters)
    held_out = read_charset_file(EXAMPLE / "holdout.txt") | scored
    codepoints = sorted(c for c in scored if c in target.cmap and c in source.cmap)[:args.limit]
    models = args.model or [str(ROOT / "models" / "zen-maru-gothic")]
    stylizer = Averaged([load_stylizer(m, device="cpu", target_name=target.name) for m in models])
    if args.calibrate_on:
        stylizer = calibrated(stylizer, source, target, args.calibrate_on, held_out)
    result = evaluate(target, source, codepoints, stylizer, size=256)
    truth = result.renders["truth"] >= 128
    print(f"{len(codepoints)} characters of {args.characters.name}, {len(models)} model(s), threshold {stylizer.ink_threshold}, "
          f"gap opening {stylizer.gap_opening}; traced, at 256 px")
    for name, scores in result.scores.items():
        row, masks = summarize(scores), result.renders[name] >= 128
        tolerant = [np.mean([tolerant_share(m, t, px) for m, t in zip(masks, truth)]) for px in (1, 2, 4, 8)]
        shift = np.mean([best_shift_iou(m, t) for m, t in zip(masks, truth)])
        box = np.mean([box_fitted_iou(m, t) for m, t in zip(masks, truth)])
        area = np.median([m.sum() / max(t.sum(), 1) for m, t in zip(masks, truth)])
        print(f"{name:6} IoU {row['iou_mean']:.3f}  SSIM {row['ssim_mean']:.3f}  merged {row['pieces_fewer']:.1%}  "
              f"broken {row['pieces_more']:.1%}  counters {row['counters_wrong']:.1%}  topology ok "
              f"{row['topology_ok']:.1%}  | ink within 1/2/4/8 px: {' '.join(f'{t:.3f}' for t in tolerant)}  | "
              f"IoU best shift {shift:.3f}, box fitted {box:.3f}  | median ink area / real {area:.2f}")
    worst = sorted(zip((s.iou for s in result.scores["model"]), codepoints))[:8]
    print("worst glyphs: " + ", ".join(f"{chr(c)} {value:.2f}" for value, c in worst))
    ink = np.concatenate(stylizer.produced)  # the 5-view ink evaluate traced, in codepoint order
    reachable, voted = trace_choices(ink, render_many(target, [target.cmap[c] for c in codepoints], 384) >= 128)
    print(f"topology right at some grid setting: {reachable:.1%}; by the grid's most common topology: {voted:.1%}")


if __name__ == "__main__":
    main()

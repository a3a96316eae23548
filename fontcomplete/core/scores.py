"""Glyph image metrics between renders in the same em-box frame: overlap (ink IoU, SSIM, L1) and topology (ink pieces
and counters: strokes kept apart, counters kept open), with scikit-image."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from skimage.measure import euler_number, label
from skimage.metrics import structural_similarity

INK = 127  # a pixel is ink when its coverage is above half


def ink_ious(predicted: np.ndarray, target: np.ndarray, threshold: float = 0.5) -> np.ndarray:
    """Per-glyph IoU of the ink masks of two (N, S, S) stacks (coverage >= threshold: floats in 0..1, uint8 in
    0..255); 1.0 where both are blank."""
    def mask(a):
        return a >= (threshold * 255 if a.dtype == np.uint8 else threshold)
    p, t = mask(predicted), mask(target)
    inter = (p & t).reshape(len(p), -1).sum(1)
    union = (p | t).reshape(len(p), -1).sum(1)
    return np.where(union > 0, inter / np.maximum(union, 1), 1.0)


def topology_matches(predicted: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Per glyph of two (N, S, S) ink stacks (bool, or uint8 with ink above half): the same number of ink pieces and
    of counters."""
    return np.array([topology(p) == topology(t) for p, t in zip(predicted, target)])


def kept_iou(ious: np.ndarray, topology_ok: np.ndarray) -> float:
    """Mean ink IoU counting a glyph whose topology is wrong as 0: a designer redraws such a glyph however well it
    overlaps, so a choice by this figure never buys overlap with strokes run together or counters filled in."""
    return float(np.mean(np.asarray(ious) * np.asarray(topology_ok))) if len(ious) else 0.0


def ink_iou(a: np.ndarray, b: np.ndarray) -> float:
    """Intersection over union of the inked pixels of two images (uint8 or coverage 0..1: ink from half); 1.0 when
    both are blank."""
    return float(ink_ious(a[None], b[None])[0])


def ssim(a: np.ndarray, b: np.ndarray) -> float:
    return float(structural_similarity(a, b, data_range=255))


def l1(a: np.ndarray, b: np.ndarray) -> float:
    """Mean absolute coverage difference, 0 (identical) … 1."""
    return float(np.abs(a.astype(np.float32) - b.astype(np.float32)).mean() / 255)


def _ink(a: np.ndarray) -> np.ndarray:
    return a if a.dtype == bool else a > INK


def pieces(a: np.ndarray) -> int:
    """Connected ink areas (8-connected): a broken stroke or a stray speck changes it where IoU hardly moves."""
    return topology(a)[0]


def counters(a: np.ndarray) -> int:
    """Enclosed background areas (4-connected, the dual of 8-connected ink): 口 has one, 日 two, 田 four. A counter
    that fills in, or strokes that join around a gap, change it."""
    return topology(a)[1]


def topology(a: np.ndarray) -> tuple[int, int]:
    """(pieces, counters), measured once on the inked part of the image with a background border."""
    ink = _ink(a)
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    if not len(rows):
        return 0, 0
    ink = np.pad(ink[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1], 1)
    found = int(label(ink, connectivity=2).max())
    return found, found - int(euler_number(ink, connectivity=2))


@dataclass(frozen=True)
class GlyphScore:
    codepoint: int
    iou: float
    ssim: float
    l1: float
    pieces: int  # generated minus true connected ink areas: > 0 broken or stray ink, < 0 strokes run together
    counters: int = 0  # generated minus true counters: < 0 a counter filled in, > 0 strokes joined around a gap

    @property
    def merged(self) -> bool:
        return self.pieces < 0

    @property
    def broken(self) -> bool:
        return self.pieces > 0

    @property
    def topology_ok(self) -> bool:
        """The designer's topology: as many ink pieces and counters as the real glyph."""
        return self.pieces == 0 and self.counters == 0

    def flags(self) -> str:
        """'' when the topology is right; else M (merged), B (broken) and/or C (counters wrong)."""
        return ("M" if self.merged else "") + ("B" if self.broken else "") + ("C" if self.counters else "")


def score(codepoint: int, generated: np.ndarray, truth: np.ndarray) -> GlyphScore:
    (pieces_made, counters_made), (pieces_true, counters_true) = topology(generated), topology(truth)
    return GlyphScore(codepoint, ink_iou(generated, truth), ssim(generated, truth), l1(generated, truth),
                      pieces_made - pieces_true, counters_made - counters_true)


def summarize(scores: list[GlyphScore]) -> dict:
    """Mean and the weak tail (10th percentile of IoU/SSIM, 90th of L1), and the topology shares: glyphs with more
    (broken strokes, specks) or fewer (strokes run together) pieces than the truth, with other counters, and with
    the truth's topology (same pieces and counters)."""
    iou = np.array([s.iou for s in scores])
    sim = np.array([s.ssim for s in scores])
    err = np.array([s.l1 for s in scores])
    return {"count": len(scores),
            "iou_mean": float(iou.mean()), "iou_p10": float(np.percentile(iou, 10)),
            "ssim_mean": float(sim.mean()), "ssim_p10": float(np.percentile(sim, 10)),
            "l1_mean": float(err.mean()), "l1_p90": float(np.percentile(err, 90)),
            "pieces_more": float(np.mean([s.broken for s in scores])),
            "pieces_fewer": float(np.mean([s.merged for s in scores])),
            "counters_wrong": float(np.mean([s.counters != 0 for s in scores])),
            "topology_ok": float(np.mean([s.topology_ok for s in scores])),
            "kept_iou": kept_iou([s.iou for s in scores], [s.topology_ok for s in scores])}

"""Glyph image metrics: ink IoU, SSIM, L1 and piece count (scikit-image) between renders in the same em-box frame."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from skimage.measure import label
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


def ink_iou(a: np.ndarray, b: np.ndarray) -> float:
    """Intersection over union of the inked pixels of two renders (uint8: ink above half); 1.0 when both are blank."""
    return float(ink_ious(a[None], b[None])[0])


def ssim(a: np.ndarray, b: np.ndarray) -> float:
    return float(structural_similarity(a, b, data_range=255))


def l1(a: np.ndarray, b: np.ndarray) -> float:
    """Mean absolute coverage difference, 0 (identical) … 1."""
    return float(np.abs(a.astype(np.float32) - b.astype(np.float32)).mean() / 255)


def pieces(a: np.ndarray) -> int:
    """Connected ink areas (8-connected): a broken stroke or a stray speck changes it where IoU hardly moves."""
    return int(label(a > INK, connectivity=2).max())


@dataclass(frozen=True)
class GlyphScore:
    codepoint: int
    iou: float
    ssim: float
    l1: float
    pieces: int  # generated minus true connected ink areas: > 0 broken or stray ink, < 0 strokes run together


def score(codepoint: int, generated: np.ndarray, truth: np.ndarray) -> GlyphScore:
    return GlyphScore(codepoint, ink_iou(generated, truth), ssim(generated, truth), l1(generated, truth),
                      pieces(generated) - pieces(truth))


def summarize(scores: list[GlyphScore]) -> dict:
    """Mean and the weak tail (10th percentile of IoU/SSIM, 90th of L1), and the share of glyphs with more
    (broken strokes, specks) or fewer (strokes run together) pieces than the truth."""
    iou = np.array([s.iou for s in scores])
    sim = np.array([s.ssim for s in scores])
    err = np.array([s.l1 for s in scores])
    return {"count": len(scores),
            "iou_mean": float(iou.mean()), "iou_p10": float(np.percentile(iou, 10)),
            "ssim_mean": float(sim.mean()), "ssim_p10": float(np.percentile(sim, 10)),
            "l1_mean": float(err.mean()), "l1_p90": float(np.percentile(err, 90)),
            "pieces_more": float(np.mean([s.pieces > 0 for s in scores])),
            "pieces_fewer": float(np.mean([s.pieces < 0 for s in scores]))}

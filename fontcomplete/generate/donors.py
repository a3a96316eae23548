"""Donor drafts: a character assembled from the target's own drawings of other characters that share its parts.

For a character c, each layout (the whole em box; a left|right or top|bottom cut at one of several positions; a
three-part cut; an enclosure's outer frame and inner box) splits the em box into regions. For each region the donor
is the designer-drawn character whose *source* render best matches c's source render there; its placement (a scale
about the region's centre and a shift) is fitted in the source domain. The draft is the donors' *target* drawings,
placed so and cut to their regions. Its confidence is how well the placed donors' source renders rebuild c's
source render (ink IoU), per layout; the best layout wins. c itself is never its own donor, nor is any character
the caller excludes (held-out, generated ones).
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from dataclasses import dataclass
from itertools import combinations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from scipy.ndimage import affine_transform

from fontcomplete.core.scores import ink_iou
from fontcomplete.core.workers import init_worker

COARSE_SIZE = 32  # px of the renders the donor search compares inside each region
SEARCH_SIZE = 64  # px of the renders donors are searched and placed at (a divisor of the draft size)
CUTS = tuple(np.round(np.arange(0.30, 0.701, 0.05), 2))  # two-part cut positions (fraction of the em box)
THIRDS = tuple(combinations((0.30, 0.40, 0.50, 0.60, 0.70), 2))  # three-part cut positions
ENCLOSURES = {  # inner box (top, left, bottom, right) of an enclosure's outer frame, as fractions of the em box
    "enclose-full": (0.22, 0.22, 0.82, 0.78),  # 囗 門
    "enclose-top-left": (0.30, 0.30, 0.95, 0.95),  # 广 厂 尸
    "enclose-bottom-left": (0.05, 0.32, 0.75, 0.95),  # 辶 廴
    "enclose-top": (0.30, 0.20, 0.95, 0.80),  # 冂 门
}
SCALES = (0.9, 1.0, 1.1)
SHIFT = 4  # px at SEARCH_SIZE each way
CANDIDATES = 3  # donors per region tried with a fitted placement
LAYOUTS_FITTED = 4  # best layouts (by unfitted fit) whose placements are fitted
_SHIFTS = [(dy, dx) for dy in range(SHIFT, -SHIFT - 1, -1) for dx in range(SHIFT, -SHIFT - 1, -1)]
PART_COST = 0.02  # confidence a layout must gain per extra region: every seam risks a broken or misjoined stroke


@dataclass(frozen=True)
class Piece:
    """One region of a draft: the donor character, where it sits, and how well its source render fits there."""

    donor: int
    region: str
    scale: float
    shift: tuple[float, float]  # (dy, dx) as fractions of the em box
    fit: float  # ink IoU of the placed donor's source render with the character's, inside the region


@dataclass(frozen=True)
class Draft:
    codepoint: int
    layout: str
    pieces: tuple[Piece, ...]
    confidence: float  # ink IoU of the assembled donor source renders with the character's source render
    image: np.ndarray  # float32 (S, S) target ink 0..1
    confidence_map: np.ndarray  # float32 (S, S): each piece's fit over its region


def layouts(size: int) -> dict[str, list[np.ndarray]]:
    """Every layout as its region masks (bool (size, size), covering the em box once)."""
    y, x = np.mgrid[0:size, 0:size] / size
    found = {"whole": [np.ones((size, size), bool)]}
    for p in CUTS:
        found[f"left-right@{p:.2f}"] = [x < p, x >= p]
        found[f"top-bottom@{p:.2f}"] = [y < p, y >= p]
    for p, q in THIRDS:
        found[f"three-columns@{p:.2f},{q:.2f}"] = [x < p, (x >= p) & (x < q), x >= q]
        found[f"three-rows@{p:.2f},{q:.2f}"] = [y < p, (y >= p) & (y < q), y >= q]
    for name, (top, left, bottom, right) in ENCLOSURES.items():
        inner = (y >= top) & (y < bottom) & (x >= left) & (x < right)
        found[name] = [~inner, inner]
    return found


class DonorBank:
    """The target's designer-drawn characters with their source and target renders, ready to draft from."""

    def __init__(self, codepoints, sources: np.ndarray, targets: np.ndarray):
        """codepoints (N,), sources and targets uint8 (N, S, S) renders in each font's em box (S: draft size)."""
        self.codepoints = np.asarray(codepoints)
        self.sources, self.targets = sources, targets
        self.size = sources.shape[-1]
        self.small = _shrink(sources, SEARCH_SIZE)  # float32 (N, n, n) in 0..1
        self.masks = layouts(SEARCH_SIZE)
        self.coarse = _shrink(sources, COARSE_SIZE).reshape(len(sources), -1)
        self.flat_masks = np.stack([m.ravel() for parts in layouts(COARSE_SIZE).values() for m in parts]).astype(np.float32)
        self.masked_energy = self.flat_masks @ (self.coarse ** 2).T  # (masks, N): sum over each region of donor ink²

    def draft(self, codepoint: int, source_render: np.ndarray, exclude=()) -> Draft:
        """The best draft of `codepoint` from its source render (uint8 (S, S)); `exclude`: codepoints never used."""
        query = _shrink(source_render[None], SEARCH_SIZE)[0]
        allowed = ~np.isin(self.codepoints, [codepoint, *exclude])
        if not allowed.any():
            raise ValueError("no donor left to draft from")
        distances = self._region_distances(_shrink(source_render[None], COARSE_SIZE)[0], allowed)
        candidates, row = [], 0
        for name, parts in self.masks.items():
            picks = [_nearest(distances[row + i], CANDIDATES) for i in range(len(parts))]
            rough = ink_iou(np.max([self.small[p[0]] * m for p, m in zip(picks, parts)], axis=0), query)
            candidates.append((rough, name, parts, picks))
            row += len(parts)
        best = None
        for _, name, parts, picks in sorted(candidates, key=lambda c: -c[0])[:LAYOUTS_FITTED]:
            placed = [self._place(query, mask, donors) for mask, donors in zip(parts, picks)]
            assembled = np.max([image for image, _ in placed], axis=0)
            confidence = ink_iou(assembled, query)
            if best is None or confidence - PART_COST * len(parts) > best[0] - PART_COST * len(best[2]):
                best = (confidence, name, [piece for _, piece in placed])
        confidence, name, pieces = best
        pieces = [Piece(int(self.codepoints[i]), f"{name}#{k}", scale, shift, fit)
                  for k, (i, scale, shift, fit) in enumerate(pieces)]
        image, confidence_map = self._render(name, pieces)
        return Draft(codepoint, name, tuple(pieces), float(confidence), image, confidence_map)

    def _region_distances(self, query: np.ndarray, allowed: np.ndarray) -> np.ndarray:
        """(masks, N) squared distance between the query and each donor inside each region (inf: not allowed)."""
        q = query.ravel()
        cross = (self.flat_masks * q) @ self.coarse.T
        distances = self.masked_energy - 2 * cross + (self.flat_masks @ q ** 2)[:, None]
        distances[:, ~allowed] = np.inf
        return distances

    def _place(self, query: np.ndarray, mask: np.ndarray, donors) -> tuple[np.ndarray, tuple]:
        """The best of `donors` with its best scale and shift in this region: (placed source ink, (index, scale,
        shift, fit))."""
        centre = np.argwhere(mask).mean(0)
        want = ((query >= 0.5) & mask).ravel().astype(np.float32)
        region = mask.ravel().astype(np.float32)
        best = None
        for index in donors:
            for scale in SCALES:
                scaled = np.pad(_warp(self.small[index], scale, (0.0, 0.0), centre), SHIFT)
                windows = sliding_window_view(scaled >= 0.5, mask.shape)  # window (i, j): _SHIFTS[i * (2 SHIFT + 1) + j]
                ink = windows.reshape(len(_SHIFTS), -1).astype(np.float32)
                inter = (ink @ want).astype(np.float64)  # pixel counts as matrix products: exact integers
                union = (ink @ region).astype(np.float64) + float(want.sum()) - inter
                fits = np.where(union > 0, inter / np.maximum(union, 1), 1.0)
                k = int(np.argmax(fits))
                if best is None or fits[k] > best[1][3]:
                    dy, dx = _SHIFTS[k]
                    placed = sliding_window_view(scaled, mask.shape)[k // (2 * SHIFT + 1), k % (2 * SHIFT + 1)] * mask
                    best = (placed, (int(index), scale, (dy / SEARCH_SIZE, dx / SEARCH_SIZE), float(fits[k])))
        return best

    def _render(self, layout: str, pieces: list[Piece]) -> tuple[np.ndarray, np.ndarray]:
        """The pieces' target drawings placed and cut to their regions at the bank's size, and the fit map."""
        masks = layouts(self.size)[layout]
        image = np.zeros((self.size, self.size), np.float32)
        confidence = np.zeros_like(image)
        index_of = {int(c): i for i, c in enumerate(self.codepoints)}
        for piece, mask in zip(pieces, masks):
            centre = np.argwhere(mask).mean(0)
            target = self.targets[index_of[piece.donor]].astype(np.float32) / 255
            shift = (piece.shift[0] * self.size, piece.shift[1] * self.size)
            image = np.maximum(image, np.clip(_warp(target, piece.scale, shift, centre), 0, 1) * mask)
            confidence[mask] = piece.fit
        return image, confidence


_WORK: tuple | None = None  # (bank, codepoints, renders, keep) a forked drafting worker reads


def map_drafts(bank: DonorBank, codepoints, renders: np.ndarray, keep: Callable[[Draft], object],
               workers: int = 1) -> list:
    """keep(bank.draft(c, render)) for each codepoint and its source render, in order; in `workers` forked
    processes when there are many (each inherits the bank, nothing large is pickled). A codepoint in the bank never
    drafts from itself; -1 stands for a character the bank lacks. On Ctrl-C the workers stop at once."""
    global _WORK
    codepoints = [int(c) for c in codepoints]
    if workers <= 1 or len(codepoints) <= 64 or "fork" not in multiprocessing.get_all_start_methods():
        return [keep(bank.draft(c, r)) for c, r in zip(codepoints, renders)]
    _WORK = (bank, codepoints, renders, keep)
    try:
        chunks = [chunk for chunk in np.array_split(np.arange(len(codepoints)), workers * 4) if len(chunk)]
        with multiprocessing.get_context("fork").Pool(workers, init_worker, (os.getpid(),)) as pool:
            return [result for part in pool.map(_draft_chunk, chunks) for result in part]  # leaving: terminate()
    finally:
        _WORK = None


def _draft_chunk(indices: np.ndarray) -> list:
    bank, codepoints, renders, keep = _WORK
    return [keep(bank.draft(codepoints[i], renders[i])) for i in indices]


def _nearest(distances: np.ndarray, count: int) -> np.ndarray:
    """Indices of the `count` smallest distances, smallest first."""
    count = min(count, len(distances))
    nearest = np.argpartition(distances, count - 1)[:count]
    return nearest[np.argsort(distances[nearest], kind="stable")]


def _shrink(images: np.ndarray, size: int) -> np.ndarray:
    """uint8 (N, S, S) → float32 (N, size, size) coverage by block means (S a multiple of size) or sampling."""
    images = images.astype(np.float32) / 255
    n, s = len(images), images.shape[-1]
    if s % size == 0:
        k = s // size
        return images.reshape(n, size, k, size, k).mean(axis=(2, 4))
    return np.stack([_warp(image, size / s, (0.0, 0.0), np.zeros(2), out=size) for image in images])


def _warp(image: np.ndarray, scale: float, shift: tuple[float, float], centre: np.ndarray,
          out: int | None = None) -> np.ndarray:
    """The image scaled by `scale` about `centre` (row, col) and shifted by `shift` px (linear interpolation)."""
    size = out or image.shape[0]
    offset = np.asarray(centre) - (np.asarray(centre) + np.asarray(shift)) / scale
    return affine_transform(image, np.full(2, 1 / scale), offset=offset, output_shape=(size, size), order=1)

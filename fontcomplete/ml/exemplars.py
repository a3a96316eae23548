"""Exemplars: for each glyph to generate, the target's own glyphs of the k characters whose source renders are closest."""

from __future__ import annotations

import hashlib
import itertools

import numpy as np
import torch
import torch.nn.functional as F

from fontcomplete.core.errors import FontcompleteError

POOL = 4  # similarity is measured on renders average-pooled 4× (128 px → 32 px)
SAME = 0.9999  # cosine at or above which two source renders count as the same drawing
HALVES = ("left", "right", "top", "bottom")  # exemplar i is a nearest neighbour by half i % 4


def _half_masks(side: int) -> torch.Tensor:
    masks = torch.zeros(len(HALVES), side, side)
    masks[0, :, : side // 2] = masks[1, :, side // 2:] = 1
    masks[2, : side // 2] = masks[3, side // 2:] = 1
    return masks


def _pooled(renders: np.ndarray) -> torch.Tensor:
    x = torch.from_numpy(np.ascontiguousarray(renders)).unsqueeze(1).float().div_(255)
    return F.avg_pool2d(x, POOL)[:, 0]


def _whole(pooled: torch.Tensor) -> torch.Tensor:
    """(N, D) unit vectors of the whole pooled drawing: cosine similarity is a dot product."""
    return F.normalize(pooled.flatten(1), dim=1)


def _halves(pooled: torch.Tensor) -> torch.Tensor:
    """(4, N, D) unit vectors of the pooled ink of each half."""
    halves = pooled[None] * _half_masks(pooled.shape[-1])[:, None]
    return F.normalize(halves.flatten(2), dim=2)


class ExemplarBank:
    """Pairs (source render, target render) of characters the target has; looks up neighbours by source similarity.

    A generator with k exemplars sees, beside the source glyph, the source and target renders of k characters of
    the bank: the nearest by the left half of the source drawing, then by the right, top and bottom halves (then the
    second nearest by each half, ...). Most ideographs are built left-right or top-bottom, so these tend to share a
    component with the glyph, in the same place, and show how the target draws it.
    """

    def __init__(self, sources: np.ndarray, targets: np.ndarray, k: int, style_ids: np.ndarray | None = None):
        if len(sources) != len(targets):
            raise ValueError("a bank needs as many target renders as source renders")
        self.style_ids = np.zeros(len(sources), np.int64) if style_ids is None else np.asarray(style_ids, np.int64)
        fewest = np.unique(self.style_ids, return_counts=True)[1].min() if len(sources) else 0
        if fewest <= k:
            raise FontcompleteError(f"{fewest} characters of the target are too few to give {k} exemplars each")
        self.sources, self.targets, self.k, self.fewest = sources, targets, k, int(fewest)
        pooled = _pooled(sources)
        self._halves, self._whole = _halves(pooled), _whole(pooled)

    def neighbours(self, renders: np.ndarray, style_ids: np.ndarray | None = None, *, in_bank: bool = False,
                   ranks: tuple[int, ...] | None = None) -> np.ndarray:
        """int64 (N, k) bank indices of the same style: the nearest by the left, right, top, bottom half in turn.

        in_bank=True means the renders are the bank itself (training): a character never has itself, nor a
        character with an identical source drawing, as an exemplar. `ranks` picks which neighbours of each half
        fill the k slots (default 0, 1, …: the nearest, then the second nearest, …; see rank_sets).
        """
        ranks = self._checked(ranks)
        return self.pick(self.ranked(renders, style_ids, max(ranks) + 1, in_bank=in_bank), ranks)

    def ranked(self, renders: np.ndarray, style_ids: np.ndarray | None, depth: int, *, in_bank: bool = False,
               chunk: int = 1024) -> np.ndarray:
        """int64 (N, depth, 4): bank indices of the `depth` nearest same-style characters by each half, nearest first."""
        if depth >= self.fewest:
            raise FontcompleteError(f"{self.fewest} characters of the target are too few to give neighbour "
                                    f"rank {depth} of each half")
        styles = np.zeros(len(renders), np.int64) if style_ids is None else np.asarray(style_ids, np.int64)
        bank_styles = torch.from_numpy(self.style_ids)
        out = np.empty((len(renders), depth, len(HALVES)), np.int64)
        for start in range(0, len(renders), chunk):
            pooled = _pooled(renders[start:start + chunk])
            similarity = _halves(pooled) @ self._halves.transpose(1, 2)  # (4, n, bank)
            excluded = torch.from_numpy(styles[start:start + chunk])[:, None] != bank_styles[None, :]
            if in_bank:  # the same drawing as a whole: the character itself or a compatibility twin
                excluded |= _whole(pooled) @ self._whole.t() >= SAME
            similarity[:, excluded] = -3.0
            out[start:start + len(pooled)] = similarity.topk(depth, dim=2).indices.permute(1, 2, 0).numpy()
        return out

    def pick(self, ranked: np.ndarray, ranks: tuple[int, ...] | None = None) -> np.ndarray:
        """int64 (N, k) exemplar indices from `ranked` output: left, right, top, bottom at ranks[0], then ranks[1] …"""
        ranks = self._checked(ranks)
        return ranked[:, list(ranks)].reshape(len(ranked), len(ranks) * len(HALVES))[:, :self.k]

    def _checked(self, ranks: tuple[int, ...] | None) -> tuple[int, ...]:
        per_half = -(-self.k // len(HALVES))
        ranks = tuple(range(per_half)) if ranks is None else tuple(ranks)
        if len(ranks) != per_half or min(ranks) < 0:
            raise ValueError(f"{self.k} exemplars take {per_half} neighbour ranks per half, not {ranks}")
        return ranks

    def inputs(self, renders: np.ndarray, style_ids: np.ndarray | None = None) -> np.ndarray:
        """uint8 (N, 1+2k, S, S) generator inputs: each source render followed by its exemplars' channels."""
        return self.inputs_per_set(renders, style_ids, (self._checked(None),))[0]

    def inputs_per_set(self, renders: np.ndarray, style_ids: np.ndarray | None,
                       sets: tuple[tuple[int, ...], ...]) -> list[np.ndarray]:
        """inputs() for each exemplar rank set in `sets` (see rank_sets), neighbours searched once."""
        per_set = self.neighbour_sets(renders, style_ids, sets)
        return [np.concatenate([renders[:, None], self.channels(per_set[:, i])], 1) for i in range(len(sets))]

    def neighbour_sets(self, renders: np.ndarray, style_ids: np.ndarray | None, sets: tuple[tuple[int, ...], ...],
                       *, in_bank: bool = False) -> np.ndarray:
        """int64 (N, len(sets), k): neighbours() for each exemplar rank set in `sets`, neighbours searched once."""
        ranked = self.ranked(renders, style_ids, max(max(ranks) for ranks in sets) + 1, in_bank=in_bank)
        return np.stack([self.pick(ranked, ranks) for ranks in sets], 1)

    def channels(self, indices: np.ndarray) -> np.ndarray:
        """uint8 (N, 2k, S, S): for each row of neighbour indices, exemplar source then target, nearest first."""
        n, size = len(indices), self.sources.shape[-1]
        out = np.empty((n, 2 * self.k, size, size), np.uint8)
        out[:, 0::2] = self.sources[indices]
        out[:, 1::2] = self.targets[indices]
        return out


def rank_sets(k: int, count: int) -> tuple[tuple[int, ...], ...]:
    """The neighbour ranks (per half) of `count` different exemplar sets for a k-exemplar generator, best first.

    The first set is what training shows the generator (ranks 0, 1, …). The next ones skip nearer neighbours,
    fewest skipped first, keeping each half's neighbours nearest first as in training: for k = 8 (two per half)
    (0, 1), (0, 2), (0, 3), (1, 2), (0, 4).
    """
    per_half = -(-k // len(HALVES))
    candidates = itertools.combinations(range(per_half + count), per_half)
    return tuple(sorted(candidates, key=lambda ranks: (sum(ranks), ranks))[:count])


def target_renders(source, target, codepoints, size: int, cache_dir=None) -> tuple[np.ndarray, ...]:
    """(codepoints, source renders, target renders) of a target's glyphs for `codepoints` (characters the designer
    drew, that the source also has) at `size` in each font's em box; glyphs without ink are left out."""
    from fontcomplete.ml.data import render_cached

    codes = np.array(sorted(c for c in set(codepoints) if c in source.cmap and c in target.cmap), np.int64)
    sources = render_cached(source, [source.cmap[c] for c in codes], size, cache_dir)
    targets = render_cached(target, [target.cmap[c] for c in codes], size, cache_dir)
    inked = (sources.reshape(len(codes), -1).max(1) > 0) & (targets.reshape(len(codes), -1).max(1) > 0)
    return codes[inked], sources[inked], targets[inked]


def renders_digest(sources: np.ndarray, targets: np.ndarray) -> str:
    """12 hex digits identifying a set of the target's renders (part of the generated glyphs' provenance and cache
    keys)."""
    digest = hashlib.sha256(sources.tobytes())
    digest.update(targets.tobytes())
    return digest.hexdigest()[:12]


def bank_digest(bank: ExemplarBank) -> str:
    return renders_digest(bank.sources, bank.targets)

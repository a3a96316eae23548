"""Donor drafts as generator input: two channels (draft ink, confidence map) beside the source render."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from fontcomplete.cache import Cache
from fontcomplete.donors import DonorBank, Draft, map_drafts

CACHE_VERSION = 1


def draft_channels(bank: DonorBank, codepoints, renders: np.ndarray, workers: int = 1) -> np.ndarray:
    """uint8 (N, 2, S, S): for each source render, its draft's ink and confidence map (255 = 1). A codepoint that is
    in the bank never drafts from itself (training: leave-one-out); pass -1 for a character the bank lacks."""
    if not len(renders):
        return np.empty((0, 2, *renders.shape[1:]), np.uint8)
    return np.stack(map_drafts(bank, codepoints, renders, _channels, workers))


def _channels(draft: Draft) -> np.ndarray:
    return np.stack([np.rint(np.clip(draft.image, 0, 1) * 255), np.rint(draft.confidence_map * 255)]).astype(np.uint8)


def cached_draft_channels(bank: DonorBank, codepoints, renders: np.ndarray, cache_dir: Path | None,
                          workers: int = 1) -> np.ndarray:
    """draft_channels, cached in `cache_dir` (None: not cached) by the bank's and the queries' content."""
    digest = hashlib.sha256()
    for array in (bank.codepoints, bank.sources, bank.targets, np.asarray(codepoints, np.int64), renders):
        digest.update(np.ascontiguousarray(array).tobytes())
    return Cache(cache_dir).array("drafts", [CACHE_VERSION, digest.hexdigest()],
                                  lambda: draft_channels(bank, codepoints, renders, workers))

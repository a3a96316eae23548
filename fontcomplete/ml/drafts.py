"""Donor drafts as generator input: two channels (draft ink, confidence map) beside the source render."""

from __future__ import annotations

import hashlib
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

from fontcomplete.donors import DonorBank
from fontcomplete.ml.data import write_npz_atomic

CACHE_VERSION = 1
_BANK: DonorBank | None = None  # the bank a forked worker drafts from


def draft_channels(bank: DonorBank, codepoints, renders: np.ndarray, workers: int = 1) -> np.ndarray:
    """uint8 (N, 2, S, S): for each source render, its draft's ink and confidence map (255 = 1). A codepoint that is
    in the bank never drafts from itself (training: leave-one-out); pass -1 for a character the bank lacks."""
    codepoints = [int(c) for c in codepoints]
    if workers > 1 and len(codepoints) > 64 and "fork" in multiprocessing.get_all_start_methods():
        global _BANK
        _BANK = bank
        chunks = np.array_split(np.arange(len(codepoints)), workers * 4)
        jobs = [([codepoints[i] for i in chunk], renders[chunk]) for chunk in chunks if len(chunk)]
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            return np.concatenate(list(pool.map(_draft_chunk, jobs)))
    return _channels(bank, codepoints, renders)


def _draft_chunk(job) -> np.ndarray:
    return _channels(_BANK, *job)


def _channels(bank: DonorBank, codepoints: list[int], renders: np.ndarray) -> np.ndarray:
    out = np.empty((len(codepoints), 2, *renders.shape[1:]), np.uint8)
    for i, (codepoint, render) in enumerate(zip(codepoints, renders)):
        draft = bank.draft(codepoint, render)
        out[i, 0] = np.rint(np.clip(draft.image, 0, 1) * 255)
        out[i, 1] = np.rint(draft.confidence_map * 255)
    return out


def cached_draft_channels(bank: DonorBank, codepoints, renders: np.ndarray, cache_dir: Path | None,
                          workers: int = 1) -> np.ndarray:
    """draft_channels, stored as .npz keyed by the bank's and the queries' content."""
    if cache_dir is None:
        return draft_channels(bank, codepoints, renders, workers)
    digest = hashlib.sha256(f"drafts{CACHE_VERSION}".encode())
    for array in (bank.codepoints, bank.sources, bank.targets, np.asarray(codepoints, np.int64), renders):
        digest.update(np.ascontiguousarray(array).tobytes())
    path = Path(cache_dir) / f"drafts-{digest.hexdigest()[:32]}.npz"
    if path.exists():
        try:
            with np.load(path, allow_pickle=False) as stored:
                return stored["channels"]
        except (OSError, ValueError, KeyError):
            pass  # a damaged entry is drafted again
    channels = draft_channels(bank, codepoints, renders, workers)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_npz_atomic(path, channels=channels)
    return channels


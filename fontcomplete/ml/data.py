"""Training pairs (source glyph → target glyph) rendered once into uint8 arrays, cached on disk, split off held-out chars."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from fontcomplete.core.errors import FontcompleteError
from fontcomplete.generate import cache
from fontcomplete.ml.augment import shift_generator, shift_together

RENDER_CACHE_VERSION = 1  # bump when raster.render changes its output


@dataclass
class PairSet:
    """N pairs in the em-box frame: uint8 images (255 = ink), codepoints and style (target) ids."""

    codepoints: np.ndarray  # int64 (N,)
    style_ids: np.ndarray  # int64 (N,)
    sources: np.ndarray  # uint8 (N, S, S)
    targets: np.ndarray  # uint8 (N, S, S)

    def __len__(self) -> int:
        return len(self.codepoints)

    def select(self, keep: np.ndarray) -> PairSet:
        return PairSet(self.codepoints[keep], self.style_ids[keep], self.sources[keep], self.targets[keep])

    @staticmethod
    def concat(parts: list[PairSet], size: int) -> PairSet:
        if not parts:
            empty = np.zeros((0, size, size), np.uint8)
            return PairSet(np.zeros(0, np.int64), np.zeros(0, np.int64), empty, empty.copy())
        return PairSet(*(np.concatenate([getattr(p, f) for p in parts])
                         for f in ("codepoints", "style_ids", "sources", "targets")))


def default_cache_dir() -> Path:
    """fontcomplete's cache directory (cache.default_cache_dir): renders and drafts beside the outlines."""
    return cache.default_cache_dir()


def render_cached(font, glyph_names: list[str], size: int, cache_dir: Path | None) -> np.ndarray:
    """render_many(font, glyph_names, size), cached in `cache_dir` (None: not cached) by font fingerprint, frame,
    size and glyph list."""
    from fontcomplete.fonts.raster import render_many

    key = [RENDER_CACHE_VERSION, font.fingerprint, font.frame.to_dict(), size, list(glyph_names)]
    return cache.Cache(cache_dir).array("renders", key, lambda: render_many(font, glyph_names, size))


def build_pairs(source, targets: list, size: int, cache_dir: Path | None, only: set[int] | None = None) -> PairSet:
    """Every codepoint both fonts map (and `only` allows), per target (style id = its position); blanks dropped."""
    parts = []
    for style_id, target in enumerate(targets):
        shared = set(source.cmap) & set(target.cmap)
        codepoints = sorted(shared if only is None else shared & only)
        if not codepoints:
            raise FontcompleteError(f"{target.label} and {source.label} share no characters to train on")
        sources = render_cached(source, [source.cmap[c] for c in codepoints], size, cache_dir)
        rendered = render_cached(target, [target.cmap[c] for c in codepoints], size, cache_dir)
        inked = (sources.reshape(len(codepoints), -1).max(1) > 0) & (rendered.reshape(len(codepoints), -1).max(1) > 0)
        codes = np.asarray(codepoints, np.int64)
        parts.append(PairSet(codes, np.full(len(codes), style_id, np.int64), sources, rendered).select(inked))
    return PairSet.concat(parts, size)


def split_holdout(pairs: PairSet, holdout: set[int] | None, fraction: float, seed: int) -> tuple[PairSet, PairSet]:
    """(train, held-out): the held-out chars are the given set, else a seeded fraction of the distinct codepoints."""
    distinct = np.unique(pairs.codepoints)
    if holdout is None:
        rng = np.random.default_rng(seed)
        count = int(round(fraction * len(distinct)))
        holdout = set(rng.choice(distinct, size=count, replace=False).tolist()) if count else set()
    held = np.isin(pairs.codepoints, np.fromiter(holdout, np.int64, len(holdout)))
    return pairs.select(~held), pairs.select(held)


def interleave_styles(pairs: PairSet) -> PairSet:
    """Reorder so that styles alternate: the first k pairs (scored and sampled in training) cover every style."""
    rank = np.zeros(len(pairs), np.int64)
    for style in np.unique(pairs.style_ids):
        members = np.nonzero(pairs.style_ids == style)[0]
        rank[members] = np.arange(len(members))
    return pairs.select(np.lexsort((pairs.style_ids, rank)))


def drop_duplicates_of(train: PairSet, held: PairSet) -> PairSet:
    """Remove training pairs whose target image equals a held-out one (e.g. compatibility ideographs)."""
    if not len(held):
        return train
    seen = {(int(s), hashlib.sha1(t.tobytes()).digest()) for s, t in zip(held.style_ids, held.targets)}
    keep = np.array([(int(s), hashlib.sha1(t.tobytes()).digest()) not in seen
                     for s, t in zip(train.style_ids, train.targets)], dtype=bool)
    return train.select(keep)


def write_charset(path: Path, codepoints) -> None:
    """One character per line with its U+ code (readable by fontcomplete.core.charsets.read_charset_file)."""
    lines = [f"{chr(c)}  # U+{c:04X}" for c in sorted(set(int(c) for c in codepoints))]
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")


class Batches:
    """Seeded, resumable batches from in-memory uint8 tensors: batch k of a run is a pure function of (seed, k)."""

    def __init__(self, pairs: PairSet, batch_size: int, seed: int, jitter: int = 0, rank: int = 0, world: int = 1,
                 exemplars: tuple | None = None):
        """exemplars: (ExemplarBank, int64 (N, k) neighbour indices of each pair) adds 2k input channels."""
        self.exemplars = exemplars
        self.sources = torch.from_numpy(pairs.sources)
        self.targets = torch.from_numpy(pairs.targets)
        self.style_ids = torch.from_numpy(pairs.style_ids)
        self.batch_size, self.seed, self.jitter, self.rank, self.world = batch_size, seed, jitter, rank, world
        self.per_rank = len(pairs) // world
        self.steps_per_epoch = max(self.per_rank // batch_size, 1)
        if self.per_rank < batch_size:
            raise FontcompleteError(f"only {len(pairs)} training pairs for batch size {batch_size} x {world} processes")
        self._epoch, self._order = -1, None

    def indices(self, step: int) -> torch.Tensor:
        epoch, offset = divmod(step, self.steps_per_epoch)
        if epoch != self._epoch:
            generator = torch.Generator().manual_seed(self.seed * 1_000_003 + epoch)
            order = torch.randperm(len(self.sources), generator=generator)
            self._epoch, self._order = epoch, order[self.rank: self.per_rank * self.world: self.world]
        return self._order[offset * self.batch_size:(offset + 1) * self.batch_size]

    def get(self, step: int, device: torch.device) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """(input ink (B,1+2k+C,S,S), target ink (B,1,S,S)) float in 0..1 and style ids (B,) on `device`."""
        index = self.indices(step)
        source, target = self.sources[index].unsqueeze(1), self.targets[index].unsqueeze(1)
        if self.exemplars is not None:
            bank, neighbours = self.exemplars
            source = torch.cat([source, torch.from_numpy(bank.channels(neighbours[index.numpy()]))], 1)
        if self.jitter:
            source, target = shift_together(shift_generator(self.seed, step, self.rank), self.jitter, source, target)
        non_blocking = device.type == "cuda"
        source = source.to(device, non_blocking=non_blocking).float().div_(255)
        target = target.to(device, non_blocking=non_blocking).float().div_(255)
        return source, target, self.style_ids[index].to(device)

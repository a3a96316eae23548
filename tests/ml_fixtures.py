"""Tiny configs and synthetic glyph pairs for the ML tests (one torch thread, seconds per test)."""

from __future__ import annotations

import dataclasses

import numpy as np
import torch

from fontcomplete.ml.config import DiscriminatorConfig, GeneratorConfig, LossConfig, TrainConfig

torch.set_num_threads(1)


def tiny_config(**changes) -> TrainConfig:
    """128 px, ngf 4, ndf 4, adversarial terms from the first step, D every step, no warm-up."""
    config = TrainConfig(
        image_size=128,
        generator=GeneratorConfig(ngf=4, embedding_dim=8, attention_sizes=(16,)),
        discriminator=DiscriminatorConfig(ndf=4),
        loss=LossConfig(const=15.0, contrastive=0.5),
        batch_size=4, lr=1e-3, d_lr=1e-3, lr_floor=1e-4, warmup_steps=0, steps=4, log_every=2,
        eval_count=4, sample_count=4, channels_last=False,
    )
    return dataclasses.replace(config, **changes)


def synthetic_pairs(count: int = 24, size: int = 128, styles: int = 1, seed: int = 0):
    """Random rectangles as sources; targets are the same rectangles grown by 2 px (a learnable 'style')."""
    from fontcomplete.ml.data import PairSet

    rng = np.random.default_rng(seed)
    sources = np.zeros((count, size, size), np.uint8)
    targets = np.zeros_like(sources)
    for i in range(count):
        y0, x0 = rng.integers(10, size // 2, 2)
        y1, x1 = y0 + rng.integers(10, size // 2 - 5), x0 + rng.integers(10, size // 2 - 5)
        sources[i, y0:y1, x0:x1] = 255
        targets[i, y0 - 2:y1 + 2, x0 - 2:x1 + 2] = 255
    codepoints = np.arange(0x4E00, 0x4E00 + count, dtype=np.int64)
    return PairSet(codepoints, np.arange(count, dtype=np.int64) % styles, sources, targets)

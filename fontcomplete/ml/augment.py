"""Training augmentation of a batch: whole-pixel shifts, the same for source and target, drawn from (seed, step)."""

from __future__ import annotations

import torch


def shift_generator(seed: int, step: int, rank: int) -> torch.Generator:
    """A generator that is a pure function of (seed, step, rank), so a resumed run draws the same shifts."""
    return torch.Generator().manual_seed(seed * 7_919 + step * 31 + rank)


def shift_together(generator: torch.Generator, jitter: int, *stacks: torch.Tensor) -> tuple[torch.Tensor, ...]:
    """Shift sample i of every (B,C,S,S) stack by the same random (dy, dx) in [-jitter, jitter] px, filling with
    background.

    Whole pixels, so the ink is not resampled (torchvision's RandomAffine would soften it and draw from the global
    generator)."""
    j = jitter
    shifts = torch.randint(-j, j + 1, (len(stacks[0]), 2), generator=generator)
    size = stacks[0].shape[-1]

    def shifted(stack: torch.Tensor) -> torch.Tensor:
        padded = torch.nn.functional.pad(stack, (j, j, j, j))
        return torch.stack([padded[i, :, j - dy: j - dy + size, j - dx: j - dx + size]
                            for i, (dy, dx) in enumerate(shifts.tolist())])
    return tuple(shifted(stack) for stack in stacks)

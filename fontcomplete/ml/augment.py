"""Training augmentations of a batch, drawn from (seed, step): whole-pixel shifts and mixed character parts."""

from __future__ import annotations

import torch

MIX_WINDOW = (0.3, 0.7)  # where a mixed pair's cut may fall, as a share of the image side


def step_generator(seed: int, step: int, rank: int, salt: int) -> torch.Generator:
    """A generator that is a pure function of (seed, step, rank), so a resumed run draws the same augmentations."""
    return torch.Generator().manual_seed(seed * 7_919 + step * 31 + rank + salt * 1_000_003)


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


def mix_parts(generator: torch.Generator, share: float, style_ids: torch.Tensor, source: torch.Tensor,
              target: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Join one side of a share of the samples to the other side of their batch neighbour's glyph, in source and
    target alike: new characters made of parts the font draws (left of one, right of another; or top and bottom).

    Each mixed sample is cut where the four glyphs carry the least ink inside the middle of the image (a radical's
    gap, as far as there is one), across or down at random. source: (B,C,S,S) with every channel aligned with the
    glyph (exemplars excluded); target: (B,1,S,S). A neighbour of another style is never a partner."""
    count = len(source)
    partner = torch.roll(torch.arange(count), -1)
    chosen = (torch.rand(count, generator=generator) < share) & (style_ids == style_ids[partner])
    across = torch.rand(count, generator=generator) < 0.5
    if count < 2 or not chosen.any():
        return source, target
    mixed_source, mixed_target = source.clone(), target.clone()
    size = source.shape[-1]
    low, high = (round(edge * size) for edge in MIX_WINDOW)
    for i in torch.nonzero(chosen).flatten().tolist():
        j = int(partner[i])
        axis = -1 if across[i] else -2  # a cut across the columns (left | right) or across the rows (top / bottom)
        ink = (source[i, 0].float() + source[j, 0].float() + target[i, 0].float() + target[j, 0].float())
        profile = ink.sum(dim=-2 if axis == -1 else -1)[low:high]
        cut = low + int(torch.argmin(profile))
        for mixed, original in ((mixed_source, source), (mixed_target, target)):
            mixed[i].narrow(axis, cut, size - cut).copy_(original[j].narrow(axis, cut, size - cut))
    return mixed_source, mixed_target


def stretch_together(generator: torch.Generator, amount: float, *stacks: torch.Tensor) -> tuple[torch.Tensor, ...]:
    """Scale sample i of every (B,C,S,S) uint8 stack by the same random factors across and down, each in
    [1 - amount, 1 + amount], about the image centre (bilinear): a part drawn narrower or taller than the font
    drew it, as it is in other characters."""
    count = len(stacks[0])
    factors = 1 + (torch.rand(count, 2, generator=generator) * 2 - 1) * amount
    theta = torch.zeros(count, 2, 3)
    theta[:, 0, 0], theta[:, 1, 1] = 1 / factors[:, 0], 1 / factors[:, 1]

    def stretched(stack: torch.Tensor) -> torch.Tensor:
        grid = torch.nn.functional.affine_grid(theta, list(stack.shape), align_corners=False)
        ink = torch.nn.functional.grid_sample(stack.float(), grid, mode="bilinear", align_corners=False)
        return ink.round_().clamp_(0, 255).to(stack.dtype)
    return tuple(stretched(stack) for stack in stacks)

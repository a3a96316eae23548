"""Discriminator and generator losses (zi2zi's terms, BCE-with-logits everywhere a logit meets a label)."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from fontcomplete.ml.config import LossConfig


def one_hot(style_ids: torch.Tensor, num_styles: int, dtype: torch.dtype) -> torch.Tensor:
    return F.one_hot(style_ids, num_styles).to(dtype)


def discriminator_loss(config: LossConfig, real_binary, real_category, fake_binary, fake_category,
                       style_ids) -> tuple[torch.Tensor, dict[str, float]]:
    """lambda_binary·BCE(real→1, fake→0) + lambda_category·BCE(category one-hot), real and fake averaged."""
    target = one_hot(style_ids, real_category.shape[1], real_category.dtype)
    binary = 0.5 * (F.binary_cross_entropy_with_logits(real_binary, torch.ones_like(real_binary))
                    + F.binary_cross_entropy_with_logits(fake_binary, torch.zeros_like(fake_binary)))
    category = 0.5 * (F.binary_cross_entropy_with_logits(real_category, target)
                      + F.binary_cross_entropy_with_logits(fake_category, target))
    total = config.d_binary * binary + config.d_category * category
    return total, {"d_binary": binary.detach(), "d_category": category.detach()}


def nt_xent(a: torch.Tensor, b: torch.Tensor, temperature: float) -> torch.Tensor:
    """Symmetric NT-Xent: row i of a and row i of b are positives; every other row of either is a negative."""
    z = F.normalize(torch.cat([a.flatten(1), b.flatten(1)]).float(), dim=1)
    n = a.shape[0]
    logits = z @ z.t() / temperature
    logits.fill_diagonal_(float("-inf"))
    targets = torch.cat([torch.arange(n, 2 * n), torch.arange(0, n)]).to(logits.device)
    return F.cross_entropy(logits, targets)


def soft_erode(ink: torch.Tensor) -> torch.Tensor:
    """Grey-level erosion of (N, 1, H, W) ink by a 3 px cross."""
    across = -F.max_pool2d(-ink, (1, 3), 1, (0, 1))
    down = -F.max_pool2d(-ink, (3, 1), 1, (1, 0))
    return torch.minimum(across, down)


def soft_open(ink: torch.Tensor) -> torch.Tensor:
    return F.max_pool2d(soft_erode(ink), 3, 1, 1)


def soft_skeleton(ink: torch.Tensor, iterations: int) -> torch.Tensor:
    """Differentiable skeleton of (N, 1, H, W) ink in 0..1 (Shit et al., clDice, CVPR 2021): what each of
    `iterations` erosions removes that an opening would not restore."""
    skeleton = F.relu(ink - soft_open(ink))
    for _ in range(iterations):
        ink = soft_erode(ink)
        delta = F.relu(ink - soft_open(ink))
        skeleton = skeleton + F.relu(delta - skeleton * delta)
    return skeleton


def cldice(fake: torch.Tensor, target: torch.Tensor, iterations: int, smooth: float = 1.0) -> torch.Tensor:
    """Mean over the batch of 1 − clDice: the harmonic mean of the share of the generated skeleton inside the target's
    ink (a bridge between two strokes lies outside it) and of the target's skeleton inside the generated ink (a
    broken stroke leaves it uncovered)."""
    fake, target = fake.float(), target.float()
    fake_skeleton, target_skeleton = soft_skeleton(fake, iterations), soft_skeleton(target, iterations)
    precision = ((fake_skeleton * target).sum((1, 2, 3)) + smooth) / (fake_skeleton.sum((1, 2, 3)) + smooth)
    sensitivity = ((target_skeleton * fake).sum((1, 2, 3)) + smooth) / (target_skeleton.sum((1, 2, 3)) + smooth)
    return (1 - 2 * precision * sensitivity / (precision + sensitivity)).mean()


def generator_loss(config: LossConfig, fake, target, *, source_encoding=None, fake_encoding=None,
                   target_encoding=None, fake_binary=None, fake_category=None,
                   style_ids=None) -> tuple[torch.Tensor, dict[str, float]]:
    """Weighted sum of the terms whose inputs are given (None or a zero weight skips a term)."""
    terms: dict[str, torch.Tensor] = {}
    if config.l1:
        terms["l1"] = config.l1 * F.l1_loss(fake.float(), target.float())
    if config.cldice:
        terms["cldice"] = config.cldice * cldice(fake, target, config.cldice_iters)
    if config.const and fake_encoding is not None:
        terms["const"] = config.const * F.mse_loss(fake_encoding.float(), source_encoding.float())
    if config.cheat and fake_binary is not None:
        terms["cheat"] = config.cheat * F.binary_cross_entropy_with_logits(
            fake_binary.float(), torch.ones_like(fake_binary, dtype=torch.float32))
    if config.category and fake_category is not None:
        terms["category"] = config.category * F.binary_cross_entropy_with_logits(
            fake_category.float(), one_hot(style_ids, fake_category.shape[1], torch.float32))
    if config.contrastive and target_encoding is not None:
        terms["contrastive"] = config.contrastive * nt_xent(fake_encoding, target_encoding, config.temperature)
    total = sum(terms.values()) if terms else fake.sum() * 0
    return total, {name: value.detach() for name, value in terms.items()}

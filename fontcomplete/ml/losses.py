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


def generator_loss(config: LossConfig, fake, target, *, source_encoding=None, fake_encoding=None,
                   target_encoding=None, fake_binary=None, fake_category=None,
                   style_ids=None) -> tuple[torch.Tensor, dict[str, float]]:
    """Weighted sum of the terms whose inputs are given (None or a zero weight skips a term)."""
    terms: dict[str, torch.Tensor] = {}
    if config.l1:
        terms["l1"] = config.l1 * F.l1_loss(fake.float(), target.float())
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

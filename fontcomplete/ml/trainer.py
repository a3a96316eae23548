"""One GAN training step (D then G), the LR schedule, and the trainer's resumable state."""

from __future__ import annotations

import contextlib
import math

import torch
from torch import nn
from torch.optim.swa_utils import AveragedModel, get_ema_multi_avg_fn

from fontcomplete.ml.config import TrainConfig
from fontcomplete.ml.losses import discriminator_loss, generator_loss
from fontcomplete.ml.networks import Discriminator, Generator


def lr_factor(config: TrainConfig, step: int, progress: float) -> float:
    """Multiplier of the peak LRs: linear warm-up, then cosine decay to lr_floor/lr as progress goes 0 → 1."""
    floor = config.lr_floor / config.lr
    progress = min(max(progress, 0.0), 1.0)
    factor = floor + (1 - floor) * 0.5 * (1 + math.cos(math.pi * progress))
    if config.warmup_steps > 0:
        factor *= min(1.0, (step + 1) / config.warmup_steps)
    return factor


@contextlib.contextmanager
def frozen_batchnorm_stats(module: nn.Module):
    """Use batch statistics but leave the running statistics alone (extra encoder passes on fakes/targets)."""
    norms = [m for m in module.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    saved = [m.momentum for m in norms]
    for m in norms:
        m.momentum = 0.0
    try:
        yield
    finally:
        for m, momentum in zip(norms, saved):
            m.momentum = momentum


def native_bf16(device: torch.device) -> bool:
    """Whether bf16 autocast speeds up `device`: CUDA, or a CPU whose oneDNN has bf16 kernels (AVX512-BF16, AMX)."""
    if device.type == "cuda":
        return True
    try:
        return device.type == "cpu" and bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except (AttributeError, RuntimeError):
        return False


def unwrap(module: nn.Module) -> nn.Module:
    return module.module if hasattr(module, "module") else module


class Trainer:
    """Holds G, D and their Adam optimizers; `step` runs one D update (when due) and one G update."""

    def __init__(self, config: TrainConfig, num_styles: int, device: torch.device, generator: Generator | None = None):
        self.config, self.device = config, device
        self.generator = (generator or Generator(config.generator, config.image_size, num_styles)).to(device)
        self.discriminator = Discriminator(config.discriminator, config.image_size, num_styles).to(device)
        self.memory_format = torch.channels_last if config.channels_last else torch.contiguous_format
        self.generator.to(memory_format=self.memory_format)
        self.discriminator.to(memory_format=self.memory_format)
        betas = (config.beta1, config.beta2)
        self.opt_g = torch.optim.Adam(self.generator.parameters(), lr=config.lr, betas=betas)
        self.opt_d = torch.optim.Adam(self.discriminator.parameters(), lr=config.d_lr, betas=betas)
        self.autocast = dict(device_type=device.type, dtype=torch.bfloat16, enabled=config.amp and native_bf16(device))
        self.ema = AveragedModel(self.generator, multi_avg_fn=get_ema_multi_avg_fn(config.ema), use_buffers=True) \
            if config.ema else None
        self.g, self.d = self.generator, self.discriminator  # replaced by DDP wrappers under torchrun

    @property
    def averaged_generator(self) -> nn.Module:
        """The generator that checkpoints score and save: the moving average when `ema` is set, else G itself."""
        return self.ema.module if self.ema is not None else self.generator

    def wrap_ddp(self) -> None:
        from torch.nn.parallel import DistributedDataParallel as DDP

        ids = [self.device.index] if self.device.type == "cuda" else None
        self.g = DDP(self.generator, device_ids=ids)
        self.d = DDP(self.discriminator, device_ids=ids)

    def adversarial_due(self, step: int, progress: float) -> bool:
        c = self.config
        return (c.loss.cheat or c.loss.category or c.loss.d_binary) > 0 and progress >= c.adv_start \
            and step % c.d_every == 0

    def step(self, batch, step: int, progress: float) -> dict[str, torch.Tensor]:
        source, target, style_ids = (t.contiguous(memory_format=self.memory_format) if t.dim() == 4 else t
                                     for t in batch)
        factor = lr_factor(self.config, step, progress)
        for group in self.opt_g.param_groups:
            group["lr"] = self.config.lr * factor
        for group in self.opt_d.param_groups:
            group["lr"] = self.config.d_lr * factor
        losses = self._forward_backward(source, target, style_ids, self.adversarial_due(step, progress))
        losses["lr"] = torch.tensor(self.config.lr * factor)
        return losses

    def _forward_backward(self, source, target, style_ids, adversarial: bool) -> dict[str, torch.Tensor]:
        c, losses = self.config.loss, {}
        with torch.autocast(**self.autocast):
            fake_logits, source_encoding = self.g(source, style_ids, logits=True)
            fake = fake_logits.sigmoid()
        context, source = source[:, 1:], source[:, :1]  # exemplar channels (none without exemplars); the source
        if adversarial:
            self.discriminator.requires_grad_(True)
            with torch.autocast(**self.autocast):
                binary, category = self.d(torch.cat([source, source]), torch.cat([target, fake.detach()]))
            n = len(source)
            d_loss, d_terms = discriminator_loss(c, binary[:n].float(), category[:n].float(),
                                                 binary[n:].float(), category[n:].float(), style_ids)
            self.opt_d.zero_grad(set_to_none=True)
            d_loss.backward()
            self.opt_d.step()
            losses.update(d_terms, d_loss=d_loss.detach())
        terms = {}
        with torch.autocast(**self.autocast):
            encoder = unwrap(self.g)
            with frozen_batchnorm_stats(encoder):
                if c.const or c.contrastive:
                    terms["fake_encoding"] = encoder.encode(torch.cat([fake, context], 1))
                    terms["source_encoding"] = source_encoding
                if c.contrastive:
                    terms["target_encoding"] = encoder.encode(torch.cat([target, context], 1))
            if adversarial:
                self.discriminator.requires_grad_(False)  # G's step: no grads (and no DDP sync) for D
                with frozen_batchnorm_stats(self.discriminator):
                    terms["fake_binary"], terms["fake_category"] = self.discriminator(source, fake)
        g_loss, g_terms = generator_loss(c, fake, target, style_ids=style_ids, **terms)
        self.opt_g.zero_grad(set_to_none=True)
        g_loss.backward()
        self.opt_g.step()
        if self.ema is not None:
            self.ema.update_parameters(self.generator)
        losses.update(g_terms, g_loss=g_loss.detach())
        return losses

    # ---- resumable state (plain tensors and dicts only: loadable with weights_only=True) ----

    def state_dict(self) -> dict:
        return {
            "generator": self.generator.state_dict(),
            "discriminator": self.discriminator.state_dict(),
            "opt_g": self.opt_g.state_dict(),
            "opt_d": self.opt_d.state_dict(),
            "ema": self.ema.state_dict() if self.ema is not None else {},
            "rng_cpu": torch.get_rng_state(),
            "rng_cuda": torch.cuda.get_rng_state_all() if torch.cuda.is_available() else [],
        }

    def load_state_dict(self, state: dict) -> None:
        self.generator.load_state_dict(state["generator"])
        self.discriminator.load_state_dict(state["discriminator"])
        self.opt_g.load_state_dict(state["opt_g"])
        self.opt_d.load_state_dict(state["opt_d"])
        if self.ema is not None:
            self.ema.load_state_dict(state["ema"])
        torch.set_rng_state(state["rng_cpu"])
        if state["rng_cuda"] and torch.cuda.is_available():
            torch.cuda.set_rng_state_all(state["rng_cuda"])

"""Training and architecture settings as frozen dataclasses, the cpu/full presets, and their CLI mapping."""

from __future__ import annotations

import argparse
import dataclasses
import math
import typing
from dataclasses import dataclass, field
from typing import Literal, Optional


def option(default, help: str, prefix: str | None = None):
    """A dataclass field documented where it is declared (the help text becomes the CLI help)."""
    if dataclasses.is_dataclass(default):
        return field(default_factory=lambda: default, metadata={"help": help, "prefix": prefix})
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True)
class GeneratorConfig:
    """U-Net generator: encoder halves the image `depth` times (at most until it is odd), decoder mirrors it."""

    ngf: int = option(32, "channels of the first encoder layer; layer i has ngf*min(2**i, max_mult)")
    depth: Optional[int] = option(None, "encoder layers (default: halve until the map is odd, 128 px → 1×1); "
                                        "fewer keep a spatial bottleneck (5 at 128 px → 4×4)")
    max_mult: int = option(8, "cap on the channel multiplier of deep layers")
    attention_sizes: tuple[int, ...] = option((), "feature-map sizes (px) that get a self-attention block")
    exemplars: int = option(0, "the target's own glyphs of k other characters, nearest by the left, right, top, "
                                "bottom half of the source drawing in turn, as 2k extra input channels (their "
                                "source and target renders); 0 = the source alone")
    embedding_dim: int = option(128, "size of the style (category) embedding joined at the bottleneck")

    def __post_init__(self) -> None:
        """Ranges a model file must respect, checked before any network is built (a wrong value could ask for
        gigabytes)."""
        checks = [(1 <= self.ngf <= 256, "ngf must be 1..256"),
                  (self.depth is None or 1 <= self.depth <= 9, "depth must be 1..9"),
                  (1 <= self.max_mult <= 16, "max_mult must be 1..16"),
                  (all(1 <= size <= 512 for size in self.attention_sizes), "attention_sizes must be 1..512 px"),
                  (0 <= self.exemplars <= 32, "exemplars must be 0..32"),
                  (1 <= self.embedding_dim <= 4096, "embedding_dim must be 1..4096")]
        for ok, message in checks:
            if not ok:
                raise ValueError(message)


@dataclass(frozen=True)
class DiscriminatorConfig:
    """Conditional discriminator over (source, image) pairs with Linear binary and category heads."""

    ndf: int = option(32, "channels of the first conv layer (doubling per layer, capped at 8*ndf)")
    feature_size: int = option(16, "downsample (stride 2) until the feature map is at most this size")
    final_channels: int = option(1, "channels of the last conv, flattened into the Linear heads")


@dataclass(frozen=True)
class LossConfig:
    """Weights of every loss term; a zero weight skips the term's computation entirely."""

    l1: float = option(100.0, "G: L1 between generated and target ink (0..1)")
    const: float = option(15.0, "G: MSE between encodings of the source and of the generated glyph")
    cheat: float = option(1.0, "G: adversarial term, BCE-with-logits of D(fake) against 'real'")
    category: float = option(1.0, "G: D's category head on generated glyphs (BCE-with-logits, one-hot)")
    contrastive: float = option(0.0, "G: NT-Xent between encodings of generated and target glyphs")
    temperature: float = option(0.1, "temperature of the NT-Xent term")
    d_binary: float = option(1.0, "D: real/fake BCE-with-logits weight (lambda_binary)")
    d_category: float = option(1.0, "D: category BCE-with-logits weight (lambda_category)")


@dataclass(frozen=True)
class TrainConfig:
    """One training run. Every field is a CLI flag (sub-configs get the prefixes g-, d-, loss-)."""

    image_size: int = option(128, "raster size in px (em-box frame); 128, 256, 384 or 512")
    generator: GeneratorConfig = option(GeneratorConfig(), "generator architecture", prefix="g")
    discriminator: DiscriminatorConfig = option(DiscriminatorConfig(), "discriminator architecture", prefix="d")
    loss: LossConfig = option(LossConfig(), "loss weights", prefix="loss")
    batch_size: int = option(16, "images per step (per process under torchrun)")
    lr: float = option(1e-3, "peak generator learning rate")
    d_lr: float = option(1e-3, "peak discriminator learning rate")
    lr_floor: float = option(2e-4, "generator learning rate at the end of the cosine schedule (D decays by the same "
                                   "factor)")
    warmup_steps: int = option(100, "linear LR warm-up steps")
    beta1: float = option(0.5, "Adam beta1")
    beta2: float = option(0.999, "Adam beta2")
    steps: Optional[int] = option(None, "stop after this many steps")
    epochs: Optional[float] = option(None, "stop after this many passes over the training pairs")
    max_minutes: Optional[float] = option(None, "stop after this many minutes of training (the LR schedule follows time)")
    ema: float = option(0.0, "decay of an exponential moving average of G's weights (and BatchNorm statistics) that "
                             "checkpoints score and save; 0 saves the raw weights")
    d_every: int = option(1, "step D (and add G's adversarial terms) every N steps; other steps are pixel-only")
    adv_start: float = option(0.0, "fraction of the run before D and the adversarial terms start")
    checkpoint_minutes: float = option(5.0, "write a checkpoint every N minutes")
    checkpoint_steps: Optional[int] = option(None, "also write a checkpoint every N steps")
    eval_count: int = option(200, "held-out (and validation) glyphs scored (ink IoU) at each checkpoint")
    sample_count: int = option(16, "held-out glyphs in each sample grid PNG")
    holdout_fraction: float = option(0.03, "seeded fraction of pairs held out when no --holdout file is given")
    val_fraction: float = option(0.0, "seeded fraction of the training characters set aside (validation.txt in the "
                                      "run) to choose best/ instead of the held-out ones, which then stay a clean "
                                      "test set; 0 = none")
    jitter: int = option(0, "max random shift in px, applied identically to source and target")
    seed: int = option(0, "seed for weights, data order and augmentation")
    amp: bool = option(True, "bf16 autocast on CUDA and on CPUs with bf16 kernels (faster where the CPU has "
                             "them, e.g. AVX512-BF16)")
    channels_last: bool = option(True, "channels_last memory format (CUDA and CPU)")
    threads: Optional[int] = option(None, "torch CPU threads (default: torch's choice)")
    log_every: int = option(25, "steps between progress/log lines")

    def __post_init__(self) -> None:
        if self.image_size not in (128, 256, 384, 512):
            raise ValueError(f"image_size must be 128, 256, 384 or 512, not {self.image_size}")
        if self.batch_size < 1 or self.d_every < 1 or self.log_every < 1:
            raise ValueError("batch_size, d_every and log_every must be at least 1")
        if not 0 <= self.ema < 1:
            raise ValueError("ema must lie in [0, 1)")
        if not 0 <= self.val_fraction < 1:
            raise ValueError("val_fraction must lie in [0, 1)")
        if not 0 < self.lr_floor <= self.lr:
            raise ValueError("lr_floor must be positive and at most lr")


def cpu_preset() -> TrainConfig:
    """128 px, ngf 32 (~11M params), 8 exemplars, batch 8, 2 px jitter: pixel loss dominant, small D every 4th step.

    3% of the training characters choose best/: on two threads the run overfits after about 10 epochs.
    """
    return TrainConfig(
        image_size=128,
        generator=GeneratorConfig(ngf=32, attention_sizes=(), exemplars=8),
        discriminator=DiscriminatorConfig(ndf=16),
        loss=LossConfig(l1=100.0, const=0.0, cheat=1.0, category=1.0),
        batch_size=8,
        lr=2e-3,
        d_lr=1e-3,
        lr_floor=1e-4,
        d_every=4,
        adv_start=0.3,
        ema=0.999,
        jitter=2,
        val_fraction=0.03,
    )


def full_preset() -> TrainConfig:
    """256 px, ngf 64, self-attention at 32 and 16 px, 8 exemplars, every zi2zi loss: for GPUs."""
    return TrainConfig(
        image_size=256,
        generator=GeneratorConfig(ngf=64, attention_sizes=(32, 16), exemplars=8),
        discriminator=DiscriminatorConfig(ndf=64),
        loss=LossConfig(l1=100.0, const=15.0, cheat=1.0, category=1.0),
        batch_size=32,
        lr=1e-3,
        d_lr=1e-3,
        lr_floor=2e-4,
        d_every=1,
        ema=0.999,
        checkpoint_minutes=10.0,
        val_fraction=0.03,
    )


PRESETS = {"cpu": cpu_preset, "full": full_preset}


# ---- JSON round trip -------------------------------------------------------------------------


def to_dict(config) -> dict:
    return dataclasses.asdict(config)


# Options that measurements retired (docs/experiments.md): a saved config may still name them, at the value that
# switched them off; any other value is a model this version cannot reproduce.
RETIRED = {"GeneratorConfig": {"residual": False, "skipless": 0, "norm": "batch", "dropout": 0.0, "drafts": False},
           "DiscriminatorConfig": {"norm": "batch", "blur": False, "spectral_norm": False},
           "LossConfig": {"bce": 0.0, "dice": 0.0, "cldice": 0.0, "cldice_iters": 10},
           "TrainConfig": {"weight_decay": 0.0, "exemplar_sets": 1, "mix": 0.0, "stretch": 0.0, "schedule": "cosine",
                           "target_distance": 0.0}}


def from_dict(cls, data: dict):
    """Rebuild a (nested) config dataclass from to_dict output; unknown keys are an error."""
    hints = typing.get_type_hints(cls)
    names = {f.name for f in dataclasses.fields(cls)}
    retired = RETIRED.get(cls.__name__, {})
    for name in set(data) & set(retired):
        if data[name] != retired[name]:
            raise ValueError(f"{cls.__name__}.{name} = {data[name]!r}: this option was retired "
                             f"(only {retired[name]!r} can be read)")
    data = {name: value for name, value in data.items() if name not in retired}
    unknown = set(data) - names
    if unknown:
        raise ValueError(f"unknown {cls.__name__} fields: {sorted(unknown)}")
    values = {}
    for name, value in data.items():
        kind = hints[name]
        if dataclasses.is_dataclass(kind):
            value = from_dict(kind, value)
        elif typing.get_origin(kind) is tuple:
            value = tuple(value)
        if not _has_type(value, kind):
            raise ValueError(f"{cls.__name__}.{name} = {value!r} is not of type {_show_type(kind)}")
        values[name] = value
    return cls(**values)


def _has_type(value, kind) -> bool:
    """Whether a value read from JSON fits a field type (int, float, bool, str, Optional, Literal, tuple[int, ...])."""
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin is typing.Union:
        return any(_has_type(value, arg) for arg in args)
    if origin is Literal:
        return value in args
    if origin is tuple:
        return isinstance(value, tuple) and all(_has_type(item, args[0]) for item in value)
    if kind is type(None):
        return value is None
    if kind is bool:
        return isinstance(value, bool)
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if kind is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    return isinstance(value, kind) if isinstance(kind, type) else True


def _show_type(kind) -> str:
    return getattr(kind, "__name__", None) or str(kind).replace("typing.", "")


# ---- CLI mapping -----------------------------------------------------------------------------


def _flag_kind(kind):
    """(argparse keyword arguments) for a field type."""
    origin = typing.get_origin(kind)
    args = typing.get_args(kind)
    if origin is typing.Union and type(None) in args:
        return _flag_kind(next(a for a in args if a is not type(None)))
    if kind is bool:
        return {"action": argparse.BooleanOptionalAction}
    if origin is Literal:
        return {"choices": list(args), "type": type(args[0])}
    if origin is tuple:
        return {"nargs": "*", "type": args[0]}
    return {"type": kind}


COMMON_FIELDS = ("max_minutes", "steps", "epochs", "batch_size", "val_fraction", "holdout_fraction", "seed",
                 "threads")  # the training options most runs set; the rest are grouped as advanced


def add_config_arguments(parser: argparse.ArgumentParser, cls=TrainConfig, prefix: str = "",
                         presets: dict | None = None, group=None) -> None:
    """One --flag per (nested) field, default None (= keep the preset's value); help shows each preset's value.
    At the top: the common options in one group, the rest of the run's settings and each nested config (generator,
    discriminator, losses) in groups of their own, marked advanced."""
    presets = {name: make() for name, make in PRESETS.items()} if presets is None else presets
    hints = typing.get_type_hints(cls)
    if group is None:
        common = parser.add_argument_group("training (default: the preset's value)")
        advanced = parser.add_argument_group("advanced: schedule, optimiser, checkpoints (default: the preset's value)")
    for f in dataclasses.fields(cls):
        kind = hints[f.name]
        if dataclasses.is_dataclass(kind):
            nested_prefix = prefix + f.metadata["prefix"] + "-"
            add_config_arguments(parser, kind, nested_prefix,
                                 {name: getattr(value, f.name) for name, value in presets.items()},
                                 parser.add_argument_group(f"advanced: {f.metadata['help']} (--{nested_prefix}*)"))
            continue
        flag = "--" + prefix + f.name.replace("_", "-")
        dest = "cfg__" + (prefix + f.name).replace("-", "_")
        kwargs = _flag_kind(kind)
        if "action" not in kwargs and "choices" not in kwargs:
            kwargs["metavar"] = f.name.split("_")[-1].upper()
        values = [getattr(value, f.name) for value in presets.values()]
        shown = "" if all(v is None for v in values) else \
            " (" + ", ".join(f"{name}: {_show(v)}" for name, v in zip(presets, values)) + ")"
        target = group if group is not None else common if f.name in COMMON_FIELDS else advanced
        target.add_argument(flag, dest=dest, default=None, help=f"{f.metadata['help']}{shown}", **kwargs)


def _show(value) -> str:
    if value is None:
        return "unset"
    return " ".join(map(str, value)) or "none" if isinstance(value, tuple) else str(value)


def apply_overrides(config, args: argparse.Namespace, cls=None, prefix: str = ""):
    """Return config with every flag the user gave (not None) replaced."""
    cls = cls or type(config)
    hints = typing.get_type_hints(cls)
    changes = {}
    for f in dataclasses.fields(cls):
        kind = hints[f.name]
        if dataclasses.is_dataclass(kind):
            sub = apply_overrides(getattr(config, f.name), args, kind, prefix + f.metadata["prefix"] + "-")
            if sub != getattr(config, f.name):
                changes[f.name] = sub
            continue
        value = getattr(args, "cfg__" + (prefix + f.name).replace("-", "_"), None)
        if value is not None:
            changes[f.name] = tuple(value) if typing.get_origin(kind) is tuple else value
    return dataclasses.replace(config, **changes) if changes else config

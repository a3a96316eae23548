"""Train from fonts: open source and targets, render pairs, split held-out chars, optional --init, then fit."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

import numpy as np
import torch

from fontcomplete.core.errors import FontcompleteError
from fontcomplete.ml.calibrate import calibrate_model_dir
from fontcomplete.ml.config import TrainConfig
from fontcomplete.ml.data import build_pairs, drop_duplicates_of, interleave_styles, split_holdout, write_charset
from fontcomplete.ml.model_dir import HOLDOUT, VALIDATION, load_model
from fontcomplete.ml.stylizer import pick_device
from fontcomplete.ml.train import fit, setup_distributed


def style_names(targets) -> list[str]:
    """One category name per target font (its family/style name, made unique)."""
    names: list[str] = []
    for target in targets:
        name, n = target.name, 2
        while name in names:
            name, n = f"{target.name} ({n})", n + 1
        names.append(name)
    return names


def train(config: TrainConfig, out_dir: Path, source: str, targets: list[str], *, holdout: Path | None = None,
          init: Path | None = None, resume: bool = False, cache_dir: Path | None = None, device: str = "auto",
          progress: bool = True, log=print, charset: set[int] | None = None) -> dict:
    """The whole `fontcomplete train` run (pairs limited to `charset` when given); returns the training summary."""
    from fontcomplete.fonts.font import machine_drawn_note, open_drawn_font, open_font

    out_dir = Path(out_dir)
    dist = setup_distributed(pick_device(device))
    started = time.perf_counter()
    source_font = open_font(source)
    target_fonts = [open_drawn_font(t) for t in targets]
    if not target_fonts:
        raise FontcompleteError("give at least one --target font")
    for target in target_fonts:
        if target.machine_drawn:
            log(machine_drawn_note(target))
    generator, categories, style_of_target, config = _initial_model(config, init, style_names(target_fonts), log)
    if dist.world > 1 and not dist.main:
        torch.distributed.barrier()  # the main process renders (and caches) first
    pairs = build_pairs(source_font, target_fonts, config.image_size, cache_dir, charset)
    if dist.world > 1 and dist.main:
        torch.distributed.barrier()
    pairs.style_ids = np.asarray(style_of_target, np.int64)[pairs.style_ids]
    train_pairs, held_pairs, val_pairs = _split(pairs, config, out_dir, holdout, resume, dist.main)
    prepare_s = time.perf_counter() - started
    log(f"{len(train_pairs)} training pairs, {len(np.unique(held_pairs.codepoints))} held-out characters, "
        f"{len(np.unique(val_pairs.codepoints))} validation characters "
        f"({len(categories)} style{'s' if len(categories) > 1 else ''}), data ready in {prepare_s:.1f} s")
    summary = {"source": source_font.name, "source_fingerprint": source_font.fingerprint,
               "targets": [t.name for t in target_fonts], "prepare_seconds": round(prepare_s, 1),
               "init": str(init) if init else None}
    deadline = started + config.max_minutes * 60 if config.max_minutes is not None else None
    if deadline is not None:
        log(f"--max-minutes {config.max_minutes:g}: the whole run, calibration included, ends by "
            f"{time.strftime('%H:%M:%S', time.localtime(time.time() + deadline - time.perf_counter()))}")
    result = fit(config, out_dir, train_pairs, held_pairs, categories, val_pairs=val_pairs, generator=generator,
                 resume=resume, device=dist.device, progress=progress, summary=summary, dist=dist, deadline=deadline)
    if dist.main and len(val_pairs):
        targets = {categories[k]: (font, k) for font, k in zip(target_fonts, style_of_target)}
        log(f"calibrating the trace of the last and the best checkpoint on {len(np.unique(val_pairs.codepoints))} "
            "validation characters")
        calibrate_run(out_dir, source_font, targets, val_pairs, held_pairs, log)
    log(f"whole run {(time.perf_counter() - started) / 60:.1f} min")
    return result


def _initial_model(config: TrainConfig, init: Path | None, categories: list[str], log):
    """(generator or None, style names, style id of each target, config): with --init, the model's architecture wins
    and the targets' styles join its own (new names get new ids)."""
    if init is None:
        return None, categories, list(range(len(categories))), config
    generator, info = load_model(Path(init), "cpu")
    generator.train()
    if (info.image_size, info.generator) != (config.image_size, config.generator):
        log(f"--init: using the architecture of {init} ({info.image_size} px, ngf {info.generator.ngf})")
        config = dataclasses.replace(config, image_size=info.image_size, generator=info.generator)
    merged = list(info.categories) + [name for name in categories if name not in info.categories]
    generator.grow_styles(len(merged))
    return generator, merged, [merged.index(name) for name in categories], config


def _split(pairs, config: TrainConfig, out_dir: Path, holdout: Path | None, resume: bool, main: bool):
    """(training, held-out, validation) pairs: the held-out list (the run's own when resuming, else --holdout, else
    a seeded fraction), then a seeded validation fraction of the rest; the main process writes both lists."""
    from fontcomplete.core.charsets import read_charset_file

    saved_holdout = out_dir / HOLDOUT
    if resume and saved_holdout.is_file():
        held_codes = read_charset_file(saved_holdout)
    else:
        held_codes = read_charset_file(Path(holdout)) if holdout is not None else None
    train_pairs, held_pairs = split_holdout(pairs, held_codes, config.holdout_fraction, config.seed)
    train_pairs, held_pairs = drop_duplicates_of(train_pairs, held_pairs), interleave_styles(held_pairs)
    train_pairs, val_pairs = split_holdout(train_pairs, None, config.val_fraction, config.seed + 1)
    train_pairs, val_pairs = drop_duplicates_of(train_pairs, val_pairs), interleave_styles(val_pairs)
    if main:
        out_dir.mkdir(parents=True, exist_ok=True)
        write_charset(saved_holdout, np.unique(held_pairs.codepoints))
        if len(val_pairs):
            write_charset(out_dir / VALIDATION, np.unique(val_pairs.codepoints))
    return train_pairs, held_pairs, val_pairs


def calibrate_run(out_dir: Path, source, targets: dict, val_pairs, held_pairs, log) -> None:
    """Choose the trace threshold of the last and the best checkpoint on each target's validation characters.

    `targets` maps a style name to (target font, style id in the pairs); held-out characters never serve as exemplars.
    """
    def characters(pairs, style_id: int) -> list[int]:
        return sorted(set(pairs.codepoints[pairs.style_ids == style_id].tolist()))

    per_style = {style: (font, characters(val_pairs, k), set(characters(held_pairs, k)))
                 for style, (font, k) in targets.items()}
    for model_dir in (out_dir, out_dir / "best"):
        if (model_dir / "config.json").is_file():
            calibrate_model_dir(model_dir, source, per_style, log)

"""The training loop: stop criteria, timed checkpoints (model dir + resumable state), JSONL log, samples, DDP."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import os
import resource
import sys
import time
from pathlib import Path

import torch

from fontcomplete.core.errors import FontcompleteError
from fontcomplete.core.scores import ink_ious, kept_iou, topology_matches
from fontcomplete.core.workers import exit_with_parent
from fontcomplete.ml.calibrate import calibration_reserve
from fontcomplete.ml.config import TrainConfig, from_dict, to_dict
from fontcomplete.ml.data import Batches, PairSet
from fontcomplete.ml.exemplars import ExemplarBank, rank_sets
from fontcomplete.ml.model_dir import ModelInfo, save_model
from fontcomplete.ml.samples import predict, sample_grid, save_grid
from fontcomplete.ml.trainer import Trainer
from fontcomplete.storage.atomic import write_atomic
from fontcomplete.storage.interrupts import DeferredInterrupt

STATE = "train_state.pt"
LOG = "log.jsonl"
# Fields a resumed run may change; everything else must match the saved run.
RESUMABLE_CHANGES = {"steps", "epochs", "max_minutes", "checkpoint_minutes", "checkpoint_steps", "eval_count",
                     "sample_count", "threads", "log_every"}


@dataclasses.dataclass(frozen=True)
class Dist:
    """Process-group facts (world 1 without torchrun)."""

    rank: int = 0
    world: int = 1
    device: torch.device = torch.device("cpu")

    @property
    def main(self) -> bool:
        return self.rank == 0


def setup_distributed(device: torch.device) -> Dist:
    """Join the torchrun process group when WORLD_SIZE > 1 (NCCL on CUDA, gloo on CPU)."""
    world = int(os.environ.get("WORLD_SIZE", "1"))
    if world <= 1:
        return Dist(0, 1, device)
    rank, local = int(os.environ["RANK"]), int(os.environ.get("LOCAL_RANK", "0"))
    exit_with_parent()  # a rank ends with the launcher (torchrun) that started it, however that ends
    if device.type == "cuda":
        device = torch.device("cuda", local)
        torch.cuda.set_device(device)
    if not torch.distributed.is_initialized():
        torch.distributed.init_process_group("nccl" if device.type == "cuda" else "gloo")
    return Dist(rank, world, device)


def saved_config(out_dir: Path) -> TrainConfig | None:
    """The TrainConfig stored with a run's resumable state, or None when there is none."""
    path = Path(out_dir) / STATE
    if not path.is_file():
        return None
    state = torch.load(path, map_location="cpu", weights_only=True)
    return from_dict(TrainConfig, json.loads(state["config"]))


def data_signature(pairs: PairSet) -> str:
    digest = hashlib.sha256(pairs.codepoints.tobytes() + pairs.style_ids.tobytes())
    return digest.hexdigest()[:16]


def check_resumable(saved: TrainConfig, config: TrainConfig) -> None:
    old, new = to_dict(saved), to_dict(config)
    changed = sorted(k for k in old if k not in RESUMABLE_CHANGES and old[k] != new[k])
    if changed:
        raise FontcompleteError(f"cannot resume with a different {', '.join(changed)} than the saved run "
                                f"(only {', '.join(sorted(RESUMABLE_CHANGES))} may change)")


def fit(config: TrainConfig, out_dir: Path, train_pairs: PairSet, held_pairs: PairSet, categories: list[str], *,
        val_pairs: PairSet | None = None, generator=None, resume: bool = False,
        device: torch.device = torch.device("cpu"), progress: bool = True, summary: dict | None = None,
        dist: Dist | None = None, deadline: float | None = None) -> dict:
    """Train on in-memory pairs until a stop criterion; returns the training summary (also in config.json).
    `deadline` (a time.perf_counter() value): the whole run ends by then, so training stops early enough to
    calibrate both checkpoints after it.

    Each checkpoint scores the held-out pairs; best/ keeps the model that scores highest on `val_pairs` if any are
    given, else on the held-out pairs.
    """
    out_dir, dist = Path(out_dir), dist or Dist(0, 1, device)
    device = dist.device
    if config.steps is None and config.epochs is None and config.max_minutes is None:
        raise FontcompleteError("give a stop criterion: --steps, --epochs or --max-minutes")
    if config.threads:
        torch.set_num_threads(config.threads)
    torch.manual_seed(config.seed)
    scored = {"heldout": held_pairs, "val": val_pairs if val_pairs is not None else held_pairs.select(slice(0, 0))}
    exemplars, inputs = _exemplar_inputs(config, train_pairs, scored)
    batches = Batches(train_pairs, config.batch_size, config.seed, config.jitter, dist.rank, dist.world, exemplars)
    trainer = Trainer(config, len(categories), device, generator)
    step, elapsed_before, best_iou = _restore(trainer, out_dir, config, train_pairs, resume, device)
    if dist.world > 1:
        trainer.wrap_ddp()
    info = dict(summary or {}, categories=list(categories), train_pairs=len(train_pairs), heldout_pairs=len(held_pairs),
                val_pairs=len(scored["val"]))
    ctx = _Loop(config, out_dir, trainer, scored, inputs, categories, info, dist, data_signature(train_pairs), best_iou)
    stop_at = None
    if deadline is not None:
        reserve = calibration_reserve(trainer.generator, inputs["val"], scored["val"], device) if dist.main else 0.0
        stop_at = deadline - reserve
        ctx.log(dict(event="budget", training_seconds=round(stop_at - time.perf_counter(), 1),
                     calibration_reserve_seconds=round(reserve, 1)))
        if progress and dist.main:
            print(f"training for {max(0.0, stop_at - time.perf_counter()) / 60:.1f} min, keeping {reserve / 60:.1f} "
                  "min to calibrate after it", file=sys.stderr)
    step, data_s, net_s = _train_steps(ctx, batches, step, elapsed_before, progress, stop_at)
    ctx.timing = {"data_seconds": round(data_s, 3), "network_seconds": round(net_s, 3),
                  "data_share": round(data_s / max(data_s + net_s, 1e-9), 5)}
    ctx.log(dict(event="done", step=step, **ctx.timing, peak_rss_mb=_peak_rss_mb(),
                 peak_cuda_mb=round(torch.cuda.max_memory_allocated() / 2**20, 1) if device.type == "cuda" else None))
    return dict(ctx.last_summary, **ctx.timing)


def _exemplar_inputs(config: TrainConfig, train_pairs: PairSet, scored: dict) -> tuple:
    """(exemplars for Batches or None, the scored pairs' generator inputs): each pair beside the exemplar set
    fill's first view shows."""
    if not config.generator.exemplars:
        return None, {name: pairs.sources for name, pairs in scored.items()}
    bank = ExemplarBank(train_pairs.sources, train_pairs.targets, config.generator.exemplars, train_pairs.style_ids)
    nearest = rank_sets(config.generator.exemplars, 1)
    neighbours = bank.neighbour_sets(train_pairs.sources, train_pairs.style_ids, nearest, in_bank=True)[:, 0]
    return (bank, neighbours), {name: bank.inputs(pairs.sources, pairs.style_ids) for name, pairs in scored.items()}


def _restore(trainer: Trainer, out_dir: Path, config: TrainConfig, train_pairs: PairSet, resume: bool,
             device: torch.device) -> tuple[int, float, float]:
    """(step, elapsed seconds, best IoU) of the saved run when resuming, else a fresh start."""
    state_path = out_dir / STATE
    if not state_path.is_file():
        return 0, 0.0, -1.0
    if not resume:
        raise FontcompleteError(f"{out_dir} already holds a training run; pass --resume or choose another --out")
    state = torch.load(state_path, map_location=device, weights_only=True)
    check_resumable(from_dict(TrainConfig, json.loads(state["config"])), config)
    if state["data"] != data_signature(train_pairs):
        raise FontcompleteError("cannot resume: the training pairs differ from the saved run's "
                                "(fonts or held-out set changed)")
    trainer.load_state_dict(state["trainer"])
    return int(state["step"]), float(state["elapsed"]), float(state["best_iou"])


def _train_steps(ctx: _Loop, batches: Batches, step: int, elapsed_before: float, progress: bool,
                 stop_at: float | None = None) -> tuple[int, float, float]:
    """Step until the stop criterion or the time.perf_counter() value `stop_at`, logging and checkpointing on the
    way; (last step, data s, network s).

    Ctrl-C finishes the step under way, checkpoints and raises KeyboardInterrupt."""
    config, dist, device = ctx.config, ctx.dist, ctx.dist.device
    total_steps = _total_steps(config, batches.steps_per_epoch)
    max_seconds = config.max_minutes * 60 if config.max_minutes is not None else None
    if stop_at is not None:
        budget = elapsed_before + stop_at - time.perf_counter()
        max_seconds = budget if max_seconds is None else min(max_seconds, budget)
    if max_seconds is not None:  # every process stops after the main one's time
        max_seconds = _agreed(max_seconds, False, dist)[0]
    bar = _progress_bar(progress and dist.main, total_steps, step)
    start = time.perf_counter() - elapsed_before
    last_checkpoint, last_checkpoint_step = time.perf_counter(), step
    window = _LogWindow(step)
    with DeferredInterrupt(second_interrupts=True) as interrupt:
        while True:
            elapsed, stop = _agreed(time.perf_counter() - start, interrupt.requested, dist)
            if stop:
                if bar is not None:
                    bar.close()
                ctx.checkpoint(step, elapsed, batches.steps_per_epoch)
                raise KeyboardInterrupt
            if (total_steps is not None and step >= total_steps) or (max_seconds is not None and elapsed >= max_seconds):
                break
            fraction = max(step / total_steps if total_steps else 0.0, elapsed / max_seconds if max_seconds else 0.0)
            t0 = time.perf_counter()
            batch = batches.get(step, device)
            _sync(device)
            t1 = time.perf_counter()
            losses = ctx.trainer.step(batch, step, fraction)
            _sync(device)
            window.add(losses, t1 - t0, time.perf_counter() - t1)
            step += 1
            if step % config.log_every == 0 or step == total_steps:
                record = window.record(step, elapsed, config.batch_size * dist.world, batches.steps_per_epoch)
                ctx.log(record)
                if bar is not None:
                    d = f"{record['d_loss']:.3g}" if "d_loss" in record else "off"
                    bar.set_postfix(g=f"{record['g_loss']:.3g}", d=d, img_s=f"{record['img_per_s']:.1f}", refresh=False)
            if bar is not None:
                bar.update(1)
            due_time = time.perf_counter() - last_checkpoint >= config.checkpoint_minutes * 60
            if due_time or (config.checkpoint_steps and step % config.checkpoint_steps == 0):
                ctx.checkpoint(step, time.perf_counter() - start, batches.steps_per_epoch)
                last_checkpoint, last_checkpoint_step = time.perf_counter(), step
    if bar is not None:
        bar.close()
    if step != last_checkpoint_step or not (ctx.out_dir / STATE).is_file():
        ctx.checkpoint(step, time.perf_counter() - start, batches.steps_per_epoch)
    return step, window.data_s, window.net_s


class _LogWindow:
    """Loss terms summed on the device over a log window (no sync per step), and where the time went."""

    def __init__(self, step: int):
        self.sums, self.counts = {}, {}
        self.data_s = self.net_s = 0.0
        self.start, self.start_step = time.perf_counter(), step

    def add(self, losses: dict, data_s: float, net_s: float) -> None:
        self.data_s += data_s
        self.net_s += net_s
        for name, value in losses.items():
            self.sums[name] = self.sums.get(name, 0.0) + value.detach()
            self.counts[name] = self.counts.get(name, 0) + 1

    def record(self, step: int, elapsed: float, images_per_step: int, steps_per_epoch: int) -> dict:
        """The log line for the window ending at `step` (each term's mean over the steps that had it); starts a new
        window. A non-finite loss stops training with a clear error."""
        now = time.perf_counter()
        values = {k: float(v) / self.counts[k] for k, v in self.sums.items()}
        if not all(math.isfinite(v) for v in values.values()):
            raise FontcompleteError(f"training diverged (non-finite loss) at step {step}: {values}; "
                                    "resume from the last checkpoint with a lower --lr")
        rate = (step - self.start_step) * images_per_step / (now - self.start)
        self.sums, self.counts, self.start, self.start_step = {}, {}, now, step
        return dict(step=step, epoch=round(step / steps_per_epoch, 3), minutes=round(elapsed / 60, 2),
                    img_per_s=round(rate, 1), data_share=round(self.data_s / max(self.data_s + self.net_s, 1e-9), 4),
                    **{k: round(v, 5) for k, v in values.items()})


class _Loop:
    """Checkpointing and logging for fit (only the main process writes)."""

    def __init__(self, config, out_dir, trainer, scored, inputs, categories, info, dist, data_sig, best_iou):
        self.config, self.out_dir, self.trainer = config, out_dir, trainer
        self.scored, self.inputs = scored, inputs  # {"heldout", "val"}: pairs; their sources (+ exemplar channels)
        self.categories, self.info, self.dist, self.data_sig, self.best_iou = categories, info, dist, data_sig, best_iou
        self.last_summary: dict = {}
        self.timing: dict = {}
        if dist.main:
            out_dir.mkdir(parents=True, exist_ok=True)

    def log(self, record: dict) -> None:
        if self.dist.main:
            with open(self.out_dir / LOG, "a", encoding="utf-8") as stream:
                stream.write(json.dumps(dict(record, time=round(time.time(), 3))) + "\n")

    def checkpoint(self, step: int, elapsed: float, steps_per_epoch: int) -> None:
        if not self.dist.main:
            return
        generator, config = self.trainer.averaged_generator, self.config
        iou, kept = self._score("heldout", generator, self.out_dir / "samples" / f"step_{step:07d}.png")
        val_iou, val_kept = self._score("val", generator)
        # validation IoU chooses best/: kept IoU at 128 px, untraced, chose an undertrained checkpoint (docs/experiments.md)
        chosen_by = iou if val_iou is None else val_iou
        self.last_summary = dict(self.info, steps=step, epochs=round(step / steps_per_epoch, 3),
                                 minutes=round(elapsed / 60, 2), heldout_iou=iou, heldout_kept_iou=kept,
                                 val_iou=val_iou, val_kept_iou=val_kept, config=to_dict(config))
        model_info = ModelInfo(config.image_size, config.generator, tuple(self.categories), self.last_summary)
        save_model(self.out_dir, generator, model_info)
        if chosen_by is not None and chosen_by > self.best_iou:
            self.best_iou = chosen_by
            save_model(self.out_dir / "best", generator, model_info)
        state = {"step": step, "elapsed": elapsed, "best_iou": self.best_iou, "data": self.data_sig,
                 "config": json.dumps(to_dict(config)), "trainer": self.trainer.state_dict()}
        write_atomic(self.out_dir / STATE, lambda temp: torch.save(state, temp))
        self.log(dict(event="checkpoint", step=step, minutes=round(elapsed / 60, 2), heldout_iou=iou,
                      heldout_kept_iou=kept, val_iou=val_iou, val_kept_iou=val_kept, best_iou=self.best_iou))

    def _score(self, name: str, generator, grid: Path | None = None) -> tuple[float | None, float | None]:
        """(mean ink IoU, kept IoU) of the first eval_count pairs of a scored set; with `grid`, also a sample grid
        PNG there."""
        pairs, config = self.scored[name], self.config
        if not len(pairs):
            return None, None
        count = min(max(config.eval_count, config.sample_count if grid else 0), len(pairs))
        generated = predict(generator, self.inputs[name][:count], pairs.style_ids[:count], self.trainer.device)
        scored = generated[:config.eval_count]
        if grid is not None:
            k = min(config.sample_count, count)
            save_grid(grid, sample_grid(pairs.sources[:k], generated[:k], pairs.targets[:k]))
        if not len(scored):
            return None, None
        truth = pairs.targets[:len(scored)]
        ious = ink_ious(scored, truth)
        return float(ious.mean()), kept_iou(ious, topology_matches(scored >= 0.5, truth))


def _total_steps(config: TrainConfig, steps_per_epoch: int) -> int | None:
    limits = [config.steps] if config.steps is not None else []
    if config.epochs is not None:
        limits.append(math.ceil(config.epochs * steps_per_epoch))
    return min(limits) if limits else None


def _agreed(seconds: float, interrupted: bool, dist: Dist) -> tuple[float, bool]:
    """(elapsed time, Ctrl-C seen) as the main process sees them, so every process stops at the same step."""
    if dist.world == 1:
        return seconds, interrupted
    value = torch.tensor([seconds, float(interrupted)], dtype=torch.float64, device=dist.device)
    torch.distributed.broadcast(value, 0)
    return float(value[0]), bool(value[1])


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def _progress_bar(enabled: bool, total: int | None, initial: int):
    if not enabled:
        return None
    from tqdm import tqdm

    return tqdm(total=total, initial=initial, desc="training", unit="step", dynamic_ncols=True, file=sys.stderr,
                mininterval=1.0)


def _peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)

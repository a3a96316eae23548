"""Training and inference speed per preset: images/s (G and D steps together), data-path share, peak memory.

    python benchmarks/bench_train.py                    # both presets on this machine's CPU
    python benchmarks/bench_train.py --preset full --device cuda --steps 30

Each preset runs in its own process (so peak memory is its own). Training images/s counts the preset as it
trains after the adversarial warm-up: D is stepped every `d_every` steps, G every step. The data-path share is
the time spent fetching a batch from the in-memory uint8 pairs (index, convert, copy to the device) over the time
of fetch + step, measured with explicit timers around each (CUDA synchronised).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time


def measure(preset: str, device_name: str, steps: int, threads: int | None, pairs: int) -> dict:
    import numpy as np
    import torch

    from fontcomplete.ml.config import PRESETS
    from fontcomplete.ml.data import Batches, PairSet
    from fontcomplete.ml.exemplars import ExemplarBank
    from fontcomplete.ml.model_dir import ModelInfo
    from fontcomplete.ml.stylizer import MAX_VIEWS, Stylizer
    from fontcomplete.ml.trainer import Trainer

    if threads:
        torch.set_num_threads(threads)
    device = torch.device(device_name)
    config = PRESETS[preset]()
    size = config.image_size
    rng = np.random.default_rng(0)
    images = (rng.random((pairs, size, size)) > 0.8).astype(np.uint8) * 255
    data = PairSet(np.arange(pairs, dtype=np.int64), np.zeros(pairs, np.int64), images, images[::-1].copy())
    bank = exemplars = None
    if config.generator.exemplars:  # the gather of exemplar channels is part of the data path being measured
        bank = ExemplarBank(data.sources, data.targets, config.generator.exemplars)
        exemplars = (bank, bank.neighbours(data.sources, in_bank=True))
    batches = Batches(data, config.batch_size, seed=0, exemplars=exemplars)
    trainer = Trainer(config, 1, device)
    warmup = max(config.d_every, 2)
    for step in range(warmup):
        trainer.step(batches.get(step, device), step, 1.0)
    data_s = net_s = 0.0
    sync = torch.cuda.synchronize if device.type == "cuda" else (lambda: None)
    sync()
    start = time.perf_counter()
    for step in range(warmup, warmup + steps):
        t0 = time.perf_counter()
        batch = batches.get(step, device)
        sync()
        t1 = time.perf_counter()
        trainer.step(batch, step, 1.0)
        sync()
        data_s += t1 - t0
        net_s += time.perf_counter() - t1
    train_rate = steps * config.batch_size / (time.perf_counter() - start)
    info = ModelInfo(size, config.generator, ("bench",), {})
    infer_rates = {}
    for views in (1, MAX_VIEWS):  # inference includes the exemplar look-up
        stylizer = Stylizer(trainer.generator.eval(), info, 0, device, 64, bank=bank, views=views)
        infer_rates[views] = glyphs_per_second(stylizer, images[:64], sync)
    return {
        "preset": preset, "device": device_name, "threads": torch.get_num_threads(), "image_size": size,
        "batch_size": config.batch_size, "d_every": config.d_every,
        "generator_params_m": round(sum(p.numel() for p in trainer.generator.parameters()) / 1e6, 2),
        "discriminator_params_m": round(sum(p.numel() for p in trainer.discriminator.parameters()) / 1e6, 2),
        "train_img_per_s": round(train_rate, 2), "infer_img_per_s": round(infer_rates[1], 1),
        f"infer_img_per_s_{MAX_VIEWS}_views": round(infer_rates[MAX_VIEWS], 1),
        "data_share": round(data_s / (data_s + net_s), 5), "steps": steps,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "peak_cuda_mb": round(torch.cuda.max_memory_allocated() / 2**20, 1) if device.type == "cuda" else None,
    }


def glyphs_per_second(stylizer, images, sync) -> float:
    """Generated glyphs per second over at least 10 s, after one warm-up batch."""
    stylizer(images)
    sync()
    start = time.perf_counter()
    count = 0
    while time.perf_counter() - start < 10 or count < len(images):
        stylizer(images)
        count += len(images)
    sync()
    return count / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--preset", choices=["cpu", "full", "all"], default="all")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--steps", type=int, default=12, help="timed training steps per preset")
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--pairs", type=int, default=1024, help="synthetic in-memory pairs")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.preset, args.device, args.steps, args.threads, args.pairs)))
        return
    presets = ["cpu", "full"] if args.preset == "all" else [args.preset]
    for preset in presets:
        command = [sys.executable, __file__, "--one", "--preset", preset, "--device", args.device,
                   "--steps", str(args.steps), "--pairs", str(args.pairs)]
        if args.threads:
            command += ["--threads", str(args.threads)]
        result = subprocess.run(command, capture_output=True, text=True, check=True)
        print(result.stdout.strip().splitlines()[-1], flush=True)


if __name__ == "__main__":
    main()

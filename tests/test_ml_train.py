import json
import os
import signal

import numpy as np
import pytest
import torch
from ml_fixtures import synthetic_pairs, tiny_config
from safetensors.torch import load_file

from fontcomplete.core.errors import FontcompleteError
from fontcomplete.ml.data import PairSet
from fontcomplete.ml.train import LOG, STATE, fit
from fontcomplete.ml.trainer import Trainer, lr_factor


def split(pairs: PairSet, held: int = 4):
    index = np.arange(len(pairs))
    return pairs.select(index >= held), pairs.select(index < held)


def weights(path):
    return load_file(str(path / "model.safetensors"))


def first_batch(pairs: PairSet, size: int = 4):
    """(source, target, style ids) of the first `size` pairs, as Trainer.step takes them."""
    def ink(a):
        return torch.from_numpy(a[:size]).unsqueeze(1).float() / 255
    return ink(pairs.sources), ink(pairs.targets), torch.zeros(size, dtype=torch.long)


def test_steps_run_without_nan_and_change_both_networks():
    torch.manual_seed(0)
    trainer = Trainer(tiny_config(), 1, torch.device("cpu"))
    before_g = {k: v.clone() for k, v in trainer.generator.state_dict().items()}
    before_d = {k: v.clone() for k, v in trainer.discriminator.state_dict().items()}
    batch = first_batch(synthetic_pairs(8))
    for step in range(3):
        losses = trainer.step(batch, step, 0.5)
        assert all(torch.isfinite(v).all() for v in losses.values())
    assert {"l1", "const", "cheat", "category", "contrastive", "d_binary", "d_category"} <= set(losses)
    after_g, after_d = trainer.generator.state_dict(), trainer.discriminator.state_dict()
    assert any(not torch.equal(before_g[k], after_g[k]) for k in before_g)
    assert any(not torch.equal(before_d[k], after_d[k]) for k in before_d)



def test_fit_writes_a_model_dir_log_samples_and_state(tmp_path):
    train, held = split(synthetic_pairs(16))
    summary = fit(tiny_config(), tmp_path, train, held, ["Fixture"], progress=False)
    assert summary["steps"] == 4 and 0 <= summary["heldout_iou"] <= 1
    assert {"model.safetensors", "config.json", STATE, LOG} <= {p.name for p in tmp_path.iterdir()}
    assert (tmp_path / "best" / "model.safetensors").is_file()
    assert list((tmp_path / "samples").glob("step_*.png"))
    config = json.loads((tmp_path / "config.json").read_text())
    assert config["categories"] == ["Fixture"] and config["image_size"] == 128
    records = [json.loads(line) for line in (tmp_path / LOG).read_text().splitlines()]
    assert records[-1]["event"] == "done" and 0 <= records[-1]["data_share"] < 1


def test_best_is_chosen_on_validation_pairs_when_given(tmp_path):
    pairs = synthetic_pairs(20)
    train, rest = split(pairs, held=8)
    held, val = rest.select(np.arange(8) < 4), rest.select(np.arange(8) >= 4)
    held.targets = 255 - held.targets  # a held-out set that ranks checkpoints differently from the validation set
    fit(tiny_config(steps=6, checkpoint_steps=1), tmp_path, train, held, ["Fixture"], val_pairs=val, progress=False)
    records = [json.loads(line) for line in (tmp_path / LOG).read_text().splitlines()]
    checkpoints = [r for r in records if r.get("event") == "checkpoint"]
    assert len(checkpoints) == 6 and all(r["heldout_iou"] is not None for r in checkpoints)
    for i, record in enumerate(checkpoints):
        assert record["best_iou"] == max(r["val_iou"] for r in checkpoints[:i + 1])
        assert record["val_kept_iou"] is not None  # logged beside it
    best = json.loads((tmp_path / "best" / "config.json").read_text())["training"]
    assert best["val_iou"] == max(r["val_iou"] for r in checkpoints)


def test_a_deadline_keeps_time_for_calibration_after_training(tmp_path):
    """--max-minutes is the whole run: training stops early enough to calibrate both checkpoints by the deadline."""
    import time

    pairs = synthetic_pairs(20)
    train, rest = split(pairs, held=8)
    held, val = rest.select(np.arange(8) < 4), rest.select(np.arange(8) >= 4)
    config = tiny_config(steps=None, max_minutes=0.03)  # 2 s of training when the deadline leaves room
    roomy = fit(config, tmp_path / "roomy", train, held, ["Fixture"], val_pairs=val, progress=False,
                deadline=time.perf_counter() + 300.0)
    records = [json.loads(line) for line in (tmp_path / "roomy" / LOG).read_text().splitlines()]
    budget = next(r for r in records if r["event"] == "budget")
    assert 0 < budget["calibration_reserve_seconds"] < 300
    assert budget["training_seconds"] <= 300 - budget["calibration_reserve_seconds"]
    assert roomy["steps"] > 0
    tight = time.perf_counter() + budget["calibration_reserve_seconds"] / 2  # not even calibration fits: no steps
    assert fit(config, tmp_path / "tight", train, held, ["Fixture"], val_pairs=val, progress=False,
               deadline=tight)["steps"] == 0


def test_log_lines_hold_each_term_averaged_over_the_steps_since_the_last_line(tmp_path):
    train, held = split(synthetic_pairs(16))
    fit(tiny_config(d_every=2, log_every=2, steps=6), tmp_path, train, held, ["Fixture"], progress=False)
    lines = [r for r in map(json.loads, (tmp_path / LOG).read_text().splitlines()) if "l1" in r]
    assert [r["step"] for r in lines] == [2, 4, 6]
    # each window's last step (1, 3, 5) has no D step: its terms come from the window's D step
    assert all(r["d_loss"] > 0 and "d_binary" in r and "cheat" in r for r in lines)

def interrupt_at(monkeypatch, at_step: int, how):
    """Make Trainer.step do `how()` when it reaches `at_step` (a simulated Ctrl-C or crash)."""
    original = Trainer.step

    def step(self, batch, step, progress):
        if step == at_step:
            how()
        return original(self, batch, step, progress)

    monkeypatch.setattr(Trainer, "step", step)


def crash():
    raise RuntimeError("simulated kill -9")


def assert_same_run(a, b):
    straight, resumed = weights(a), weights(b)
    assert straight.keys() == resumed.keys()
    for name in straight:
        assert torch.equal(straight[name], resumed[name]), name
    state_a = torch.load(a / STATE, weights_only=True)
    state_b = torch.load(b / STATE, weights_only=True)
    assert state_a["step"] == state_b["step"]
    for name, value in state_a["trainer"]["discriminator"].items():
        assert torch.equal(value, state_b["trainer"]["discriminator"][name]), name


def test_resume_after_ctrl_c_continues_exactly(tmp_path, monkeypatch):
    train, held = split(synthetic_pairs(24))
    config = tiny_config(steps=6, warmup_steps=2)
    fit(config, tmp_path / "straight", train, held, ["a"], progress=False)
    with monkeypatch.context() as patch:
        interrupt_at(patch, 3, lambda: os.kill(os.getpid(), signal.SIGINT))
        with pytest.raises(KeyboardInterrupt):
            fit(config, tmp_path / "stopped", train, held, ["a"], progress=False)
    assert torch.load(tmp_path / "stopped" / STATE, weights_only=True)["step"] == 4  # the running step finished
    fit(config, tmp_path / "stopped", train, held, ["a"], progress=False, resume=True)
    assert_same_run(tmp_path / "straight", tmp_path / "stopped")


@pytest.mark.parametrize("ema", [0.0, 0.9])
def test_resume_after_a_crash_restarts_from_the_last_checkpoint_exactly(tmp_path, monkeypatch, ema):
    train, held = split(synthetic_pairs(24))
    config = tiny_config(steps=6, checkpoint_steps=2, ema=ema)
    fit(config, tmp_path / "straight", train, held, ["a"], progress=False)
    with monkeypatch.context() as patch:
        interrupt_at(patch, 3, crash)
        with pytest.raises(RuntimeError):
            fit(config, tmp_path / "crashed", train, held, ["a"], progress=False)
    assert torch.load(tmp_path / "crashed" / STATE, weights_only=True)["step"] == 2
    assert not list((tmp_path / "crashed").glob("*.tmp"))  # atomic writes leave no partial files
    fit(config, tmp_path / "crashed", train, held, ["a"], progress=False, resume=True)
    assert_same_run(tmp_path / "straight", tmp_path / "crashed")


def test_ema_averages_g_and_is_what_checkpoints_score_and_save(tmp_path):
    torch.manual_seed(0)
    trainer = Trainer(tiny_config(ema=0.75), 1, torch.device("cpu"))
    batch = first_batch(synthetic_pairs(8))
    trainer.step(batch, 0, 0.5)
    first = {k: v.clone() for k, v in trainer.generator.state_dict().items()}
    trainer.step(batch, 1, 0.5)
    second, averaged = trainer.generator.state_dict(), trainer.averaged_generator.state_dict()
    for name, value in averaged.items():
        if value.is_floating_point():  # the first update copies G, each later one moves 1 - ema of the way to G
            torch.testing.assert_close(value, 0.75 * first[name] + 0.25 * second[name])
    train, held = split(synthetic_pairs(16))
    fit(tiny_config(ema=0.75), tmp_path, train, held, ["a"], progress=False)
    saved, state = weights(tmp_path), torch.load(tmp_path / STATE, weights_only=True)["trainer"]
    ema = {k.removeprefix("module."): v for k, v in state["ema"].items()}
    assert all(torch.equal(value, ema[name]) for name, value in saved.items())
    assert any(not torch.equal(value, state["generator"][name]) for name, value in saved.items())


def test_out_dir_with_a_run_needs_resume_and_resume_checks_the_config(tmp_path):
    train, held = split(synthetic_pairs(16))
    fit(tiny_config(steps=2), tmp_path, train, held, ["a"], progress=False)
    with pytest.raises(FontcompleteError, match="--resume"):
        fit(tiny_config(steps=2), tmp_path, train, held, ["a"], progress=False)
    with pytest.raises(FontcompleteError, match="lr"):
        fit(tiny_config(steps=4, lr=5e-4), tmp_path, train, held, ["a"], progress=False, resume=True)
    with pytest.raises(FontcompleteError, match="training pairs differ"):
        fit(tiny_config(steps=4), tmp_path, train.select(np.arange(len(train)) > 0), held, ["a"], progress=False,
            resume=True)


def test_a_stop_criterion_is_required(tmp_path):
    train, held = split(synthetic_pairs(16))
    with pytest.raises(FontcompleteError, match="stop criterion"):
        fit(tiny_config(steps=None), tmp_path, train, held, ["a"], progress=False)


def test_lr_schedule_warms_up_and_decays_to_the_floor():
    config = tiny_config(lr=1e-3, lr_floor=1e-4, warmup_steps=10)
    assert lr_factor(config, 0, 0.0) == pytest.approx(0.1)
    assert lr_factor(config, 100, 0.0) == pytest.approx(1.0)
    assert lr_factor(config, 100, 1.0) == pytest.approx(0.1)
    factors = [lr_factor(config, 100, p / 10) for p in range(11)]
    assert factors == sorted(factors, reverse=True)

import os
import socket

import numpy as np
import pytest
import torch
import torch.multiprocessing as mp
from ml_fixtures import synthetic_pairs, tiny_config
from safetensors.torch import load_file, save_file


def _worker(rank: int, port: int, out: str) -> None:
    os.environ.update(MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port), RANK=str(rank), LOCAL_RANK=str(rank),
                      WORLD_SIZE="2")
    torch.set_num_threads(1)
    import fontcomplete.ml.train as train_module
    from fontcomplete.ml.train import fit, setup_distributed

    seen = []

    class RecordingTrainer(train_module.Trainer):  # keeps each rank's trainer so its weights can be compared
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            seen.append(self)

    train_module.Trainer = RecordingTrainer
    dist = setup_distributed(torch.device("cpu"))
    pairs = synthetic_pairs(20)
    index = np.arange(len(pairs))
    fit(tiny_config(steps=3, checkpoint_steps=2), os.path.join(out, "run"), pairs.select(index >= 4),
        pairs.select(index < 4), ["a"], progress=False, dist=dist)
    weights = {k: v.contiguous() for k, v in seen[0].generator.state_dict().items()}
    weights.update({f"D.{k}": v.contiguous() for k, v in seen[0].discriminator.state_dict().items()})
    save_file(weights, os.path.join(out, f"rank{rank}.safetensors"))
    torch.distributed.destroy_process_group()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow  # worker processes
def test_two_gloo_processes_train_in_lockstep(tmp_path):
    mp.spawn(_worker, args=(_free_port(), str(tmp_path)), nprocs=2, join=True)
    run = tmp_path / "run"
    assert (run / "model.safetensors").is_file() and (run / "train_state.pt").is_file()
    assert torch.load(run / "train_state.pt", weights_only=True)["step"] == 3
    rank0, rank1 = load_file(str(tmp_path / "rank0.safetensors")), load_file(str(tmp_path / "rank1.safetensors"))
    for name, value in rank0.items():
        if "running_" in name or "num_batches" in name:
            continue  # BatchNorm statistics are per process (DDP broadcasts them from rank 0 at each forward)
        assert torch.equal(value, rank1[name]), name
    model = load_file(str(run / "model.safetensors"))
    assert all(torch.equal(model[k], rank0[k]) for k in model)  # the model dir holds the trained weights

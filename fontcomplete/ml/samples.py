"""Held-out monitoring: batched prediction, ink IoU, and the source | generated | target sample grid PNG."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from PIL import Image

from fontcomplete.storage.atomic import write_atomic


@torch.inference_mode()
def predict(generator: torch.nn.Module, sources: np.ndarray, style_ids: np.ndarray, device: torch.device,
            batch_size: int = 64) -> np.ndarray:
    """Generator ink float32 (N, S, S) in 0..1 for uint8 inputs (N, S, S) or (N, C, S, S), in eval mode."""
    was_training = generator.training
    generator.eval()
    out = np.empty((len(sources), *sources.shape[-2:]), np.float32)
    try:
        for start in range(0, len(sources), batch_size):
            x = torch.from_numpy(sources[start:start + batch_size]).to(device)
            x = (x.unsqueeze(1) if x.dim() == 3 else x).float() / 255
            s = torch.from_numpy(style_ids[start:start + batch_size]).to(device)
            ink, _ = generator(x, s)
            out[start:start + len(x)] = ink[:, 0].float().cpu().numpy()
    finally:
        generator.train(was_training)
    return out


def sample_grid(sources: np.ndarray, generated: np.ndarray, targets: np.ndarray, columns: int = 4) -> Image.Image:
    """Triples (source | generated | target) laid out `columns` per row, black ink on white, grey gutters."""
    from torchvision.utils import make_grid

    def paper(images: np.ndarray) -> torch.Tensor:  # (N, 1, S, S) floats, 1 = white
        ink = images.astype(np.float32) / 255 if images.dtype == np.uint8 else np.clip(images, 0, 1)
        return 1 - torch.from_numpy(np.ascontiguousarray(ink, dtype=np.float32))[:, None]

    triples = torch.stack([paper(sources), paper(generated), paper(targets)], 1)  # (N, 3, 1, S, S)
    cells = torch.stack([make_grid(triple, nrow=3, padding=2, pad_value=200 / 255) for triple in triples])
    grid = make_grid(cells, nrow=columns, padding=8, pad_value=1.0)
    return Image.fromarray(np.rint(grid[0].numpy() * 255).astype(np.uint8), mode="L")


def save_grid(path: Path, image: Image.Image) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, lambda temp: image.save(temp, format="PNG"))

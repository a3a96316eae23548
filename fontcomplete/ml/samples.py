"""Held-out monitoring: batched prediction, ink IoU, and the source | generated | target sample grid PNG."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from PIL import Image


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


def ink_iou(predicted: np.ndarray, target: np.ndarray, threshold: float = 0.5) -> np.ndarray:
    """Per-glyph IoU of the ink masks (coverage >= threshold); floats in 0..1, uint8 in 0..255."""
    def mask(a):
        return a >= (threshold * 255 if a.dtype == np.uint8 else threshold)
    p, t = mask(predicted), mask(target)
    inter = (p & t).reshape(len(p), -1).sum(1)
    union = (p | t).reshape(len(p), -1).sum(1)
    return np.where(union > 0, inter / np.maximum(union, 1), 1.0)


def sample_grid(sources: np.ndarray, generated: np.ndarray, targets: np.ndarray, columns: int = 4) -> Image.Image:
    """Triples (source | generated | target) laid out `columns` per row, black ink on white, 2 px gutters."""
    n, size = len(sources), sources.shape[-1]
    rows = max((n + columns - 1) // columns, 1)
    cell, gap = size * 3 + 2 * 2, 8
    canvas = np.full((rows * (size + gap) + gap, columns * (cell + gap) + gap), 255, np.uint8)
    for i in range(n):
        r, c = divmod(i, columns)
        y, x = gap + r * (size + gap), gap + c * (cell + gap)
        for j, image in enumerate((sources[i], generated[i], targets[i])):
            ink = image if image.dtype == np.uint8 else np.rint(np.clip(image, 0, 1) * 255).astype(np.uint8)
            canvas[y:y + size, x + j * (size + 2): x + j * (size + 2) + size] = 255 - ink
        canvas[y:y + size, x + size:x + size + 2] = 200
        canvas[y:y + size, x + 2 * size + 2:x + 2 * size + 4] = 200
    return Image.fromarray(canvas, mode="L")


def save_grid(path: Path, image: Image.Image) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_suffix(".tmp.png")
    image.save(temp)
    temp.replace(path)

"""Measure generated glyphs against real ones held out of training, next to the copy baseline."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from fontcomplete.fill import Generated, copy_glyphs, stylize_glyphs
from fontcomplete.fonts import SourceFont
from fontcomplete.metrics import GlyphScore, score, summarize
from fontcomplete.proof import write_sheets
from fontcomplete.raster import render, render_outline
from fontcomplete.trace import TraceSettings


@dataclass
class Evaluation:
    codepoints: list[int]
    scores: dict[str, list[GlyphScore]]  # "model" (when a model ran) and "copy"
    renders: dict[str, np.ndarray]  # "source", "truth", "model", "copy": uint8 (N, size, size)
    model_id: str = "copy"  # the stylizer's id as it ran (with its exemplar digest when it took exemplars)

    def summary(self) -> dict:
        return {name: summarize(values) for name, values in self.scores.items()}


def render_generated(glyphs: Sequence[Generated], target: SourceFont, size: int) -> np.ndarray:
    return np.stack([render_outline(g.draw, target.frame, size) for g in glyphs])


def evaluate(target: SourceFont, source: SourceFont, codepoints: Sequence[int], stylizer=None, *,
             size: int = 256, batch_size: int = 64, trace_settings: TraceSettings = TraceSettings(),
             pool_map=map, progress: Callable[[int], None] = lambda n: None) -> Evaluation:
    """Generate `codepoints` through the fill path (raster → stylizer → trace) and score them at `size` px."""
    codepoints = [c for c in codepoints if c in target.cmap and c in source.cmap]
    renders = {
        "source": np.stack([render(source, source.cmap[c], size) for c in codepoints]),
        "truth": np.stack([render(target, target.cmap[c], size) for c in codepoints]),
        "copy": render_generated(list(copy_glyphs(source, codepoints, target.frame)), target, size),
    }
    if stylizer is not None:
        stylizer = stylizer.with_target(source, target, set(target.cmap) - set(codepoints))  # never the held-out
        glyphs = list(stylize_glyphs(source, codepoints, target.frame, stylizer, batch_size=batch_size,
                                     trace_settings=trace_settings, pool_map=pool_map, progress=progress))
        renders["model"] = render_generated(glyphs, target, size)
    scores = {name: [score(c, renders[name][i], renders["truth"][i]) for i, c in enumerate(codepoints)]
              for name in ("model", "copy") if name in renders}
    return Evaluation(codepoints, scores, renders, stylizer.model_id if stylizer is not None else "copy")


def write_proof(evaluation: Evaluation, path: Path, size: int = 96) -> list[Path]:
    """source | generated | truth for every glyph, worst IoU first; each label flags a wrong topology (M strokes
    merged, B broken or specks, C counters)."""
    name = "model" if "model" in evaluation.scores else "copy"
    order = np.argsort([s.iou for s in evaluation.scores[name]])
    factor = max(1, evaluation.renders["truth"].shape[1] // size)
    cells = []
    for i in order:
        images = [np.asarray(Image.fromarray(evaluation.renders[key][i]).reduce(factor))
                  for key in ("source", name, "truth")]
        glyph_score = evaluation.scores[name][i]
        cells.append((f"U+{evaluation.codepoints[i]:04X} {glyph_score.iou:.2f} {glyph_score.flags()}", images))
    return write_sheets(path, cells, columns=8)

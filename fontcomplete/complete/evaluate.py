"""Measure generated glyphs against real ones held out of training, next to the copy baseline."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

import numpy as np
from fontTools.pens.recordingPen import RecordingPen
from PIL import Image

from fontcomplete.core.outline import Generated
from fontcomplete.core.provenance import CONFIDENCE_BANDS, CONFIDENCE_MARKS
from fontcomplete.core.scores import GlyphScore, score, summarize
from fontcomplete.fonts.font import SourceFont
from fontcomplete.fonts.raster import render, render_outline
from fontcomplete.generate.generators import Copy, Drawing, Model
from fontcomplete.generate.proof import write_sheets
from fontcomplete.generate.review import Review, confidence_array, least_sure_first
from fontcomplete.generate.stylize import Stylizer
from fontcomplete.outlines.checks import OutlineFigures, outline_figures, summarize_outlines
from fontcomplete.outlines.conventions import Conventions, conventions_of, stem_fit
from fontcomplete.outlines.trace import TraceSettings


@dataclass
class Evaluation:
    codepoints: list[int]
    scores: dict[str, list[GlyphScore]]  # "model" (when a model ran) and "copy"
    renders: dict[str, np.ndarray]  # "source", "truth", "model", "copy": uint8 (N, size, size)
    model_id: str = "copy"  # the stylizer's id as it ran (with its exemplar digest when it took exemplars)
    reviews: dict[int, Review] = field(default_factory=dict)  # a model's glyphs: how sure each is (review.py)
    outlines: dict[str, list[OutlineFigures]] = field(default_factory=dict)  # "truth", "model", "copy", per glyph
    conventions: Conventions = Conventions()  # the target's, learned from its glyphs outside `codepoints`
    trace: TraceSettings | None = None  # how the model's glyphs were traced (None: no model ran)

    def summary(self) -> dict:
        return {name: summarize(values) for name, values in self.scores.items()}

    def outline_summary(self) -> dict:
        """Outline figures (outline_checks.py) of the designer's glyphs and of each method's, as medians and shares."""
        truth = self.outlines.get("truth")
        return {name: summarize_outlines(figures, None if name == "truth" else truth)
                for name, figures in self.outlines.items()}

    def confidence_figures(self) -> dict | None:
        """How well review confidence finds the weak glyphs: its Spearman correlation with the model's IoU, the
        chance that a glyph with the designer's topology is more confident than one without (AUC), the mean IoU and
        topology-ok share of the least sure fifth against the rest, and per mark colour band (green, yellow, red) its
        share of the glyphs and their topology-ok share (None without reviews)."""
        if not self.reviews or "model" not in self.scores:
            return None
        from scipy.stats import mannwhitneyu, spearmanr

        confidence = confidence_array(self.codepoints, self.reviews)
        iou = np.array([s.iou for s in self.scores["model"]])
        topology_ok = np.array([s.topology_ok for s in self.scores["model"]])
        low = np.zeros(len(iou), bool)
        low[np.argsort(confidence, kind="stable")[:max(1, len(iou) // 5)]] = True
        both = topology_ok.any() and not topology_ok.all()
        auc = mannwhitneyu(confidence[topology_ok], confidence[~topology_ok]).statistic / \
            (topology_ok.sum() * (~topology_ok).sum()) if both else float("nan")
        bands, upper = {}, np.inf
        for lowest, color in CONFIDENCE_MARKS:
            inside = (confidence >= lowest) & (confidence < upper)
            bands[CONFIDENCE_BANDS[color]] = {"share": _mean(inside), "topology_ok": _mean(topology_ok[inside])}
            upper = lowest
        varied = len(iou) > 2 and np.ptp(confidence) > 0 and np.ptp(iou) > 0
        return {"spearman_iou": float(spearmanr(confidence, iou)[0]) if varied else float("nan"),
                "auc_topology_ok": float(auc), "bands": bands,
                "least_sure_fifth_iou": _mean(iou[low]), "rest_iou": _mean(iou[~low]),
                "least_sure_fifth_topology_ok": _mean(topology_ok[low]), "rest_topology_ok": _mean(topology_ok[~low])}


def _mean(values: np.ndarray) -> float:
    return float(values.mean()) if len(values) else float("nan")


def render_generated(glyphs: Sequence[Generated], target: SourceFont, size: int) -> np.ndarray:
    return np.stack([render_outline(g.draw, target.frame, size) for g in glyphs])


def _figures(draw_calls, conventions: Conventions) -> list[OutlineFigures]:
    figures = []
    for draw in draw_calls:
        recording = RecordingPen()
        draw(recording)
        figures.append(replace(outline_figures(recording.value), stem_fit=stem_fit(recording.value, conventions)))
    return figures


def evaluate(target: SourceFont, source: SourceFont, codepoints: Sequence[int], stylizer: Stylizer | None = None, *,
             size: int = 256, batch_size: int = 64, trace_settings: TraceSettings = TraceSettings(),
             pool_map=map, progress: Callable[[int], None] = lambda n: None, review_workers: int = 1) -> Evaluation:
    """Generate `codepoints` through the fill path — the copy, and the model when one is given (raster → stylizer
    → trace, in the target's conventions learned from its other glyphs) — review them (fill's confidence) and score
    them at `size` px."""
    codepoints = [c for c in codepoints if c in target.cmap and c in source.cmap]
    drawn = frozenset(target.cmap) - set(codepoints)  # never the held-out: as exemplars, donors or conventions
    conventions = conventions_of(target, drawn)
    generators: dict[str, Drawing] = {"copy": Copy(source, target.frame)}
    if stylizer is not None:
        stylizer = stylizer.with_target(source, target, drawn)
        trace = replace(trace_settings.resolved(stylizer.ink_threshold, stylizer.gap_opening), conventions=conventions)
        generators["model"] = Model(source, target.frame, stylizer, trace, target, drawn, batch_size, pool_map)
    renders = {"source": np.stack([render(source, source.cmap[c], size) for c in codepoints]),
               "truth": np.stack([render(target, target.cmap[c], size) for c in codepoints])}
    outlines = {"truth": _figures((partial(target.draw, target.cmap[c]) for c in codepoints), conventions)}
    reviews = {}
    for name, generator in generators.items():
        glyphs = list(generator.generate(codepoints, progress if name == "model" else lambda n: None))
        renders[name] = render_generated(glyphs, target, size)
        outlines[name] = _figures((g.draw for g in glyphs), conventions)
        reviews.update(generator.reviews(codepoints, review_workers))
    scores = {name: [score(c, renders[name][i], renders["truth"][i]) for i, c in enumerate(codepoints)]
              for name in generators}
    model = generators.get("model", generators["copy"])
    return Evaluation(codepoints, scores, renders, model.id, reviews, outlines, conventions, model.trace)


def write_proof(evaluation: Evaluation, path: Path, size: int = 96) -> list[Path]:
    """source | generated | truth for every glyph: least sure first as fill's proof orders them (a model's glyphs),
    else worst IoU first. Each label gives the confidence (c), the IoU and flags a wrong topology (M strokes merged,
    B broken or specks, C counters)."""
    name = "model" if "model" in evaluation.scores else "copy"
    if evaluation.reviews:
        index = {c: i for i, c in enumerate(evaluation.codepoints)}
        order = [index[c] for c in least_sure_first(evaluation.codepoints, evaluation.reviews)]
    else:
        order = np.argsort([s.iou for s in evaluation.scores[name]])
    factor = max(1, evaluation.renders["truth"].shape[1] // size)
    cells = []
    for i in order:
        images = [np.asarray(Image.fromarray(evaluation.renders[key][i]).reduce(factor))
                  for key in ("source", name, "truth")]
        glyph_score = evaluation.scores[name][i]
        review = evaluation.reviews.get(evaluation.codepoints[i])
        sure = f"c{review.confidence:.2f} " if review is not None else ""
        cells.append((f"U+{evaluation.codepoints[i]:04X} {sure}{glyph_score.iou:.2f} {glyph_score.flags()}", images))
    return write_sheets(path, cells, columns=8)

"""How steady a model's glyph is: whether the strokes and counters it traces to hold across the model's views and
across trace thresholds. A glyph whose topology changes with a view or a threshold is one the model is unsure of.

Measured at the model's own resolution: on the validation characters of two panel runs (Zen Maru Gothic, IPAex
Mincho) it finds the glyphs with a wrong topology as well as at the traced resolution (AUC 0.774 / 0.790 against
0.776 / 0.799 at 3×, as a factor of the review confidence) in a sixth of the time (docs/experiments.md)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from fontcomplete.core.scores import topology
from fontcomplete.outlines.trace import TraceSettings, despeckled, traced_coverage

TRACE_THRESHOLDS = (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6)  # the thresholds a model is calibrated among


def traced_topology(coverage: np.ndarray, threshold: float, settings: TraceSettings) -> tuple[int, int]:
    """(ink pieces, counters) of the mask potrace traces from upsampled coverage at `threshold` (specks dropped)."""
    return topology(despeckled(coverage >= threshold, settings))


def steadiness(views: np.ndarray, settings: TraceSettings) -> float:
    """0..1: the share of the model's views (V, S, S ink) whose own mask has the topology of their mean's, times the
    share of TRACE_THRESHOLDS at which the mean has that same topology; masks as binarize() makes them with the
    glyph's threshold and gap opening (`settings`, resolved), but at the views' own size."""
    settings = replace(settings, upsample=1)
    mean = traced_coverage(np.mean(views, axis=0), settings.open_gaps, 1)
    traced = traced_topology(mean, settings.threshold, settings)
    views_agree = np.mean([traced_topology(traced_coverage(view, settings.open_gaps, 1), settings.threshold, settings)
                           == traced for view in views])
    thresholds_agree = np.mean([traced_topology(mean, t, settings) == traced for t in TRACE_THRESHOLDS])
    return float(views_agree * thresholds_agree)

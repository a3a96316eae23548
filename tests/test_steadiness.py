import numpy as np

from fontcomplete.outlines.steadiness import TRACE_THRESHOLDS, steadiness
from fontcomplete.outlines.trace import TraceSettings

SETTINGS = TraceSettings(threshold=0.5, open_gaps=0.0)


def two_strokes(join: float) -> np.ndarray:
    """64 px coverage: two vertical strokes with a bar between them whose coverage is `join` (0: two pieces)."""
    ink = np.zeros((64, 64), np.float32)
    ink[10:54, 12:22] = ink[10:54, 42:52] = 1.0
    ink[28:36, 22:42] = join
    return ink


def test_a_glyph_every_view_and_threshold_traces_alike_is_fully_steady():
    assert steadiness(np.stack([two_strokes(1.0)] * 5), SETTINGS) == 1.0
    assert steadiness(np.stack([two_strokes(0.0)] * 5), SETTINGS) == 1.0


def test_a_view_that_breaks_the_join_lowers_steadiness_by_its_share():
    views = np.stack([two_strokes(1.0)] * 4 + [two_strokes(0.0)])  # mean join 0.8: joined at every threshold
    assert steadiness(views, SETTINGS) == 0.8


def test_a_faint_join_that_only_some_thresholds_keep_lowers_steadiness():
    faint = two_strokes(0.3)  # apart at 0.50 as at 0.35-0.60, joined at 0.20-0.30
    assert steadiness(np.stack([faint] * 5), SETTINGS) == 6 / len(TRACE_THRESHOLDS)

"""Trace grayscale arrays in the em-box frame into clean contours in font units (potrace + skia-pathops)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from functools import partial
from typing import Optional

import numpy as np
import pathops
from fontTools.pens.recordingPen import RecordingPen
from fontTools.pens.roundingPen import RoundingPen
from PIL import Image

from fontcomplete.core.frame import EmFrame
from fontcomplete.core.outline import replay
from fontcomplete.core.scores import topology
from fontcomplete.fonts.raster import render_outline
from fontcomplete.outlines.conventions import Conventions
from fontcomplete.outlines.potrace_lib import CORNER, trace_curves
from fontcomplete.outlines.redraw import RedrawSettings, redraw

DEFAULT_THRESHOLD = 0.5  # for a model without a calibrated threshold (and for real renders)
GAP_WINDOW_AT_128 = 5  # px square, at 128 px, within which gap opening looks for ink on both sides of a gap
TURNPOLICIES = {"black": 0, "white": 1, "minority": 4, "majority": 5}  # potracelib.h POTRACE_TURNPOLICY_*
OUTLINES = ("drawn", "potrace")
REDRAW_TRIES = (RedrawSettings(), RedrawSettings(tolerance=0.004, deviation=0.006, bridge=0.012, corner_gap=0.014,
                                                   convex_corner_gap=0.007))


@dataclass(frozen=True)
class TraceSettings:
    """How a bitmap becomes outlines. Defaults: tuned on Zen Maru Gothic's rounded strokes, with a speck filter for
    averaged model views."""

    upsample: int = 3  # bicubic factor applied before the threshold (soft edges → smooth contours)
    threshold: Optional[float] = None  # ink coverage that counts as black; None: the model's calibrated one, else 0.5
    open_gaps: Optional[float] = None  # gap opening strength (open_gaps()); None: the model's calibrated one, else 0
    turdsize_at_128: float = 10.0  # potrace speck area in px² at 128 px, scaled with the traced area: removes the
    # specks averaged model views leave (3-7 px²); real Han glyphs of Zen Maru Gothic and Noto Sans CJK TC have no
    # ink area under 45 px² but one 0.1 px² sliver (models/zen-maru-gothic/README.md)
    alphamax: float = 1.2  # potrace's corner threshold: 0 polygons … 1.334 no corners (outline "potrace")
    opttolerance: float = 0.2  # potrace's curve-simplification tolerance, in traced pixels (outline "potrace")
    turnpolicy: str = "minority"
    round_coordinates: bool = True
    outline: str = "drawn"  # "drawn": potrace's polygon redrawn as a designer draws (redraw.py); "potrace": its curves
    conventions: Conventions = Conventions()  # the target font's stems and corners the drawn outline follows

    def __post_init__(self) -> None:
        if self.upsample < 1:
            raise ValueError("upsample must be >= 1")
        if self.threshold is not None and not 0 < self.threshold < 1:
            raise ValueError("threshold must lie strictly between 0 and 1")
        if self.open_gaps is not None and not 0 <= self.open_gaps <= 100:
            raise ValueError("open_gaps must lie between 0 and 100")
        if self.turnpolicy not in TURNPOLICIES:
            raise ValueError(f"turnpolicy must be one of {sorted(TURNPOLICIES)}")
        if self.outline not in OUTLINES:
            raise ValueError(f"outline must be one of {', '.join(OUTLINES)}")

    def resolved(self, threshold: float | None = None, open_gaps: float | None = None) -> TraceSettings:
        """These settings with threshold and gap opening fixed: the ones given, else the model's calibrated
        `threshold` and `open_gaps`, else 0.5 and 0."""
        def pick(given, calibrated, default):
            return given if given is not None else calibrated if calibrated is not None else default
        return replace(self, threshold=pick(self.threshold, threshold, DEFAULT_THRESHOLD),
                       open_gaps=pick(self.open_gaps, open_gaps, 0.0))

    def turdsize(self, traced_size: int) -> int:
        return int(round(self.turdsize_at_128 * (traced_size / 128) ** 2))

    def to_dict(self) -> dict:
        return asdict(self)

    def describe(self) -> str:
        """One line for a glyph's provenance: 'threshold 0.35, upsample 3, turdsize 2, alphamax 1.2, …'."""
        items = {**self.to_dict(), "conventions": self.conventions.describe()}
        return ", ".join(f"{key} {value}" for key, value in items.items() if key != "round_coordinates")

def as_coverage(image: np.ndarray) -> np.ndarray:
    """uint8 (255 = ink) or float (1 = ink) → float32 coverage in 0..1."""
    if image.dtype == np.uint8:
        return image.astype(np.float32) / 255.0
    return np.clip(image.astype(np.float32), 0.0, 1.0)


def open_gaps(coverage: np.ndarray, strength: float) -> np.ndarray:
    """Coverage with its narrow valleys deepened: minus `strength` times its grey-level black top-hat (closing minus
    coverage, over a GAP_WINDOW_AT_128 square scaled to the image).

    A model unsure where two close strokes lie draws the background between them at partial coverage, and a plain
    threshold runs them together. The top-hat is large there, between inked sides, and near 0 inside a stroke and
    on its outer edge, so a strength of a few pulls such gaps under the threshold. It is large too where a stroke's
    own ink dips (a join drawn faint): there opening cuts the join (models/zen-maru-gothic/README.md measures both).
    """
    if strength <= 0:
        return coverage
    from scipy.ndimage import grey_closing

    window = max(3, round(GAP_WINDOW_AT_128 * coverage.shape[0] / 128))
    closed = grey_closing(coverage, size=(window, window))
    return np.clip(coverage - strength * (closed - coverage), 0.0, 1.0).astype(np.float32)


def binarize(image: np.ndarray, settings: TraceSettings) -> np.ndarray:
    """Open narrow gaps, upsample the coverage bicubically, then threshold it to a boolean ink mask."""
    settings = settings.resolved()
    return traced_coverage(image, settings.open_gaps, settings.upsample) >= settings.threshold


def traced_coverage(image: np.ndarray, gap_opening: float, upsample: int) -> np.ndarray:
    """The coverage binarize() thresholds: narrow gaps opened, then upsampled bicubically."""
    coverage = open_gaps(as_coverage(image), gap_opening)
    if upsample > 1:
        height, width = coverage.shape
        size = (width * upsample, height * upsample)
        coverage = np.asarray(Image.fromarray(coverage, mode="F").resize(size, Image.Resampling.BICUBIC))
    return coverage


def despeckled(mask: np.ndarray, settings: TraceSettings) -> np.ndarray:
    """The mask as potrace traces it: ink areas and holes of at most the speck area (turdsize) removed."""
    from scipy.ndimage import label

    area = settings.turdsize(mask.shape[0])

    def without_small(ink: np.ndarray, structure) -> np.ndarray:
        labels, _ = label(ink, structure)
        keep = np.bincount(labels.ravel()) > area
        keep[0] = False
        return keep[labels]
    ink = without_small(mask, np.ones((3, 3)))
    return ~without_small(~ink, None)  # holes: 4-connected background


def ink_window(mask: np.ndarray, margin: int = 2) -> tuple[int, int, int, int]:
    """(top, bottom, left, right) of the inked part of a mask plus a margin, clipped to the image."""
    rows = np.flatnonzero(mask.any(axis=1))
    cols = np.flatnonzero(mask.any(axis=0))
    height, width = mask.shape
    return (max(rows[0] - margin, 0), min(rows[-1] + 1 + margin, height),
            max(cols[0] - margin, 0), min(cols[-1] + 1 + margin, width))

def _window_curves(mask: np.ndarray, settings: TraceSettings) -> tuple[int, int, list]:
    """potrace's curves of the mask's inked window, in that window's pixels, and the window's left and top."""
    top, bottom, left, right = ink_window(mask)
    alphamax = 0.0 if settings.outline == "drawn" else settings.alphamax  # drawn: redraw() takes the polygon
    return left, top, trace_curves(mask[top:bottom, left:right], settings.turdsize(mask.shape[0]),
                                   TURNPOLICIES[settings.turnpolicy], alphamax, settings.opttolerance)


def _draw_curves(curves: list, pen) -> None:
    for start, segments in curves:
        if all(tag == CORNER for tag, _ in segments):  # a polygon (alphamax 0): its vertices, not the edge midpoints
            pen.moveTo(segments[-1][1][1])
            for _, (_, vertex, _) in segments[:-1]:
                pen.lineTo(vertex)
            pen.closePath()
            continue
        pen.moveTo(start)
        for tag, (c1, c2, end) in segments:
            if tag == CORNER:
                pen.lineTo(c2)
                pen.lineTo(end)
            else:
                pen.curveTo(c1, c2, end)
        pen.closePath()


def em_box_path(frame: EmFrame) -> pathops.Path:
    """The em box as a counter-clockwise square path (what traced outlines are cut to)."""
    box = pathops.Path()
    pen = box.getPen()
    left, bottom, right, top = frame.left, frame.bottom, frame.left + frame.side, frame.top
    pen.moveTo((left, bottom))
    for point in ((right, bottom), (right, top), (left, top)):
        pen.lineTo(point)
    pen.closePath()
    return box


def trace(image: np.ndarray, frame: EmFrame, pen, settings: TraceSettings = TraceSettings()) -> None:
    """Trace a square image of the em box into `pen` in the frame's font units.

    Contours come out cleaned by skia-pathops: overlaps removed, outer contours
    counter-clockwise and holes clockwise (the UFO/CFF convention), and cut to the em box: the image holds no ink
    beyond it, so where a curve fitted to ink at the image's edge bulges past it, the bulge is an artifact. With
    outline "drawn" (the default) potrace's polygon is then redrawn as a designer draws (drawn_outline).
    """
    if image.ndim != 2 or image.shape[0] != image.shape[1]:
        raise ValueError(f"expected a square 2-D image, got shape {image.shape}")
    mask = binarize(image, settings)
    if settings.outline == "drawn":
        polygon = RecordingPen()
        _traced_path(mask, frame, settings).draw(polygon)
        drawn = drawn_outline(polygon.value, frame, despeckled(mask, settings), settings.conventions)
        if drawn is not None:
            replay(drawn, pen)  # on whole units already
            return
        settings = replace(settings, outline="potrace")
    _traced_path(mask, frame, settings).draw(RoundingPen(pen) if settings.round_coordinates else pen)


def _traced_path(mask: np.ndarray, frame: EmFrame, settings: TraceSettings) -> pathops.Path:
    """potrace's contours of the mask in font units, overlaps removed and cut to the em box."""
    path = pathops.Path()
    if mask.any():
        left, top, curves = _window_curves(mask, settings)
        _draw_curves(curves, path.getPen())
        path = path.transform(*frame.pixel_to_font(mask.shape[0]).translate(left, top))  # in skia, not per point
    path = pathops.simplify(path, fix_winding=True, clockwise=False)
    try:
        return pathops.op(path, em_box_path(frame), pathops.PathOp.INTERSECTION, fix_winding=True, clockwise=False)
    except pathops.PathOpsError:  # skia gives up on some noisy paths; fill's checks still flag any ink outside
        return path


def drawn_outline(polygon: list, frame: EmFrame, ink: np.ndarray,
                  conventions: Conventions = Conventions()) -> list | None:
    """The traced polygon redrawn (redraw.py) with the loosest settings that keep the topology of the ink it traced
    (`ink`, the despeckled mask) or of the polygon itself: the same ink pieces and counters at the traced size, so
    strokes the ink keeps apart stay apart. None when no redraw does."""
    wanted, traced = topology(ink), None
    for settings in REDRAW_TRIES:
        drawn = redraw(polygon, frame.side, settings, conventions)
        found = _topology(drawn, frame, ink.shape[0])
        if found == wanted:
            return drawn
        traced = traced or _topology(polygon, frame, ink.shape[0])
        if found == traced:
            return drawn
    return None


def _topology(outline: list, frame: EmFrame, size: int) -> tuple[int, int]:
    image = render_outline(partial(replay, outline), frame, size)
    return topology(image)


def trace_to_recording(image: np.ndarray, frame: EmFrame, settings: TraceSettings = TraceSettings()) -> list:
    """trace() into a picklable list of pen operations (for worker processes)."""
    recording = RecordingPen()
    trace(image, frame, recording, settings)
    return recording.value

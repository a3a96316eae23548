"""An outline as a type designer judges it: points, contours, straight stems, and fontbakery's outline checks."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from fontTools.pens.basePen import decomposeQuadraticSegment

# fontbakery's thresholds (fontbakery/checks/outline_settings.py), applied here glyph by glyph: fontbakery itself
# passes a font once a check finds more than 100 cases, which every traced CJK font does.
SHORT_PATH_EPSILON = 0.006  # a segment shorter than 0.6% of its contour's length is short
SHORT_PATH_ABSOLUTE_EPSILON = 3  # … or shorter than 3 units
COLINEAR_EPSILON = 0.1  # radians between two consecutive lines
JAG_ANGLE = 0.25  # radians: a join sharper than this is jaggy
SEMI_VERTICAL_DEGREES = 0.5  # a line this close to an axis, but not on it, is semi-vertical or semi-horizontal
CUBIC_STEPS = 16  # a cubic's length: this many chords

Point = tuple[float, float]


@dataclass(frozen=True)
class OutlineFigures:
    """One glyph's outline figures; the four finding counts follow fontbakery's outline_* checks."""

    on_curve: int  # points on the outline (segment ends), as an editor shows them
    contours: int
    straight_share: float  # share of outline length in exactly horizontal or vertical lines
    jaggy: int  # outline_jaggy_segments
    semi_vertical: int  # outline_semi_vertical
    colinear: int  # outline_colinear_vectors
    short: int  # outline_short_segments
    missing_extrema: int = 0  # cubics with an extremum but no point there (missing_extrema)
    stem_fit: float | None = None  # share of stem length at the font's stem widths (conventions.stem_fit), if known

    @property
    def flagged(self) -> bool:
        """A jaggy, semi-vertical/horizontal or colinear finding: what a designer would have to fix by hand."""
        return bool(self.jaggy or self.semi_vertical or self.colinear)

    def as_json(self) -> dict:
        return asdict(self)


def contour_segments(outline: Iterable) -> list[list[list[Point]]]:
    """Segment-pen operations → contours of segments, each the list of its points from start to end (2 for a line,
    4 for a cubic; TrueType quadratic runs split at their implied on-curve points, each raised to a cubic), with the
    closing line where a closed contour does not end where it began."""
    contours, segments, start, current = [], [], None, None
    for operator, operands in outline:
        if operator == "moveTo":
            segments, start = [], tuple(operands[0])
            current = start
        elif operator == "lineTo":
            segments.append([current, tuple(operands[0])])
            current = segments[-1][-1]
        elif operator == "curveTo":
            segments.append([current, *map(tuple, operands)])
            current = segments[-1][-1]
        elif operator == "qCurveTo":
            for control, end in decomposeQuadraticSegment(operands):
                segments.append(_quad_as_cubic(current, tuple(control), tuple(end)))
                current = segments[-1][-1]
        elif operator in ("closePath", "endPath"):
            if operator == "closePath" and segments and current != start:
                segments.append([current, start])
            if segments:
                contours.append(segments)
            segments = []
    return contours


def _quad_as_cubic(p0: Point, q: Point, p1: Point) -> list[Point]:
    return [p0, (p0[0] + 2 / 3 * (q[0] - p0[0]), p0[1] + 2 / 3 * (q[1] - p0[1])),
            (p1[0] + 2 / 3 * (q[0] - p1[0]), p1[1] + 2 / 3 * (q[1] - p1[1])), p1]


def segment_length(segment: list[Point]) -> float:
    if len(segment) == 2:
        return math.dist(*segment)
    p0, c1, c2, p1 = segment
    points = [cubic_at(p0, c1, c2, p1, i / CUBIC_STEPS) for i in range(CUBIC_STEPS + 1)]
    return sum(math.dist(a, b) for a, b in zip(points, points[1:]))


def cubic_at(p0: Point, c1: Point, c2: Point, p1: Point, t: float) -> Point:
    """The point of a cubic Bézier at parameter t."""
    s = 1 - t
    a, b, c, d = s * s * s, 3 * s * s * t, 3 * s * t * t, t * t * t
    return (a * p0[0] + b * c1[0] + c * c2[0] + d * p1[0], a * p0[1] + b * c1[1] + c * c2[1] + d * p1[1])


def _tangent(segment: list[Point], at_end: bool) -> Point:
    """The direction the segment leaves its start (or arrives at its end), from the nearest distinct point."""
    points = segment[::-1] if at_end else segment
    other = next((p for p in points[1:] if p != points[0]), points[0])
    direction = (other[0] - points[0][0], other[1] - points[0][1])
    return (-direction[0], -direction[1]) if at_end else direction


def _angle(vector: Point) -> float:
    return math.atan2(vector[1], vector[0])


def _is_axis_line(segment: list[Point]) -> bool:
    if len(segment) != 2:
        return False
    (x0, y0), (x1, y1) = segment
    return (x0 == x1 or y0 == y1) and (x0, y0) != (x1, y1)


def jaggy_join(previous: list[Point], this: list[Point]) -> bool:
    """fontbakery's outline_jaggy_segments test of one join: the outline turns back on itself sharply."""
    incoming = _tangent(previous, at_end=True)
    incoming = (-incoming[0], -incoming[1])
    outgoing = _tangent(this, at_end=False)
    norm = math.hypot(*incoming) * math.hypot(*outgoing)
    if not norm:
        return False
    cosine = (incoming[0] * outgoing[0] + incoming[1] * outgoing[1]) / norm
    if not -1 <= cosine <= 1:
        return False
    angle = math.acos(cosine)
    return 0 < angle <= JAG_ANGLE


def _semi_vertical(segment: list[Point]) -> bool:
    if len(segment) != 2:
        return False
    angle = math.degrees(_angle((segment[1][0] - segment[0][0], segment[1][1] - segment[0][1])))
    return any(0 < abs(angle - axis) <= SEMI_VERTICAL_DEGREES for axis in (-180, -90, 0, 90, 180))


def missing_extrema(segments: list[list[Point]], tolerance: float = 1.0) -> int:
    """Cubics that bulge more than `tolerance` units beyond both their ends in x or y: an extremum without an
    on-curve point, which a designer would add (RedArrow, Glyph Nanny)."""
    count = 0
    for segment in segments:
        if len(segment) != 4:
            continue
        for c in (0, 1):
            p0, c1, c2, p1 = (point[c] for point in segment)
            a, b, k = -p0 + 3 * c1 - 3 * c2 + p1, 2 * (p0 - 2 * c1 + c2), c1 - p0  # derivative / 3: a t² + b t + k
            roots = [-k / b] if abs(a) < 1e-12 and abs(b) > 1e-12 else [] if abs(a) < 1e-12 else \
                [(-b + sign * math.sqrt(b * b - 4 * a * k)) / (2 * a) for sign in (1, -1)] if b * b >= 4 * a * k else []
            values = [cubic_at(*segment, t)[c] for t in roots if 0 < t < 1]
            if any(v > max(p0, p1) + tolerance or v < min(p0, p1) - tolerance for v in values):
                count += 1
                break
    return count


def _short(segment: list[Point], contour_length: float, previous_was_line: bool) -> bool:
    length = segment_length(segment)
    if math.isclose(length, 0):
        return True
    small = length < SHORT_PATH_ABSOLUTE_EPSILON or length < SHORT_PATH_EPSILON * contour_length
    return small and (previous_was_line or len(segment) > 2)


def outline_figures(outline: Iterable) -> OutlineFigures:
    """The figures of one glyph's outline (segment-pen operations, font units)."""
    contours = contour_segments(outline)
    total = straight = 0.0
    jaggy = semi = colinear = short = extrema = 0
    for segments in contours:
        extrema += missing_extrema(segments)
        lengths = [segment_length(s) for s in segments]
        contour_length = sum(lengths)
        total += contour_length
        straight += sum(length for s, length in zip(segments, lengths) if _is_axis_line(s))
        previous_was_line = len(segments[-1]) == 2
        for i, this in enumerate(segments):
            previous = segments[i - 1]
            jaggy += jaggy_join(previous, this)
            semi += _semi_vertical(this)
            colinear += len(previous) == 2 and len(this) == 2 and \
                abs(_angle(_tangent(previous, False)) - _angle(_tangent(this, False))) < COLINEAR_EPSILON
            short += _short(this, contour_length, previous_was_line)
            previous_was_line = len(this) == 2
    on_curve = sum(len(segments) for segments in contours)
    return OutlineFigures(on_curve, len(contours), straight / total if total else 0.0, jaggy, semi, colinear, short,
                          extrema)


def summarize_outlines(figures: list[OutlineFigures], reference: list[OutlineFigures] | None = None) -> dict:
    """Medians and shares over glyphs; with `reference` (the designer's glyphs of the same characters, in order)
    also the median ratio of on-curve points to the designer's."""
    if not figures:
        return {}
    summary = {"on_curve_median": _median([f.on_curve for f in figures]),
               "contours_median": _median([f.contours for f in figures]),
               "straight_share_median": _median([f.straight_share for f in figures]),
               "flagged_share": sum(f.flagged for f in figures) / len(figures),
               **{f"{name}_share": sum(getattr(f, name) > 0 for f in figures) / len(figures)
                  for name in ("jaggy", "semi_vertical", "colinear", "short", "missing_extrema")}}
    fits = [f.stem_fit for f in figures if f.stem_fit is not None]
    if fits:
        summary["stem_fit_mean"] = sum(fits) / len(fits)
    if reference is not None:
        summary["on_curve_ratio_median"] = _median([f.on_curve / max(1, r.on_curve) for f, r in zip(figures, reference)])
    return summary


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return float(ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2)

"""Traced contours redrawn as a designer draws them: edges the ink draws straight and nearly level or upright become
single exact horizontal or vertical lines, and the curves that meet them join smoothly."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from fontcomplete.outline_checks import contour_segments

Point = tuple[float, float]


@dataclass(frozen=True)
class StraightenSettings:
    """How far an edge may stray from a straight axis line and still become one (fractions of the em, degrees)."""

    max_angle: float = 6.0  # degrees from horizontal or vertical
    flatness: float = 0.004  # a curve whose handles lie this close to its chord is a line
    deviation: float = 0.006  # the points of a run may lie this far from its level (or upright) line


def straighten(outline: Iterable, em: float, settings: StraightenSettings = StraightenSettings()) -> list:
    """Redraw closed contours (segment-pen operations, font units) with their straight level and upright edges as
    single exact lines; curves, diagonals and open paths are kept."""
    out = []
    for segments in contour_segments(outline):
        out += _redraw(_straightened(segments, em, settings))
    return out


def _axis(segment: list[Point], em: float, settings: StraightenSettings) -> str | None:
    """'H' or 'V' when the segment is (nearly) a straight line within max_angle of that axis, else None."""
    start, end = segment[0], segment[-1]
    dx, dy = end[0] - start[0], end[1] - start[1]
    if dx == dy == 0:
        return None
    if len(segment) == 4 and max(_distance_to_line(p, start, end) for p in segment[1:3]) > settings.flatness * em:
        return None
    angle = math.degrees(math.atan2(abs(dy), abs(dx)))
    return "H" if angle <= settings.max_angle else "V" if angle >= 90 - settings.max_angle else None


def _distance_to_line(point: Point, start: Point, end: Point) -> float:
    length = math.dist(start, end)
    return abs((end[0] - start[0]) * (start[1] - point[1]) - (start[0] - point[0]) * (end[1] - start[1])) / length


def _runs(labels: list[str | None]) -> list[tuple[int, int]]:
    """(first, last) segment indices of each maximal run of one axis label (labels rotated to start a run)."""
    runs, i = [], 0
    while i < len(labels):
        j = i
        while labels[i] is not None and j + 1 < len(labels) and labels[j + 1] == labels[i]:
            j += 1
        if labels[i] is not None:
            runs.append((i, j))
        i = j + 1
    return runs


def _straightened(segments: list[list[Point]], em: float, settings: StraightenSettings) -> list[list[Point]]:
    labels = [_axis(s, em, settings) for s in segments]
    if len(set(labels)) == 1 and labels[0] is not None:
        return segments  # a contour all one way: nothing to anchor a run to
    start = next((i for i in range(len(labels)) if labels[i] != labels[i - 1]), 0)
    segments, labels = segments[start:] + segments[:start], labels[start:] + labels[:start]
    points = [list(s[0]) for s in segments]  # on-curve point i starts segment i
    handles = [[list(p) for p in s[1:3]] if len(s) == 4 else None for s in segments]
    dropped, level = set(), {}
    for first, last in _runs(labels):
        coordinate = 1 if labels[first] == "H" else 0
        ends = [segments[k][0] for k in range(first, last + 1)] + [segments[last][-1]]
        lengths = [math.dist(segments[k][0], segments[k][-1]) for k in range(first, last + 1)]
        mean = sum((a[coordinate] + b[coordinate]) / 2 * w for a, b, w in zip(ends, ends[1:], lengths)) / sum(lengths)
        if max(abs(p[coordinate] - mean) for p in ends) > settings.deviation * em:
            continue
        for k in range(first, last + 2):
            level.setdefault(k % len(points), {})[coordinate] = mean
        for k in range(first, last + 1):
            handles[k] = None  # the run becomes one line
        dropped.update(range(first + 1, last + 1))
    for k, snapped in level.items():
        moved = [snapped.get(axis, points[k][axis]) - points[k][axis] for axis in (0, 1)]
        points[k] = [points[k][axis] + moved[axis] for axis in (0, 1)]
        _move_handles(handles, k, points[k], moved, snapped, settings.max_angle)
    return _rebuilt(points, handles, dropped)


def _move_handles(handles: list, k: int, point: list[float], moved: list[float], snapped: dict,
                  max_angle: float) -> None:
    """Carry the handles beside on-curve point k along with it; a handle that nearly follows the line the point now
    ends is laid along it, so that line and curve join smoothly (a corner stays a corner)."""
    before, after = handles[k - 1], handles[k]
    for handle in ([before[1]] if before else []) + ([after[0]] if after else []):
        for axis in (0, 1):
            handle[axis] += moved[axis]
        for axis, value in snapped.items():  # axis 1 snapped: a level line, whose direction is along x
            along, across = abs(handle[1 - axis] - point[1 - axis]), abs(handle[axis] - value)
            if along and math.degrees(math.atan2(across, along)) <= 2 * max_angle:
                handle[axis] = value


def _rebuilt(points: list[list[float]], handles: list, dropped: set[int]) -> list[list[Point]]:
    kept = [k for k in range(len(points)) if k not in dropped]
    segments = []
    for n, k in enumerate(kept):
        end = tuple(points[kept[(n + 1) % len(kept)]])
        start = tuple(points[k])
        if handles[k] is not None:
            segments.append([start, *map(tuple, handles[k]), end])
        elif start != end:
            segments.append([start, end])
    return segments


def _redraw(segments: list[list[Point]]) -> list:
    if not segments:
        return []
    ops = [("moveTo", (segments[0][0],))]
    for segment in segments:
        ops.append(("lineTo", (segment[1],)) if len(segment) == 2 else ("curveTo", tuple(segment[1:])))
    if ops[-1][0] == "lineTo" and ops[-1][1][0] == segments[0][0]:
        ops.pop()  # the closing line is implied
    ops.append(("closePath", ()))
    return ops

"""Traced polygons redrawn as a type designer draws: level and upright edges as single exact lines, sharp corners
where two such edges meet, everything else as few smooth cubic curves fitted to the ink's edge."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, replace

from fontcomplete.outlines.checks import contour_segments
from fontcomplete.outlines.conventions import Conventions, Edge, stem_pairs
from fontcomplete.outlines.curve_fit import cross, densified, fit_polyline, sub, turn_at, unit
from fontcomplete.outlines.redraw_tidy import join_ends, rounded, tidied

Point = tuple[float, float]


@dataclass(frozen=True)
class RedrawSettings:
    """Tolerances as fractions of the em (angles in degrees). Defaults: a polygon traced at 384 px over the em."""

    max_angle: float = 8.0  # an edge within this of level or upright belongs to a straight stem edge
    min_run: float = 0.02  # … when the edges in a row that way are at least this long together
    deviation: float = 0.01  # the points of a straight edge lie this close to its exact line
    bridge: float = 0.05  # a wobble this short between two edges running the same way is part of one edge
    corner_gap: float = 0.03  # a level and an upright edge this close meet in a sharp inner corner…
    convex_corner_gap: float = 0.014  # … or outer corner (a wider rounding there is a rounded stroke end)
    corner_turn: float = 55.0  # elsewhere a turn this sharp at one vertex is a corner
    tolerance: float = 0.008  # fitted curves stay this close to the polygon
    stub: float = 0.003  # a segment shorter than this is folded into its neighbours
    stem_snap: float = 0.15  # a stroke this close to one of the font's stem widths (a fraction of it) takes it


def redraw(outline: Iterable, em: float, settings: RedrawSettings = RedrawSettings(),
           conventions: Conventions = Conventions()) -> list:
    """Closed polygons (segment-pen operations, font units) redrawn as lines and cubic curves, on whole units, in
    the font's conventions: stems at its stem widths where the ink is close to one, outer corners as it draws them."""
    if conventions.sharp_corners:
        settings = replace(settings, convex_corner_gap=settings.corner_gap)
    contours = [points for segments in contour_segments(outline) if len(points := _vertices(segments)) >= 3]
    runs = [_runs(points, em, settings) for points in contours]
    if conventions.glyphs:
        _snap_stems(contours, runs, conventions, settings.stem_snap)
    ops = []
    for points, contour_runs in zip(contours, runs):
        segments = rounded(_contour(points, contour_runs, em, settings))
        ops += _draw(tidied(segments, settings.stub * em, settings.corner_gap * em, settings.deviation * em,
                            settings.tolerance * em))
    return ops


def _snap_stems(contours: list[list[Point]], runs: list[list[_Run]], conventions: Conventions,
                snap: float) -> None:
    """Move the two edges of each stroke apart or together, about their middle, to the nearest of the font's stem
    widths when they are within `snap` of it (as a fraction of that width)."""
    edge_runs: dict[Edge, _Run] = {}
    for points, contour_runs in zip(contours, runs):
        for run in contour_runs:
            start, end = _run_ends(points, run)
            c = 0 if run.axis == "H" else 1
            edge = Edge(run.axis, run.level, min(start[c], end[c]), max(start[c], end[c]),
                        ink_above=end[0] > start[0] if run.axis == "H" else end[1] < start[1])
            edge_runs.setdefault(edge, run)  # an edge traced twice (two contours' shared line) moves once
    widest = max((*conventions.vertical_stems, *conventions.horizontal_stems), default=0) * (1 + snap)
    for low, high in stem_pairs(list(edge_runs), widest):
        width = high.level - low.level
        stem = min(conventions.stems(low.axis), key=lambda s: abs(s - width), default=None)
        if stem is not None and abs(width - stem) <= snap * stem:
            edge_runs[low].level = round((low.level + high.level - stem) / 2)
            edge_runs[high].level = edge_runs[low].level + stem


def _vertices(segments: list[list[Point]]) -> list[Point]:
    """The polygon's corners in order, repeated and exactly colinear points left out."""
    points = [s[0] for s in segments]
    points = [p for i, p in enumerate(points) if p != points[i - 1]]
    return [p for i, p in enumerate(points)
            if abs(cross(sub(p, points[i - 1]), sub(points[(i + 1) % len(points)], p))) > 1e-9] or points


def _edge_axis(a: Point, b: Point, max_angle: float) -> str | None:
    angle = math.degrees(math.atan2(abs(b[1] - a[1]), abs(b[0] - a[0])))
    return "H" if angle <= max_angle else "V" if angle >= 90 - max_angle else None


@dataclass
class _Run:
    """Edges first..last (edge i joins vertex i to i+1) drawn as one exact line at `level` along `axis`."""

    first: int
    last: int
    axis: str
    level: float


def _runs(points: list[Point], em: float, settings: RedrawSettings) -> list[_Run]:
    """The straight level and upright edges of a contour. A short wobble between two edges running the same way is
    bridged, so the whole edge becomes one line; where the bridged edge is not straight enough, its parts are tried
    on their own."""
    n = len(points)
    labels = [_edge_axis(points[i], points[(i + 1) % n], settings.max_angle) for i in range(n)]
    lengths = [math.dist(points[i], points[(i + 1) % n]) for i in range(n)]
    bridged = _bridged(labels, lengths, settings.bridge * em)
    runs = []
    for first, last in _stretches(bridged):
        run = _fitted_run(points, first, last, bridged[first % n], em, settings)
        if run is not None:
            runs.append(run)
            continue
        for part_first, part_last in _stretches(labels, first, last):
            run = _fitted_run(points, part_first, part_last, labels[part_first % n], em, settings)
            if run is not None:
                runs.append(run)
    return runs


def _stretches(labels: list[str | None], first: int | None = None, last: int | None = None) -> list[tuple[int, int]]:
    """(first, last) edge indices of each maximal stretch of one non-None label, on the whole closed contour
    (indices may pass its end) or within edges first..last."""
    n = len(labels)
    if first is None:
        first = next((i for i in range(n) if labels[i] != labels[i - 1]), None)
        if first is None:
            return []
        last = first + n - 1
    out, i = [], first
    while i <= last:
        j = i
        while labels[i % n] is not None and j + 1 <= last and labels[(j + 1) % n] == labels[i % n]:
            j += 1
        if labels[i % n] is not None:
            out.append((i, j))
        i = j + 1
    return out


def _bridged(labels: list[str | None], lengths: list[float], bridge: float) -> list[str | None]:
    """The labels with each stretch of other edges shorter than `bridge` between two edges of one axis relabelled."""
    n = len(labels)
    out = list(labels)
    for i in range(n):
        if labels[i] is None or labels[(i + 1) % n] == labels[i]:
            continue
        j, length = i + 1, 0.0
        while labels[j % n] != labels[i] and length + lengths[j % n] < bridge and j < i + n:
            length += lengths[j % n]
            j += 1
        if labels[j % n] == labels[i] and j < i + n:
            for k in range(i + 1, j):
                out[k % n] = labels[i]
    return out


def _fitted_run(points, first: int, last: int, axis: str, em: float, settings: RedrawSettings) -> _Run | None:
    """The run of edges first..last as one exact line, if it is long and straight enough."""
    n, c = len(points), 1 if axis == "H" else 0
    ends = [points[k % n] for k in range(first, last + 2)]
    lengths = [math.dist(a, b) for a, b in zip(ends, ends[1:])]
    if sum(lengths) < settings.min_run * em:
        return None
    level = sum((a[c] + b[c]) / 2 * w for a, b, w in zip(ends, ends[1:], lengths)) / sum(lengths)
    if max(abs(p[c] - level) for p in ends) > settings.deviation * em:
        return None
    return _Run(first, last, axis, level)


def _contour(points: list[Point], runs: list[_Run], em: float, settings: RedrawSettings) -> list[list[Point]]:
    """The contour as segments: exact lines for the runs, sharp corners between close runs, fitted curves between."""
    if not runs:
        return _fit_closed(points, em, settings)
    segments = []
    for index, run in enumerate(runs):
        following = runs[(index + 1) % len(runs)]
        start, end = _run_ends(points, run)
        between = _gap(points, run, following)  # the polygon's vertices between this run's end and the next's start
        corner = _sharp_corner(run, following, between, points, em, settings)
        if corner is not None:
            end = corner
        segments.append([start, end])
        next_start = corner if corner is not None else _run_ends(points, following)[0]
        if corner is None:
            segments += _fit_open([end, *between, next_start], _axis_tangent(run, end, start),
                                  _axis_tangent(following, next_start, _run_ends(points, following)[1]), em, settings)
    join_ends(segments)
    return [s for s in segments if s[0] != s[-1]]


def _run_ends(points: list[Point], run: _Run) -> tuple[Point, Point]:
    n = len(points)
    a, b = points[run.first % n], points[(run.last + 1) % n]
    return ((a[0], run.level), (b[0], run.level)) if run.axis == "H" else ((run.level, a[1]), (run.level, b[1]))


def _axis_tangent(run: _Run, at: Point, other: Point) -> Point:
    """The unit direction leaving the run's end `at` away from its other end, along the run's axis."""
    if run.axis == "H":
        return (1.0 if at[0] > other[0] else -1.0, 0.0)
    return (0.0, 1.0 if at[1] > other[1] else -1.0)


def _between(points: list[Point], first: int, stop: int) -> list[Point]:
    n, out, k = len(points), [], first
    while k % n != stop % n:
        out.append(points[k % n])
        k += 1
    return out


def _gap(points: list[Point], run: _Run, following: _Run) -> list[Point]:
    """The vertices after the run's last vertex and before the following run's first one."""
    n = len(points)
    end, start = (run.last + 1) % n, following.first % n
    return [] if end == start else _between(points, end + 1, start)


def _sharp_corner(run: _Run, following: _Run, between: list[Point], points, em: float,
                  settings: RedrawSettings) -> Point | None:
    """Where a level and an upright run close together meet: the crossing of their lines."""
    if run.axis == following.axis:
        return None
    (begin, end), (start, finish) = _run_ends(points, run), _run_ends(points, following)
    gap = sum(math.dist(a, b) for a, b in zip([end, *between], [*between, start]))
    convex = cross(sub(end, begin), sub(finish, start)) > 0  # a left turn: ink lies left of the travel
    if gap > (settings.convex_corner_gap if convex else settings.corner_gap) * em:
        return None
    return (following.level, run.level) if run.axis == "H" else (run.level, following.level)


def _fit_closed(points: list[Point], em: float, settings: RedrawSettings) -> list[list[Point]]:
    """A contour with no straight edge: split at its sharpest turns (or at its extreme points) and fitted."""
    n = len(points)
    corners = [i for i in range(n) if _turn(points, i) >= settings.corner_turn]
    if len(corners) < 2:
        left = min(range(n), key=lambda i: points[i])
        corners = sorted({left, (left + n // 2) % n})
    segments = []
    for a, b in zip(corners, corners[1:] + corners[:1]):
        piece = [points[a], *_between(points, a + 1, b), points[b]]
        segments += _fit_open(piece, None, None, em, settings)
    join_ends(segments)
    return segments


def _turn(points: list[Point], i: int) -> float:
    return turn_at([points[i - 1], points[i], points[(i + 1) % len(points)]], 1)


def _fit_open(piece: list[Point], start_tangent: Point | None, end_tangent: Point | None, em: float,
              settings: RedrawSettings) -> list[list[Point]]:
    """Segments through an open polyline from piece[0] to piece[-1]: split at corners, then each part a line when
    the polyline is straight, else cubics (Schneider's least-squares fit, split where the error is largest)."""
    if len(piece) <= 2:
        return [piece[:2]] if len(piece) == 2 else []
    corners = [i for i in range(1, len(piece) - 1) if turn_at(piece, i) >= settings.corner_turn]
    bounds = [0, *corners, len(piece) - 1]
    out = []
    for k, (a, b) in enumerate(zip(bounds, bounds[1:])):
        part = piece[a:b + 1]
        given = (start_tangent if k == 0 else None, end_tangent if k == len(bounds) - 2 else None)
        t0 = given[0] or unit(sub(part[1], part[0]))
        t1 = given[1] or unit(sub(part[-2], part[-1]))
        out += fit_polyline(densified(part), t0, t1, settings.tolerance * em,
                         straight_ok=_follows(part, given, settings.max_angle))
    return out


def _follows(part: list[Point], tangents: tuple[Point | None, Point | None], max_angle: float) -> bool:
    """Whether a straight line from part[0] to part[-1] would leave and arrive along the given tangents (a straight
    edge joins a stem edge without a kink only when it continues it)."""
    chord = unit(sub(part[-1], part[0]))
    limit = math.cos(math.radians(max_angle))
    start, end = tangents
    return (start is None or chord[0] * start[0] + chord[1] * start[1] >= limit) and \
        (end is None or -(chord[0] * end[0] + chord[1] * end[1]) >= limit)


def _draw(segments: list[list[Point]]) -> list:
    if not segments:
        return []
    ops = [("moveTo", (segments[0][0],))]
    for segment in segments:
        ops.append(("lineTo", (segment[1],)) if len(segment) == 2 else ("curveTo", tuple(segment[1:])))
    if ops[-1][0] == "lineTo" and ops[-1][1][0] == segments[0][0]:
        ops.pop()
    ops.append(("closePath", ()))
    return ops

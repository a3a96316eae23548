"""Traced polygons redrawn as a type designer draws: level and upright edges as single exact lines, sharp corners
where two such edges meet, everything else as few smooth cubic curves fitted to the ink's edge."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from fontcomplete.outline_checks import contour_segments, jaggy_join

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


def redraw(outline: Iterable, em: float, settings: RedrawSettings = RedrawSettings()) -> list:
    """Closed polygons (segment-pen operations, font units) redrawn as lines and cubic curves, on whole units."""
    ops = []
    for segments in contour_segments(outline):
        points = _vertices(segments)
        if len(points) >= 3:
            ops += _draw(_tidied(_rounded(_contour(points, em, settings)), em, settings))
    return ops


def _rounded(segments: list[list[Point]]) -> list[list[Point]]:
    """Every point on whole units; segments that shrink to nothing dropped."""
    rounded = [[(round(x), round(y)) for x, y in segment] for segment in segments]
    rounded = [s for s in rounded if s[0] != s[-1]]
    _join_ends(rounded)
    return rounded


def _vertices(segments: list[list[Point]]) -> list[Point]:
    """The polygon's corners in order, repeated and exactly colinear points left out."""
    points = [s[0] for s in segments]
    points = [p for i, p in enumerate(points) if p != points[i - 1]]
    return [p for i, p in enumerate(points)
            if abs(_cross(_sub(p, points[i - 1]), _sub(points[(i + 1) % len(points)], p))) > 1e-9] or points


def _tidied(segments: list[list[Point]], em: float, settings: RedrawSettings) -> list[list[Point]]:
    """Stubs folded into their neighbours (keeping exact lines exact) and nearly colinear lines merged, until none
    is left: what fontbakery would flag as jaggy or colinear."""
    changed = True
    while changed and len(segments) > 2:
        changed = _fold_stub(segments, settings.stub * em, settings.corner_gap * em) or \
            _merge_colinear(segments, settings, em)
    return segments


def _exact(segment: list[Point]) -> str | None:
    if len(segment) != 2:
        return None
    (x0, y0), (x1, y1) = segment
    return "H" if y0 == y1 else "V" if x0 == x1 else None


def _fold_stub(segments: list[list[Point]], shortest: float, turning: float) -> bool:
    """Fold one segment into its neighbours: one shorter than `shortest`, or shorter than `turning` where the outline
    turns back on itself at either end. True when one was folded."""
    for i, stub in enumerate(segments):
        before, after = segments[i - 1], segments[(i + 1) % len(segments)]
        length = math.dist(stub[0], stub[-1])
        if length >= shortest and (length >= turning or not (jaggy_join(before, stub) or jaggy_join(stub, after))):
            continue
        x, y = stub[0]
        for neighbour, end in ((before, before[0]), (after, after[-1])):
            axis = _exact(neighbour)
            if axis == "H":
                y = end[1]
            elif axis == "V":
                x = end[0]
        point = (x, y)
        segments[i - 1] = [*before[:-1], point]
        segments[(i + 1) % len(segments)] = [point, *after[1:]]
        del segments[i]
        return True
    return False


def _merge_colinear(segments: list[list[Point]], settings: RedrawSettings, em: float) -> bool:
    """Merge two consecutive lines less than fontbakery's colinear angle apart: onto the exact line when one is
    exact and the other's far end lies near its level, else into their chord when the middle point lies near it."""
    for i, second in enumerate(segments):
        first = segments[i - 1]
        if len(first) != 2 or len(second) != 2 or first is second:
            continue
        a, b = _unit(_sub(first[1], first[0])), _unit(_sub(second[1], second[0]))
        if abs(math.atan2(_cross(a, b), a[0] * b[0] + a[1] * b[1])) >= 0.1:
            continue
        start, end = first[0], second[1]
        axis = _exact(first) or _exact(second)
        if axis is not None:
            c = 1 if axis == "H" else 0
            level = (first if _exact(first) == axis else second)[0][c]
            if max(abs(start[c] - level), abs(end[c] - level)) > settings.deviation * em:
                continue
            start, end = _on_level(start, c, level), _on_level(end, c, level)
        elif _distance_to_chord(first[1], start, end) > settings.tolerance * em:
            continue
        merged = [start, end]
        segments[i - 2] = [*segments[i - 2][:-1], start]
        nxt = (i + 1) % len(segments)
        segments[nxt] = [end, *segments[nxt][1:]]
        segments[i - 1] = merged
        del segments[i]
        return True
    return False


def _on_level(point: Point, coordinate: int, level: float) -> Point:
    return (point[0], level) if coordinate == 1 else (level, point[1])


def _sub(a: Point, b: Point) -> Point:
    return a[0] - b[0], a[1] - b[1]


def _cross(a: Point, b: Point) -> float:
    return a[0] * b[1] - a[1] * b[0]


def _unit(v: Point) -> Point:
    length = math.hypot(*v)
    return (v[0] / length, v[1] / length) if length else (0.0, 0.0)


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


def _contour(points: list[Point], em: float, settings: RedrawSettings) -> list[list[Point]]:
    """The contour as segments: exact lines for the runs, sharp corners between close runs, fitted curves between."""
    runs = _runs(points, em, settings)
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
    _join_ends(segments)
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
    convex = _cross(_sub(end, begin), _sub(finish, start)) > 0  # a left turn: ink lies left of the travel
    if gap > (settings.convex_corner_gap if convex else settings.corner_gap) * em:
        return None
    return (following.level, run.level) if run.axis == "H" else (run.level, following.level)


def _join_ends(segments: list[list[Point]]) -> None:
    """Make each segment start exactly where the previous one ends."""
    for i, segment in enumerate(segments):
        segments[i] = [segments[i - 1][-1], *segment[1:]]


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
    _join_ends(segments)
    return segments


def _turn(points: list[Point], i: int) -> float:
    n = len(points)
    a, b = _sub(points[i], points[i - 1]), _sub(points[(i + 1) % n], points[i])
    return abs(math.degrees(math.atan2(_cross(a, b), a[0] * b[0] + a[1] * b[1])))


def _fit_open(piece: list[Point], start_tangent: Point | None, end_tangent: Point | None, em: float,
              settings: RedrawSettings) -> list[list[Point]]:
    """Segments through an open polyline from piece[0] to piece[-1]: split at corners, then each part a line when
    the polyline is straight, else cubics (Schneider's least-squares fit, split where the error is largest)."""
    if len(piece) <= 2:
        return [piece[:2]] if len(piece) == 2 else []
    corners = [i for i in range(1, len(piece) - 1) if _turn_open(piece, i) >= settings.corner_turn]
    bounds = [0, *corners, len(piece) - 1]
    out = []
    for k, (a, b) in enumerate(zip(bounds, bounds[1:])):
        part = piece[a:b + 1]
        given = (start_tangent if k == 0 else None, end_tangent if k == len(bounds) - 2 else None)
        t0 = given[0] or _unit(_sub(part[1], part[0]))
        t1 = given[1] or _unit(_sub(part[-2], part[-1]))
        out += _fit_part(_densified(part), t0, t1, settings.tolerance * em,
                         straight_ok=_follows(part, given, settings.max_angle))
    return out


def _densified(part: list[Point]) -> list[Point]:
    """The polyline with the midpoint of each edge added: more samples for the fit (potrace's polygon edges are
    long on gentle curves), the same shape."""
    out = [part[0]]
    for a, b in zip(part, part[1:]):
        out += [((a[0] + b[0]) / 2, (a[1] + b[1]) / 2), b]
    return out


def _follows(part: list[Point], tangents: tuple[Point | None, Point | None], max_angle: float) -> bool:
    """Whether a straight line from part[0] to part[-1] would leave and arrive along the given tangents (a straight
    edge joins a stem edge without a kink only when it continues it)."""
    chord = _unit(_sub(part[-1], part[0]))
    limit = math.cos(math.radians(max_angle))
    start, end = tangents
    return (start is None or chord[0] * start[0] + chord[1] * start[1] >= limit) and \
        (end is None or -(chord[0] * end[0] + chord[1] * end[1]) >= limit)


def _turn_open(piece: list[Point], i: int) -> float:
    a, b = _sub(piece[i], piece[i - 1]), _sub(piece[i + 1], piece[i])
    return abs(math.degrees(math.atan2(_cross(a, b), a[0] * b[0] + a[1] * b[1])))


def _fit_part(part: list[Point], t0: Point, t1: Point, tolerance: float, depth: int = 0,
              straight_ok: bool = True) -> list[list[Point]]:
    start, end = part[0], part[-1]
    if all(p == start for p in part):
        return []
    straight = len(part) == 2 or max(_distance_to_chord(p, start, end) for p in part[1:-1]) <= tolerance / 2
    if straight and depth == 0 and straight_ok:
        return [[start, end]]  # a straight stretch; once split, the pieces of a bend stay curves (no colinear lines)
    if len(part) == 2:
        part = [start, ((start[0] + end[0]) / 2, (start[1] + end[1]) / 2), end]
    params = _chord_params(part)
    curve = _least_squares_cubic(part, params, t0, t1)
    errors = [math.dist(_cubic_at(curve, u), p) for u, p in zip(params, part)]
    worst = max(range(1, len(part) - 1), key=errors.__getitem__)
    if errors[worst] <= tolerance or depth >= 8 or len(part) < 4:
        return [curve]
    middle = _unit(_sub(part[worst - 1], part[worst + 1]))
    return (_fit_part(part[:worst + 1], t0, middle, tolerance, depth + 1)
            + _fit_part(part[worst:], (-middle[0], -middle[1]), t1, tolerance, depth + 1))


def _distance_to_chord(p: Point, a: Point, b: Point) -> float:
    length = math.dist(a, b)
    return math.dist(p, a) if not length else abs(_cross(_sub(b, a), _sub(a, p))) / length


def _chord_params(part: list[Point]) -> list[float]:
    lengths = [0.0]
    for a, b in zip(part, part[1:]):
        lengths.append(lengths[-1] + math.dist(a, b))
    return [x / lengths[-1] for x in lengths]


def _least_squares_cubic(part: list[Point], params: list[float], t0: Point, t1: Point) -> list[Point]:
    """The cubic from part[0] to part[-1] leaving along t0 and arriving against t1 that is nearest the points."""
    p0, p3 = part[0], part[-1]
    c = [[0.0, 0.0], [0.0, 0.0]]
    x = [0.0, 0.0]
    for u, p in zip(params, part):
        b0, b1, b2, b3 = (1 - u) ** 3, 3 * u * (1 - u) ** 2, 3 * u * u * (1 - u), u ** 3
        a1, a2 = (t0[0] * b1, t0[1] * b1), (t1[0] * b2, t1[1] * b2)
        rest = (p[0] - (b0 + b1) * p0[0] - (b2 + b3) * p3[0], p[1] - (b0 + b1) * p0[1] - (b2 + b3) * p3[1])
        c[0][0] += a1[0] * a1[0] + a1[1] * a1[1]
        c[0][1] += a1[0] * a2[0] + a1[1] * a2[1]
        c[1][1] += a2[0] * a2[0] + a2[1] * a2[1]
        x[0] += a1[0] * rest[0] + a1[1] * rest[1]
        x[1] += a2[0] * rest[0] + a2[1] * rest[1]
    det = c[0][0] * c[1][1] - c[0][1] ** 2
    chord = math.dist(p0, p3)
    alpha = ((x[0] * c[1][1] - c[0][1] * x[1]) / det, (c[0][0] * x[1] - c[0][1] * x[0]) / det) if det else (0, 0)
    if min(alpha) <= 1e-6 * chord or max(alpha) > 2 * chord:
        alpha = (chord / 3, chord / 3)
    return [p0, (p0[0] + t0[0] * alpha[0], p0[1] + t0[1] * alpha[0]),
            (p3[0] + t1[0] * alpha[1], p3[1] + t1[1] * alpha[1]), p3]


def _cubic_at(curve: list[Point], u: float) -> Point:
    p0, c1, c2, p3 = curve
    s = 1 - u
    return tuple(s ** 3 * a + 3 * s * s * u * b + 3 * s * u * u * c + u ** 3 * d for a, b, c, d in zip(p0, c1, c2, p3))


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


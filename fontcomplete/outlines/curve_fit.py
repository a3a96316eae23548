"""Polylines drawn with few segments: a line where the polyline is straight, else cubic Béziers by least squares
(Schneider's fit with given end tangents), split where the error is largest."""

from __future__ import annotations

import math

from fontcomplete.outlines.checks import cubic_at

Point = tuple[float, float]


def sub(a: Point, b: Point) -> Point:
    return a[0] - b[0], a[1] - b[1]


def cross(a: Point, b: Point) -> float:
    return a[0] * b[1] - a[1] * b[0]


def unit(v: Point) -> Point:
    length = math.hypot(*v)
    return (v[0] / length, v[1] / length) if length else (0.0, 0.0)


def turn_at(piece: list[Point], i: int) -> float:
    a, b = sub(piece[i], piece[i - 1]), sub(piece[i + 1], piece[i])
    return abs(math.degrees(math.atan2(cross(a, b), a[0] * b[0] + a[1] * b[1])))


def densified(part: list[Point]) -> list[Point]:
    """The polyline with the midpoint of each edge added: more samples for the fit (potrace's polygon edges are
    long on gentle curves), the same shape."""
    out = [part[0]]
    for a, b in zip(part, part[1:]):
        out += [((a[0] + b[0]) / 2, (a[1] + b[1]) / 2), b]
    return out


def fit_polyline(part: list[Point], t0: Point, t1: Point, tolerance: float, depth: int = 0,
              straight_ok: bool = True) -> list[list[Point]]:
    start, end = part[0], part[-1]
    if all(p == start for p in part):
        return []
    if depth == 0 and straight_ok and (len(part) == 2 or max(distance_to_chord(p, start, end)
                                                              for p in part[1:-1]) <= tolerance / 2):
        return [[start, end]]  # a straight stretch; once split, the pieces of a bend stay curves (no colinear lines)
    if len(part) == 2:
        part = [start, ((start[0] + end[0]) / 2, (start[1] + end[1]) / 2), end]
    params = _chord_params(part)
    curve = _least_squares_cubic(part, params, t0, t1)
    errors = [math.dist(cubic_at(*curve, u), p) for u, p in zip(params, part)]
    worst = max(range(1, len(part) - 1), key=errors.__getitem__)
    if errors[worst] <= tolerance or depth >= 8 or len(part) < 4:
        return [curve]
    middle = unit(sub(part[worst - 1], part[worst + 1]))
    return (fit_polyline(part[:worst + 1], t0, middle, tolerance, depth + 1)
            + fit_polyline(part[worst:], (-middle[0], -middle[1]), t1, tolerance, depth + 1))


def distance_to_chord(p: Point, a: Point, b: Point) -> float:
    length = math.dist(a, b)
    return math.dist(p, a) if not length else abs(cross(sub(b, a), sub(a, p))) / length


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

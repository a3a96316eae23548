"""Redrawn contours tidied as fontbakery's outline checks would have them: whole units, no stubs, no colinear lines."""

from __future__ import annotations

import math

from fontcomplete.outlines.checks import jaggy_join
from fontcomplete.outlines.curve_fit import cross, distance_to_chord, sub, unit

Point = tuple[float, float]


def rounded(segments: list[list[Point]]) -> list[list[Point]]:
    """Every point on whole units; segments that shrink to nothing dropped."""
    rounded = [[(round(x), round(y)) for x, y in segment] for segment in segments]
    rounded = [s for s in rounded if s[0] != s[-1]]
    join_ends(rounded)
    return rounded


def join_ends(segments: list[list[Point]]) -> None:
    """Make each segment start exactly where the previous one ends."""
    for i, segment in enumerate(segments):
        segments[i] = [segments[i - 1][-1], *segment[1:]]


def tidied(segments: list[list[Point]], stub: float, turning: float, deviation: float,
           tolerance: float) -> list[list[Point]]:
    """Stubs folded into their neighbours (keeping exact lines exact) and nearly colinear lines merged, until none
    is left: what fontbakery would flag as jaggy or colinear. In font units: segments shorter than `stub` go, and
    those shorter than `turning` where the outline turns back; lines merge when the moved point stays within
    `deviation` of an exact line, or `tolerance` of the merged chord."""
    changed = True
    while changed and len(segments) > 2:
        changed = _fold_stub(segments, stub, turning) or _merge_colinear(segments, deviation, tolerance)
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


def _merge_colinear(segments: list[list[Point]], deviation: float, tolerance: float) -> bool:
    """Merge two consecutive lines less than fontbakery's colinear angle apart: onto the exact line when one is
    exact and the other's far end lies near its level, else into their chord when the middle point lies near it."""
    for i, second in enumerate(segments):
        first = segments[i - 1]
        if len(first) != 2 or len(second) != 2 or first is second:
            continue
        a, b = unit(sub(first[1], first[0])), unit(sub(second[1], second[0]))
        if abs(math.atan2(cross(a, b), a[0] * b[0] + a[1] * b[1])) >= 0.1:
            continue
        start, end = first[0], second[1]
        axis = _exact(first) or _exact(second)
        if axis is not None:
            c = 1 if axis == "H" else 0
            level = (first if _exact(first) == axis else second)[0][c]
            if max(abs(start[c] - level), abs(end[c] - level)) > deviation:
                continue
            start, end = _on_level(start, c, level), _on_level(end, c, level)
        elif distance_to_chord(first[1], start, end) > tolerance:
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

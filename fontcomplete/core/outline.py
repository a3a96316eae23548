"""Outlines as recorded segment-pen operations: replay into any pen, UFO point lists, structure, JSON form."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

Outline = list  # a RecordingPen value: [(operator, operands), ...] in the target's font units


def replay(outline: Iterable, pen) -> None:
    """Draw a recorded outline into a segment pen."""
    for operator, operands in outline:
        getattr(pen, operator)(*operands)


def structure(outline: Outline) -> tuple:
    """The point structure interpolation needs to match: operators and operand counts, contour by contour."""
    return tuple((operator, len(operands)) for operator, operands in outline)


def to_json(outline: Outline) -> list:
    return [[operator, [list(point) for point in operands]] for operator, operands in outline]


def from_json(data: list) -> Outline:
    return [(operator, tuple(map(tuple, operands))) for operator, operands in data]


def outline_contours(outline: Outline) -> list[list[tuple]] | None:
    """Segment-pen operations → UFO point lists [(x, y, type)], as SegmentToPointPen makes them; None when the
    outline has operations this fast path does not cover."""
    contours, points = [], []
    for operator, operands in outline:
        if operator == "moveTo":
            points = [[*operands[0], "move"]]
        elif operator == "lineTo":
            points.append([*operands[0], "line"])
        elif operator == "curveTo" and len(operands) == 3:
            points += [[*operands[0], None], [*operands[1], None], [*operands[2], "curve"]]
        elif operator == "closePath":
            if len(points) > 1 and points[-1][:2] == points[0][:2] and points[-1][2] is not None:
                points[0][2] = points.pop()[2]
            else:
                points[0][2] = "line"
            contours.append([tuple(point) for point in points])
        else:
            return None
    return contours


def draw_into(glyph, outline: Outline) -> None:
    """Add the outline's contours to a glyph: directly to a ufoLib2 glyph (several times faster than its pen),
    through the glyph's pen otherwise."""
    import ufoLib2
    from ufoLib2.objects import Contour, Point

    contours = outline_contours(outline)
    if contours is None or not isinstance(glyph, ufoLib2.objects.Glyph):
        replay(outline, glyph.getPen())
        return
    for points in contours:
        glyph.contours.append(Contour(points=[Point(x, y, kind) for x, y, kind in points]))


@dataclass(frozen=True)
class Generated:
    """One new outline and where it came from."""

    codepoint: int
    outline: Outline

    def draw(self, pen) -> None:
        replay(self.outline, pen)

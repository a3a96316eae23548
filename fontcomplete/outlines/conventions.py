"""A font's own drawing conventions, learned from its designer's glyphs: dominant stem widths and corner style."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pathops
from fontTools.pens.recordingPen import RecordingPen

from fontcomplete.core.charsets import is_han
from fontcomplete.core.outline import replay
from fontcomplete.fonts.font import SourceFont
from fontcomplete.outlines.checks import contour_segments, segment_length
from fontcomplete.outlines.curve_fit import cross, sub

SAMPLE = 600  # glyphs read at most (evenly spaced over the font's Han characters)
MAX_STEM = 0.2  # em: two facing edges further apart than this are not one stroke
MIN_STEM_LENGTH = 0.05  # stems are learned from a font whose facing straight edges make this share of its outlines
MIN_SHARE = 0.08  # a width (±WIDTH_SPREAD of it) carrying this share of all stem length is one of the font's stems
WIDTH_SPREAD = 0.04
MAX_STEMS = 4  # per axis
CORNER_SPAN = 0.06  # em: a curve this short turning a quarter between a level and an upright line rounds a corner


@dataclass(frozen=True)
class Conventions:
    """Stem widths in font units (vertical: the widths of upright strokes, measured across x; horizontal: of level
    strokes, across y), most used first, and whether the font draws its outer corners sharp. Empty: nothing learned
    (a font with no straight stems, like a brush kai, or none to learn from)."""

    vertical_stems: tuple[int, ...] = ()
    horizontal_stems: tuple[int, ...] = ()
    sharp_corners: bool = False
    glyphs: int = 0  # how many of the designer's glyphs they were learned from

    def stems(self, axis: str) -> tuple[int, ...]:
        """The widths of strokes whose edges run along `axis` ("V": upright edges, "H": level edges)."""
        return self.vertical_stems if axis == "V" else self.horizontal_stems

    def describe(self) -> str:
        if not self.glyphs:
            return "none"
        corners = "sharp" if self.sharp_corners else "round"
        return (f"stems V {'/'.join(map(str, self.vertical_stems)) or '-'} H "
                f"{'/'.join(map(str, self.horizontal_stems)) or '-'}, {corners} outer corners, from {self.glyphs} glyphs")


@dataclass(frozen=True)
class Edge:
    """An exact level ("H") or upright ("V") line of an outline whose ink lies left of its direction of travel;
    `ink_above` says whether the ink is on its greater-coordinate side (above an H edge, right of a V edge)."""

    axis: str
    level: float
    low: float
    high: float
    ink_above: bool


def edges(outline: Iterable) -> list[Edge]:
    """The exact level and upright lines of a glyph, with overlaps removed and contours wound counter-clockwise
    (ink on the left), so that each edge knows its ink side."""
    return [edge for segments in contour_segments(outline) for edge in _contour_edges(segments)]


def _contour_edges(segments) -> Iterable[Edge]:
    for segment in segments:
        axis = _line_axis(segment)
        (x0, y0), (x1, y1) = segment[0], segment[-1]
        if axis == "V":
            yield Edge("V", x0, min(y0, y1), max(y0, y1), ink_above=y1 < y0)  # travelling down: ink to the right
        elif axis == "H":
            yield Edge("H", y0, min(x0, x1), max(x0, x1), ink_above=x1 > x0)  # travelling right: ink above


def cleaned(outline: Iterable) -> list:
    """The outline with overlaps removed and outer contours counter-clockwise (skia-pathops)."""
    path = pathops.Path()
    replay(outline, path.getPen())
    try:
        path = pathops.simplify(path, fix_winding=True, clockwise=False)
    except pathops.PathOpsError:
        return []
    recording = RecordingPen()
    path.draw(recording)
    return recording.value


def stem_pairs(found: Sequence[Edge], max_width: float) -> list[tuple[Edge, Edge]]:
    """Facing edges of one stroke: an edge with ink above and the nearest edge across that ink with ink below, on
    the same axis, overlapping along it by at least half the shorter one, each the other's nearest."""
    def facing(a: Edge, b: Edge) -> bool:
        overlap = min(a.high, b.high) - max(a.low, b.low)
        return 0 < b.level - a.level <= max_width and overlap >= 0.5 * min(a.high - a.low, b.high - b.low)

    lows = [i for i, e in enumerate(found) if e.ink_above]
    highs = [i for i, e in enumerate(found) if not e.ink_above]

    def nearest(i: int, others: list[int]) -> int | None:
        candidates = [j for j in others if found[j].axis == found[i].axis and
                      (facing(found[i], found[j]) if found[i].ink_above else facing(found[j], found[i]))]
        return min(candidates, key=lambda j: abs(found[j].level - found[i].level), default=None)

    pairs = []
    for i in lows:
        j = nearest(i, highs)
        if j is not None and nearest(j, lows) == i:
            pairs.append((found[i], found[j]))
    return pairs


def learn_conventions(outlines: Iterable[list], em: float) -> Conventions:
    """The conventions of a font from its designer's glyphs (segment-pen operations, font units)."""
    widths: dict[str, dict[int, float]] = {"V": {}, "H": {}}
    sharp = rounded = glyphs = 0
    outline_length = stem_length = 0.0
    for outline in outlines:
        outline = cleaned(outline)
        glyphs += 1
        outline_length += sum(segment_length(s) for segments in contour_segments(outline) for s in segments)
        for low, high in stem_pairs(edges(outline), MAX_STEM * em):
            width = round(high.level - low.level)
            length = min(low.high, high.high) - max(low.low, high.low)
            widths[low.axis][width] = widths[low.axis].get(width, 0.0) + length
            stem_length += 2 * length
        corners = outer_corners(outline, CORNER_SPAN * em)
        sharp, rounded = sharp + corners[0], rounded + corners[1]
    if stem_length < MIN_STEM_LENGTH * outline_length:  # a brush font's few straight lines are not its stems
        return Conventions(sharp_corners=sharp > rounded, glyphs=glyphs)
    return Conventions(dominant_widths(widths["V"]), dominant_widths(widths["H"]), sharp > rounded, glyphs)


def dominant_widths(histogram: dict[int, float]) -> tuple[int, ...]:
    """The widths that, with their neighbours within WIDTH_SPREAD, carry at least MIN_SHARE of all stem length;
    most used first, each at least twice the spread from the ones before."""
    total = sum(histogram.values())
    if not total:
        return ()

    def weight(width: int) -> float:
        spread = max(1, round(WIDTH_SPREAD * width))
        return sum(histogram.get(w, 0.0) for w in range(width - spread, width + spread + 1))

    found: list[int] = []
    for width in sorted(histogram, key=lambda w: (-weight(w), w)):
        if weight(width) < MIN_SHARE * total or len(found) == MAX_STEMS:
            break
        if all(abs(width - other) > 2 * WIDTH_SPREAD * other for other in found):
            found.append(width)
    return tuple(found)


def outer_corners(outline: list, span: float) -> tuple[int, int]:
    """(sharp, rounded) outer corners of a cleaned outline: where a level line meets an upright one turning left
    (ink inside the turn) directly, or through curves shorter than `span` altogether."""
    sharp = rounded = 0
    for segments in contour_segments(outline):
        n = len(segments)
        for i, segment in enumerate(segments):
            axis = _line_axis(segment)
            if axis is None:
                continue
            j, between = (i + 1) % n, 0.0
            while len(segments[j]) == 4 and between <= span and j != i:
                between += math.dist(segments[j][0], segments[j][-1])
                j = (j + 1) % n
            other = _line_axis(segments[j])
            turn = cross(sub(segment[1], segment[0]), sub(segments[j][1], segments[j][0]))  # > 0: turning left
            if other is None or other == axis or between > span or turn <= 0:
                continue
            if between == 0:
                sharp += 1
            else:
                rounded += 1
    return sharp, rounded


def _line_axis(segment) -> str | None:
    if len(segment) != 2 or segment[0] == segment[1]:
        return None
    (x0, y0), (x1, y1) = segment
    return "V" if x0 == x1 else "H" if y0 == y1 else None


def sample_codepoints(codepoints: Iterable[int], limit: int = SAMPLE) -> list[int]:
    """The Han codepoints among these, evenly spaced in codepoint order, at most `limit` of them."""
    han = sorted(c for c in set(codepoints) if is_han(c))
    step = max(1, math.ceil(len(han) / limit))
    return han[::step]


def conventions_of(font: SourceFont, codepoints: Iterable[int]) -> Conventions:
    """The conventions of `font` learned from its glyphs of these codepoints (a sample of the Han ones)."""
    def outline(codepoint: int) -> list:
        recording = RecordingPen()
        font.draw(font.cmap[codepoint], recording)
        return recording.value
    return learn_conventions(map(outline, sample_codepoints(c for c in codepoints if c in font.cmap)), font.frame.side)


def stem_fit(outline: list, conventions: Conventions, tolerance: float = 2.0) -> float | None:
    """Share of a glyph's stem length (facing level or upright edges) at one of the font's stem widths, within
    `tolerance` units; None when the glyph has no stems or the font no learned stems."""
    if not conventions.glyphs:
        return None
    fitting = total = 0.0
    reach = max((*conventions.vertical_stems, *conventions.horizontal_stems), default=0) * 1.5
    for low, high in stem_pairs(edges(cleaned(outline)), reach):
        length = min(low.high, high.high) - max(low.low, high.low)
        total += length
        if any(abs(high.level - low.level - stem) <= tolerance for stem in conventions.stems(low.axis)):
            fitting += length
    return fitting / total if total else None

"""Check the example's UFOs: cubic outlines match the fontsource woff2 quadratics, and the two masters are compatible."""

import argparse
import io
import random
from pathlib import Path

import numpy as np
import ufoLib2
from fontTools.pens.areaPen import AreaPen
from fontTools.pens.basePen import decomposeQuadraticSegment
from fontTools.pens.recordingPen import DecomposingRecordingPen
from fontTools.ttLib import TTFont
from make_sources import EXAMPLE_DIR, structure
from zen_slices import read_package, slice_names

SAMPLES_PER_SEGMENT = 16


def sample_outline(recording):
    """Points at t = k/16 on every segment of a decomposed recording (quadratic or cubic)."""
    points, current = [], None
    ts = np.linspace(0.0, 1.0, SAMPLES_PER_SEGMENT + 1)[:, None]
    for operator, args in recording:
        if operator == "moveTo" or operator == "lineTo":
            points.append(np.array([args[0]]))
            current = args[0]
        elif operator == "qCurveTo":
            for control, end in decomposeQuadraticSegment(args):
                p0, p1, p2 = map(np.array, (current, control, end))
                points.append((1 - ts) ** 2 * p0 + 2 * (1 - ts) * ts * p1 + ts ** 2 * p2)
                current = end
        elif operator == "curveTo":
            p0, p1, p2, p3 = map(np.array, (current, *args))
            points.append((1 - ts) ** 3 * p0 + 3 * (1 - ts) ** 2 * ts * p1 + 3 * (1 - ts) * ts ** 2 * p2 + ts ** 3 * p3)
            current = args[-1]
    return np.concatenate(points) if points else np.zeros((0, 2))


def max_deviation(reference, candidate):
    """Largest distance from a reference sample to its nearest candidate sample (font units)."""
    if not len(reference):
        return 0.0
    worst = 0.0
    for chunk in np.array_split(reference, max(1, len(reference) // 512)):
        distances = np.sqrt(((chunk[:, None, :] - candidate[None, :, :]) ** 2).sum(-1)).min(axis=1)
        worst = max(worst, float(distances.max()))
    return worst


def outline_area(glyph_set, name):
    pen = AreaPen(glyph_set)
    glyph_set[name].draw(pen)
    return pen.value


def check_exactness(package_fonts, ufo, weight, count, rng):
    fonts = [TTFont(io.BytesIO(package_fonts[name])) for name in slice_names(package_fonts, weight)]
    owner = {name: font for font in reversed(fonts) for name in font.getGlyphOrder()}
    names = rng.sample(sorted(name for name in ufo.keys() if name in owner), count)
    worst, worst_area = 0.0, 0.0
    for name in names:
        glyph_set = owner[name].getGlyphSet()
        woff_pen, ufo_pen = DecomposingRecordingPen(glyph_set), DecomposingRecordingPen(ufo)
        glyph_set[name].draw(woff_pen)
        ufo[name].draw(ufo_pen)
        reference, candidate = sample_outline(woff_pen.value), sample_outline(ufo_pen.value)
        worst = max(worst, max_deviation(reference, candidate), max_deviation(candidate, reference))
        # glyf outers are clockwise (negative area), the UFO's counter-clockwise: areas must be opposite.
        worst_area = max(worst_area, abs(outline_area(glyph_set, name) + outline_area(ufo, name)))
    print(f"weight {weight}: {count} glyphs, max sampled deviation {worst:.6f} units, max area difference {worst_area:.4f}")


def incompatible_glyphs(regular, bold):
    shared = sorted(set(regular.keys()) & set(bold.keys()))
    return shared, [name for name in shared if structure(regular[name]) != structure(bold[name])]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("tarball", type=Path)
    parser.add_argument("--glyphs", type=int, default=300, help="glyphs per weight to compare with the woff2")
    args = parser.parse_args(argv)
    sources = EXAMPLE_DIR / "sources"
    _, _, package_fonts = read_package(args.tarball)
    regular = ufoLib2.Font.open(sources / "ZenMaruGothic-Regular.ufoz", lazy=True)
    bold = ufoLib2.Font.open(sources / "ZenMaruGothic-Bold.ufoz", lazy=True)
    rng = random.Random(0)
    check_exactness(package_fonts, regular, 400, args.glyphs, rng)
    check_exactness(package_fonts, bold, 700, args.glyphs, rng)
    shared, incompatible = incompatible_glyphs(regular, bold)
    print(f"masters share {len(shared)} glyphs; {len(incompatible)} differ in contour/point structure: {incompatible[:40]}")


if __name__ == "__main__":
    main()

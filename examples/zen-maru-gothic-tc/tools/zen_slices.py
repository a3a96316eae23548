"""Read the @fontsource npm tarball and merge its woff2 slices of one weight: glyphs, cmap, kerning, vert/vrt2."""

import graphlib
import json
import re
import tarfile
from pathlib import Path

from fontTools.pens.basePen import BasePen

KEPT_SUBSTITUTIONS = ("vert", "vrt2")


class CubicPen(BasePen):
    """Forwards to `out`; BasePen splits each qCurveTo at its implied on-curve points and degree-elevates
    every quadratic piece exactly (controls at p0 + 2/3 (c - p0) and p1 + 2/3 (c - p1)). Components pass through."""

    def __init__(self, out):
        super().__init__(glyphSet=None)
        self.out = out

    def _moveTo(self, pt):
        self.out.moveTo(pt)

    def _lineTo(self, pt):
        self.out.lineTo(pt)

    def _curveToOne(self, pt1, pt2, pt3):
        self.out.curveTo(pt1, pt2, pt3)

    def _closePath(self):
        self.out.closePath()

    def _endPath(self):
        self.out.endPath()

    def addComponent(self, glyph_name, transformation):
        self.out.addComponent(glyph_name, transformation)


def read_package(tarball):
    """(package.json dict, LICENSE text, {member name: bytes}) of the npm tarball's woff2 files."""
    fonts = {}
    with tarfile.open(tarball) as tar:
        meta = json.load(tar.extractfile("package/package.json"))
        license_text = tar.extractfile("package/LICENSE").read().decode("utf-8")
        for member in tar.getmembers():
            if member.name.endswith(".woff2"):
                fonts[Path(member.name).name] = tar.extractfile(member).read()
    return meta, license_text, fonts


def slice_names(fonts, weight):
    pattern = re.compile(rf"zen-maru-gothic-[\w-]+-{weight}-normal\.woff2$")
    return sorted(name for name in fonts if pattern.match(name))


def glyph_key(font, name):
    """Comparable description of a glyph's outline and metrics, to check slices agree."""
    glyph = font["glyf"][name]
    if glyph.isComposite():
        outline = tuple((c.glyphName, c.x, c.y, str(getattr(c, "transform", None))) for c in glyph.components)
    elif glyph.numberOfContours == 0:
        outline = ()
    else:
        coords, ends, flags = glyph.getCoordinates(font["glyf"])
        outline = (tuple(coords), tuple(ends), tuple(f & 1 for f in flags))
    return outline, font["hmtx"][name], font["vmtx"][name]


def merge_slices(slices):
    """Union of cmaps, glyphs, flat kerning pairs and vert/vrt2 singles; raises if slices disagree."""
    cmap, keys, kerning, substitutions, order_graph = {}, {}, {}, {}, {}
    first = None
    for font in slices:
        first = first or font
        order = font.getGlyphOrder()
        for before, after in zip(order, order[1:]):
            order_graph.setdefault(after, {})[before] = None  # dicts, not sets: deterministic order
        for codepoint, name in font.getBestCmap().items():
            if cmap.setdefault(codepoint, name) != name:
                raise SystemExit(f"slices map U+{codepoint:04X} to {cmap[codepoint]} and {name}")
        for name in order:
            key = glyph_key(font, name)
            if keys.setdefault(name, (key, font))[0] != key:
                raise SystemExit(f"slices disagree on glyph {name}")
        merge_checked(kerning, kern_pairs(font), "kerning pair")
        merge_checked(substitutions, single_substitutions(font), "substitution")
    glyph_order = list(graphlib.TopologicalSorter(order_graph).static_order())
    glyph_order.remove(".notdef")
    return first, cmap, {name: font for name, (_, font) in keys.items()}, [".notdef", *glyph_order], kerning, substitutions


def merge_checked(merged, new, what):
    for key, value in new.items():
        if merged.setdefault(key, value) != value:
            raise SystemExit(f"slices disagree on {what} {key}: {merged[key]} vs {value}")


def kern_pairs(font):
    """Flat (left, right) -> x-advance adjustment of the slice's `kern` PairPos lookups."""
    gpos = font["GPOS"].table
    pairs = {}
    for record in gpos.FeatureList.FeatureRecord:
        if record.FeatureTag != "kern":
            continue
        for index in record.Feature.LookupListIndex:
            lookup = gpos.LookupList.Lookup[index]
            for table in lookup.SubTable:
                table = table.ExtSubTable if lookup.LookupType == 9 else table
                if table.ValueFormat1 & ~4 or table.ValueFormat2:
                    raise SystemExit("kern lookup adjusts more than the x advance")
                pairs.update(pair_values(font, table))
    return pairs


def pair_values(font, table):
    if table.Format == 1:
        return {(first, record.SecondGlyph): record.Value1.XAdvance
                for first, pair_set in zip(table.Coverage.glyphs, table.PairSet)
                for record in pair_set.PairValueRecord if record.Value1 and record.Value1.XAdvance}
    firsts, seconds = {}, {}
    for name in table.Coverage.glyphs:
        firsts.setdefault(table.ClassDef1.classDefs.get(name, 0), []).append(name)
    for name in font.getGlyphOrder():
        seconds.setdefault(table.ClassDef2.classDefs.get(name, 0), []).append(name)
    pairs = {}
    for class1, record in enumerate(table.Class1Record):
        for class2, record2 in enumerate(record.Class2Record):
            value = record2.Value1.XAdvance if record2.Value1 else 0
            if value:
                pairs.update({(a, b): value for a in firsts.get(class1, []) for b in seconds.get(class2, [])})
    return pairs


def single_substitutions(font):
    gsub = font["GSUB"].table
    found = {}
    for record in gsub.FeatureList.FeatureRecord:
        if record.FeatureTag in KEPT_SUBSTITUTIONS:
            for index in record.Feature.LookupListIndex:
                lookup = gsub.LookupList.Lookup[index]
                if lookup.LookupType != 1:
                    raise SystemExit(f"{record.FeatureTag} uses lookup type {lookup.LookupType}")
                for table in lookup.SubTable:
                    found.update({(record.FeatureTag, a): b for a, b in table.mapping.items()})
    return found


def features_text(substitutions):
    lines = ["# vert/vrt2 merged from the fontsource slices; ccmp, frac, mark and mkmk were dropped.",
             "languagesystem DFLT dflt;", ""]
    for tag in KEPT_SUBSTITUTIONS:
        lines.append(f"feature {tag} {{")
        lines += [f"    sub {a} by {b};" for (t, a), b in sorted(substitutions.items()) if t == tag]
        lines += [f"}} {tag};", ""]
    return "\n".join(lines)

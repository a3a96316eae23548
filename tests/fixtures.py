"""Tiny fonts built in code for tests: UFO targets, binary source fonts, and on-disk tree snapshots."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

import ufoLib2
from fontTools.fontBuilder import FontBuilder
from fontTools.pens.t2CharStringPen import T2CharStringPen
from fontTools.pens.ttGlyphPen import TTGlyphPen

Rect = tuple[float, float, float, float]
DATA = Path(__file__).parent / "data"
SOURCE = DATA / "NotoSansTC-Subset.otf"  # a Noto Sans CJK TC subset: real Han outlines
SERIF = DATA / "NotoSerifTC-Subset.otf"  # the same characters drawn in Noto Serif CJK TC
HAVE = "永字八法一二三"  # what the small targets draw
WANT = HAVE + "人大天中國學書"  # what their charset asks for


def draw_rect(pen, rect: Rect) -> None:
    """Draw one counter-clockwise rectangle (x0, y0, x1, y1) into a segment pen."""
    x0, y0, x1, y1 = rect
    pen.moveTo((x0, y0))
    pen.lineTo((x1, y0))
    pen.lineTo((x1, y1))
    pen.lineTo((x0, y1))
    pen.closePath()


def rect_drawer(*rects: Rect) -> Callable:
    """A draw(pen) callable that draws the given rectangles."""

    def draw(pen) -> None:
        for rect in rects:
            draw_rect(pen, rect)

    return draw


def glyph_rect(codepoint: int, upm: int = 1000) -> Rect:
    """A rectangle that differs per codepoint, so glyphs are distinguishable."""
    inset = 50 + codepoint % 7 * 10
    return (inset, -50 + inset, upm - inset, upm - 200 - inset)


def make_ufo(
    path: Path | None = None,
    codepoints: Iterable[int] = (),
    *,
    upm: int = 1000,
    advance: int = 1000,
    widths: Mapping[int, int] | None = None,
    vhea: tuple[int, int] | None = None,
    glyph_order: bool = True,
    extra_glyphs: Mapping[str, int | None] | None = None,
) -> ufoLib2.Font:
    """A UFO with one rectangle glyph per codepoint (`uniXXXX`), plus `extra_glyphs` name -> unicode (or None).

    `widths` overrides the advance per codepoint; `vhea` sets (vertTypoAscender, vertTypoDescender) and gives
    every glyph the height ascender - descender. Saved to `path` when given.
    """
    font = ufoLib2.Font()
    font.info.familyName = "Fixture"
    font.info.styleName = "Regular"
    font.info.unitsPerEm = upm
    font.info.ascender = round(upm * 0.88)
    font.info.descender = -round(upm * 0.12)
    font.info.openTypeOS2TypoAscender = round(upm * 0.88)
    font.info.openTypeOS2TypoDescender = -round(upm * 0.12)
    font.info.openTypeOS2TypoLineGap = 0
    if vhea is not None:
        font.info.openTypeVheaVertTypoAscender, font.info.openTypeVheaVertTypoDescender = vhea
        font.info.openTypeVheaVertTypoLineGap = 0
    names = []
    space = font.newGlyph("space")
    space.unicodes = [0x20]
    space.width = advance // 4
    names.append("space")
    for name, unicode in (extra_glyphs or {}).items():
        glyph = font.newGlyph(name)
        glyph.unicodes = [] if unicode is None else [unicode]
        glyph.width = advance
        draw_rect(glyph.getPen(), (100, 100, 200, 200))
        names.append(name)
    for codepoint in codepoints:
        name = f"uni{codepoint:04X}" if codepoint <= 0xFFFF else f"u{codepoint:05X}"
        glyph = font.newGlyph(name)
        glyph.unicodes = [codepoint]
        glyph.width = (widths or {}).get(codepoint, advance)
        if vhea is not None:
            glyph.height = vhea[0] - vhea[1]
        draw_rect(glyph.getPen(), glyph_rect(codepoint, upm))
        names.append(name)
    if glyph_order:
        font.lib["public.glyphOrder"] = names
    if path is not None:
        font.save(path)
    return font


def make_source_font(path: Path, codepoints: Iterable[int], *, upm: int = 1000, cff: bool = True) -> Path:
    """A binary source font (.otf with CFF or .ttf with glyf) with one rectangle glyph per codepoint."""
    codepoints = sorted(set(codepoints))
    names = [".notdef"] + [f"uni{cp:04X}" if cp <= 0xFFFF else f"u{cp:05X}" for cp in codepoints]
    builder = FontBuilder(upm, isTTF=not cff)
    builder.setupGlyphOrder(names)
    builder.setupCharacterMap(dict(zip(codepoints, names[1:])))
    outlines = {}
    for name, codepoint in zip(names, [None] + codepoints):
        rect = (100, 0, upm - 100, upm - 200) if codepoint is None else glyph_rect(codepoint, upm)
        pen = T2CharStringPen(upm, None) if cff else TTGlyphPen(None)
        draw_rect(pen, rect)
        outlines[name] = pen.getCharString() if cff else pen.glyph()
    if cff:
        builder.setupCFF("FixtureSource-Regular", {"FullName": "Fixture Source"}, outlines, {})
    else:
        builder.setupGlyf(outlines)
    builder.setupHorizontalMetrics({name: (upm, 100) for name in names})
    builder.setupHorizontalHeader(ascent=round(upm * 0.88), descent=-round(upm * 0.12))
    builder.setupNameTable({"familyName": "Fixture Source", "styleName": "Regular"})
    builder.setupOS2(sTypoAscender=round(upm * 0.88), sTypoDescender=-round(upm * 0.12), usWinAscent=upm, usWinDescent=0)
    builder.setupPost()
    builder.save(path)
    return path


def tree_snapshot(root: Path) -> dict[str, bytes]:
    """Every file under root (relative POSIX path -> bytes)."""
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


def tree_mtimes(root: Path) -> dict[str, int]:
    """Every file under root (relative POSIX path -> mtime in ns)."""
    return {path.relative_to(root).as_posix(): path.stat().st_mtime_ns for path in sorted(root.rglob("*")) if path.is_file()}


def two_master_designspace(root: Path) -> Path:
    """Two masters (Regular, Bold) drawing HAVE, a designspace over them and want.txt asking for WANT."""
    from fontTools.designspaceLib import AxisDescriptor, DesignSpaceDocument, SourceDescriptor

    document = DesignSpaceDocument()
    document.addAxis(AxisDescriptor(tag="wght", name="Weight", minimum=400, default=400, maximum=700))
    for style, weight in (("Regular", 400), ("Bold", 700)):
        ufo = make_ufo(None, [ord(c) for c in HAVE])
        ufo.info.styleName = style
        ufo.save(root / f"Fam-{style}.ufo")
        document.addSource(SourceDescriptor(filename=f"Fam-{style}.ufo", styleName=style,
                                            location={"Weight": weight}))
    document.write(root / "Fam.designspace")
    (root / "want.txt").write_text(WANT, encoding="utf-8")
    return root / "Fam.designspace"


def serif_ufo(path, codepoints) -> None:
    """A UFO whose glyphs are Noto Serif CJK TC's real drawings (distinct per character, unlike rectangles)."""
    font = make_ufo(None, codepoints)
    from fontTools.ttLib import TTFont

    serif = TTFont(SERIF)
    glyph_set, cmap = serif.getGlyphSet(), serif.getBestCmap()
    for codepoint in codepoints:
        glyph = font[f"uni{codepoint:04X}"]
        glyph.clearContours()
        glyph_set[cmap[codepoint]].draw(glyph.getPen())
    font.save(path)

"""Rebuild the example's committed sources from the @fontsource npm tarball and Debian's Noto Sans CJK TC."""

import argparse
import io
import random
import unicodedata
import zipfile
from pathlib import Path

import ufoLib2
from fontTools import subset
from fontTools.designspaceLib import AxisDescriptor, DesignSpaceDocument, SourceDescriptor
from fontTools.pens.reverseContourPen import ReverseContourPen
from fontTools.ttLib import TTFont
from zen_slices import CubicPen, features_text, merge_slices, read_package, slice_names

EXAMPLE_DIR = Path(__file__).resolve().parents[1]
NOTO_TTC = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
NOTO_TC_INDEX = 3
NOTO_COPYRIGHT_FILE = "/usr/share/doc/fonts-noto-cjk/copyright"
NOTO_COPYRIGHT_LINE = (
    "Copyright 2014-2021 Adobe (http://www.adobe.com/), with Reserved Font Name 'Source'. "
    "All Rights Reserved. Source is a trademark of Adobe in the United States and/or other countries."
)
OFL_NOTICE = (
    "This Font Software is licensed under the SIL Open Font License, Version 1.1. "
    "This license is available with a FAQ at: https://openfontlicense.org"
)
HOLDOUT_SEED = 20261123
HOLDOUT_SIZE = 200
WEIGHTS = {400: "Regular", 700: "Bold"}
COORDINATE_DECIMALS = 3  # elevated control points are multiples of 1/6 unit: stored to within 0.0005 unit
ZIP_DATE = (2021, 1, 1, 0, 0, 0)  # fixed member dates: the .ufoz bytes do not depend on when they were built


def is_han(codepoint):
    """CJK unified or compatibility ideograph (all blocks)."""
    return unicodedata.name(chr(codepoint), "").startswith(("CJK UNIFIED IDEOGRAPH", "CJK COMPATIBILITY IDEOGRAPH"))


def big5_level1():
    """Every character of Big5 level 1 (lead bytes A4-C6) as decoded by Python's big5 codec."""
    chars = set()
    for lead in range(0xA4, 0xC7):
        for trail in [*range(0x40, 0x7F), *range(0xA1, 0xFF)]:
            try:
                chars.add(ord(bytes([lead, trail]).decode("big5")))
            except UnicodeDecodeError:
                pass
    return chars


def set_info(info, font, style):
    names = {r.nameID: str(r) for r in font["name"].names if r.platformID == 3 and r.langID == 0x409}
    os2, hhea, head, post = font["OS/2"], font["hhea"], font["head"], font["post"]
    major, minor = divmod(round(head.fontRevision * 1000), 1000)
    info.familyName, info.styleName = names[1], style
    info.styleMapFamilyName, info.styleMapStyleName = names[1], style.lower()
    info.copyright, info.openTypeNameLicenseURL = names[0], names.get(14)
    info.openTypeNameLicense = names.get(13, OFL_NOTICE)
    info.versionMajor, info.versionMinor = major, minor
    info.openTypeNameVersion, info.postscriptFontName = names[5], names[6]
    info.unitsPerEm = head.unitsPerEm
    info.ascender, info.descender = os2.sTypoAscender, os2.sTypoDescender
    info.xHeight, info.capHeight = os2.sxHeight, os2.sCapHeight
    info.openTypeOS2TypoAscender, info.openTypeOS2TypoDescender = os2.sTypoAscender, os2.sTypoDescender
    info.openTypeOS2TypoLineGap = os2.sTypoLineGap
    info.openTypeOS2WinAscent, info.openTypeOS2WinDescent = os2.usWinAscent, os2.usWinDescent
    info.openTypeHheaAscender, info.openTypeHheaDescender = hhea.ascent, hhea.descent
    info.openTypeHheaLineGap = hhea.lineGap
    info.openTypeVheaVertTypoAscender = font["vhea"].ascent
    info.openTypeVheaVertTypoDescender = font["vhea"].descent
    info.openTypeVheaVertTypoLineGap = font["vhea"].lineGap
    info.openTypeOS2WeightClass, info.openTypeOS2WidthClass = os2.usWeightClass, os2.usWidthClass
    info.openTypeOS2VendorID = os2.achVendID.strip() or None
    info.openTypeOS2Type = [bit for bit in range(16) if os2.fsType & (1 << bit)]
    info.postscriptUnderlinePosition, info.postscriptUnderlineThickness = post.underlinePosition, post.underlineThickness
    info.italicAngle = post.italicAngle


def compact_coordinates(glyph):
    for contour in glyph.contours:
        for point in contour.points:
            point.x, point.y = (int(v) if v == int(v) else round(v, COORDINATE_DECIMALS) for v in (point.x, point.y))
            point.smooth = False  # only guessed by SegmentToPointPen; dropping it saves ~11 MB


def save_ufoz(ufo, path):
    """Save as a zipped UFO (the repo ignores UFO directories) with reproducible bytes."""
    if path.exists():
        path.unlink()
    ufo.save(path, structure="zip")
    with zipfile.ZipFile(path) as source:
        members = [(info.filename, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for name, data in sorted(members):
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type, info.external_attr = zipfile.ZIP_DEFLATED, 0o644 << 16
            target.writestr(info, data)


def build_ufo(package_fonts, weight, style, path):
    slices = [TTFont(io.BytesIO(package_fonts[name])) for name in slice_names(package_fonts, weight)]
    first, cmap, owner, glyph_order, kerning, substitutions = merge_slices(slices)
    unicodes = {}
    for codepoint, name in sorted(cmap.items()):
        unicodes.setdefault(name, []).append(codepoint)
    ufo = ufoLib2.Font()
    set_info(ufo.info, first, style)
    for name in glyph_order:
        font = owner[name]
        glyph = ufo.newGlyph(name)
        glyph.unicodes = unicodes.get(name, [])
        glyph.width = font["hmtx"][name][0]
        height, top_bearing = font["vmtx"][name]
        glyph.height = height
        # TrueType outers run clockwise; cubic (PostScript) UFO outers run counter-clockwise.
        font.getGlyphSet()[name].draw(CubicPen(ReverseContourPen(glyph.getPen())))
        compact_coordinates(glyph)
        tt_glyph = font["glyf"][name]
        if hasattr(tt_glyph, "yMax") and tt_glyph.numberOfContours:
            origin = tt_glyph.yMax + top_bearing
            if origin != ufo.info.openTypeVheaVertTypoAscender:
                glyph.lib["public.verticalOrigin"] = origin
    ufo.glyphOrder = glyph_order
    ufo.kerning.update(kerning)
    ufo.features.text = features_text(substitutions)
    save_ufoz(ufo, path)
    return ufo, len(slices)


def structure(glyph):
    """What must match for two masters of a glyph to interpolate."""
    contours = tuple(tuple((p.type or "off") for p in contour.points) for contour in glyph.contours)
    return contours, tuple(c.baseGlyph for c in glyph.components)


def build_sparse_master(regular, bold, path):
    """Bold master for the designspace: the Bold glyphs whose structure matches Regular's (others would not interpolate)."""
    kept = {g.name for g in bold if g.name in regular and structure(g) == structure(regular[g.name])}
    while True:  # a composite whose base was dropped cannot stay
        dropped = {name for name in kept if any(c.baseGlyph not in kept for c in bold[name].components)}
        if not dropped:
            break
        kept -= dropped
    master = ufoLib2.Font(info=bold.info)
    for name in bold.glyphOrder:
        if name in kept:
            master.layers.defaultLayer.insertGlyph(bold[name], name=name)
    master.glyphOrder = [name for name in bold.glyphOrder if name in kept]
    master.kerning.update({pair: v for pair, v in bold.kerning.items() if set(pair) <= kept})
    save_ufoz(master, path)
    return master, 1


def write_designspace(path, regular, bold):
    doc = DesignSpaceDocument()
    doc.addAxis(AxisDescriptor(tag="wght", name="Weight", minimum=400, default=400, maximum=700))
    for ufo_path, weight, style in ((regular, 400, "Regular"), (bold, 700, "Bold")):
        doc.addSource(SourceDescriptor(filename=ufo_path.name, familyName="Zen Maru Gothic", styleName=style,
                                      location={"Weight": weight}))
    doc.write(path)


def build_noto_subset(path, zen_han):
    codepoints = big5_level1() | zen_han | set(range(0x20, 0x7F))
    options = subset.Options()
    options.hinting = False
    options.layout_features = []
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "BASE"]
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]
    options.notdef_outline = True
    font = TTFont(NOTO_TTC, fontNumber=NOTO_TC_INDEX, recalcTimestamp=False)  # reproducible bytes
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=codepoints)
    subsetter.subset(font)
    font.save(path)
    return set(font.getBestCmap())


def noto_license():
    text = Path(NOTO_COPYRIGHT_FILE).read_text(encoding="utf-8")
    body = text.split("\nLicense: SIL-1.1\n", 2)[2].split("\n\n", 1)[0]
    lines = ["" if line.strip() == "." else line[1:] for line in body.splitlines()]
    return NOTO_COPYRIGHT_LINE + "\n\nThis Font Software is licensed under the SIL Open Font License, Version 1.1.\n\n" \
        + "\n".join(lines) + "\n"


def choose_holdout(common_han):
    return sorted(random.Random(HOLDOUT_SEED).sample(sorted(common_han), HOLDOUT_SIZE))


def write_holdout(path, chosen):
    header = [f"# {HOLDOUT_SIZE} Han characters held out of training: random.Random({HOLDOUT_SEED}).sample() of the",
              "# sorted Han codepoints present in both Zen Maru Gothic Regular and Noto Sans CJK TC.",
              "# Rebuilt by tools/make_sources.py."]
    path.write_text("\n".join(header + [f"{chr(c)} U+{c:04X}" for c in chosen]) + "\n", encoding="utf-8")


def report(path, ufo, slice_count):
    codepoints = {u for glyph in ufo for u in glyph.unicodes}
    print(f"{path.name}: {slice_count} source fonts, {len(ufo)} glyphs, {len(codepoints)} codepoints, "
          f"{sum(map(is_han, codepoints))} Han, {len(ufo.kerning)} kerning pairs")
    return codepoints


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("tarball", type=Path, help="fontsource-zen-maru-gothic-*.tgz from `npm pack @fontsource/zen-maru-gothic`")
    parser.add_argument("--out", type=Path, default=EXAMPLE_DIR, help="example directory (default: this example)")
    args = parser.parse_args(argv)
    sources = args.out / "sources"
    sources.mkdir(parents=True, exist_ok=True)
    meta, zen_license, package_fonts = read_package(args.tarball)
    print(f"{meta['name']} {meta['version']}")
    regular_path, bold_path = sources / "ZenMaruGothic-Regular.ufoz", sources / "ZenMaruGothic-Bold.ufoz"
    regular, slice_count = build_ufo(package_fonts, 400, "Regular", regular_path)
    regular_codepoints = report(regular_path, regular, slice_count)
    zen_han = {c for c in regular_codepoints if is_han(c)}
    noto_codepoints = build_noto_subset(sources / "NotoSansCJKtc-Subset.otf", zen_han)
    big5 = big5_level1()
    missing = big5 - regular_codepoints
    print(f"NotoSansCJKtc-Subset.otf: {len(noto_codepoints)} codepoints; Big5-1: {len(big5)} characters, "
          f"{sum(map(is_han, big5))} Han, {len(missing)} missing from Zen Maru Regular "
          f"({sum(map(is_han, missing))} Han, {len(missing - noto_codepoints)} also missing from the Noto subset)")
    holdout = choose_holdout(zen_han & {c for c in noto_codepoints if is_han(c)})
    write_holdout(args.out / "holdout.txt", holdout)
    bold, slice_count = build_ufo(package_fonts, 700, "Bold", bold_path)
    report(bold_path, bold, slice_count)
    master_path = sources / "ZenMaruGothic-BoldMaster.ufoz"
    report(master_path, *build_sparse_master(regular, bold, master_path))
    write_designspace(sources / "ZenMaruGothic.designspace", regular_path, master_path)
    (sources / "OFL-ZenMaruGothic.txt").write_text(zen_license, encoding="utf-8")
    (sources / "OFL-NotoSansCJK.txt").write_text(noto_license(), encoding="utf-8")


if __name__ == "__main__":
    main()

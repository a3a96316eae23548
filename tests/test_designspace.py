"""Designspace projects: every master gets the glyphs, compatible across masters, each in its own weight."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import numpy as np
import pathops
import pytest
import ufoLib2
from fixtures import make_ufo
from fontTools.designspaceLib import AxisDescriptor, DesignSpaceDocument, SourceDescriptor
from fontTools.fontBuilder import FontBuilder
from fontTools.pens.t2CharStringPen import T2CharStringPen
from fontTools.ttLib import TTFont

from fontcomplete.complete.engine import Completer, CompleteSettings, complete_masters
from fontcomplete.complete.place import open_plan, place
from fontcomplete.complete.plan import Master, plan_masters
from fontcomplete.core.frame import EmFrame
from fontcomplete.core.outline import structure
from fontcomplete.fonts.designspace import master_files
from fontcomplete.fonts.font import open_font
from fontcomplete.fonts.raster import render, render_outline
from fontcomplete.generate.copy import copy_outline
from fontcomplete.outlines.onto_ink import fit_outline

DATA = Path(__file__).parent / "data"
REGULAR = DATA / "NotoSansTC-Subset.otf"
HAVE = "永字八法"
WANT = "永字八法一二三人大天國學"
FRAME = EmFrame(0, -120, 1000)


def make_bold_source(path: Path, chars: str = WANT, stroke: float = 36) -> Path:
    """A bolder copy of the Noto subset (outlines stroked and unioned with themselves) for the 700 master."""
    regular = open_font(REGULAR)
    names = [".notdef"] + [regular.cmap[ord(c)] for c in chars]
    charstrings = {}
    for name in names:
        path_ops = pathops.Path()
        if name != ".notdef":
            regular.draw(name, path_ops.getPen())
        outline = pathops.Path()
        path_ops.draw(outline.getPen())
        path_ops.stroke(stroke, pathops.LineCap.BUTT_CAP, pathops.LineJoin.MITER_JOIN, 4)
        bold = pathops.op(outline, path_ops, pathops.PathOp.UNION, fix_winding=True, clockwise=False)
        pen = T2CharStringPen(1000, None)
        bold.draw(pen)
        charstrings[name] = pen.getCharString()
    builder = FontBuilder(1000, isTTF=False)
    builder.setupGlyphOrder(names)
    builder.setupCharacterMap({ord(c): regular.cmap[ord(c)] for c in chars})
    builder.setupCFF("FixtureBold-Bold", {"FullName": "Fixture Bold"}, charstrings, {})
    builder.setupHorizontalMetrics({name: (1000, 0) for name in names})
    builder.setupHorizontalHeader(ascent=880, descent=-120)
    builder.setupNameTable({"familyName": "Fixture", "styleName": "Bold"})
    builder.setupOS2(sTypoAscender=880, sTypoDescender=-120, usWinAscent=1000, usWinDescent=0)
    builder.setupPost()
    builder.save(path)
    return path


def ink(image: np.ndarray) -> float:
    return float(image.astype(np.float64).sum() / 255)


def drawer(outline):
    def draw(pen):
        for operator, operands in outline:
            getattr(pen, operator)(*operands)
    return draw


@pytest.fixture(scope="module")
def bold_source(tmp_path_factory) -> Path:
    return make_bold_source(tmp_path_factory.mktemp("bold") / "Bold.otf")


@pytest.fixture
def project(tmp_path, bold_source):
    """A two-master (wght 400, 700) designspace of UFOs that have HAVE, plus a charset file of WANT."""
    document = DesignSpaceDocument()
    document.addAxis(AxisDescriptor(tag="wght", name="Weight", minimum=400, default=400, maximum=700))
    for style, weight in (("Regular", 400), ("Bold", 700)):
        ufo = make_ufo(tmp_path / f"Fam-{style}.ufo", [ord(c) for c in HAVE])
        ufo.info.styleName = style
        ufo.save(overwrite=True)
        document.addSource(SourceDescriptor(filename=f"Fam-{style}.ufo", styleName=style,
                                            location={"Weight": weight}))
    document.write(tmp_path / "Fam.designspace")
    (tmp_path / "chars.txt").write_text(WANT, encoding="utf-8")
    return tmp_path


def test_fit_keeps_the_structure_and_takes_the_other_weight(bold_source):
    regular, bold = open_font(REGULAR), open_font(bold_source)
    for char in "國學永":
        base = copy_outline(regular, regular.cmap[ord(char)], FRAME)
        target = render(bold, bold.cmap[ord(char)], 256)
        fitted = fit_outline(base, target, FRAME)
        assert structure(fitted) == structure(base)
        got, base_image = render_outline(drawer(fitted), FRAME, 256), render_outline(drawer(base), FRAME, 256)
        assert ink(got) > 1.15 * ink(base_image)
        iou = lambda a, b: ((a >= 128) & (b >= 128)).sum() / ((a >= 128) | (b >= 128)).sum()  # noqa: E731
        assert iou(got, target) > iou(base_image, target) + 0.05


def test_completer_gives_every_master_compatible_glyphs(project, bold_source):
    settings = CompleteSettings(source=str(REGULAR), sources=(("Bold", str(bold_source)),),
                                charset=(str(project / "chars.txt"),), cache=str(project / "cache"))
    completer = Completer(settings)
    ufos = [ufoLib2.Font.open(project / f"Fam-{s}.ufo") for s in ("Regular", "Bold")]
    masters = [completer.master(ufo, ufo) for ufo in ufos]
    assert masters[1].source.path == bold_source
    completion = completer.complete(masters, completer.plan(masters))
    regular, bold = completion.outlines
    assert sorted(regular) == sorted(bold) == sorted(ord(c) for c in set(WANT) - set(HAVE))
    assert all(structure(regular[cp]) == structure(bold[cp]) for cp in regular)
    ratio = np.mean([ink(render_outline(drawer(bold[cp]), FRAME, 128)) / ink(render_outline(drawer(regular[cp]), FRAME, 128))
                     for cp in regular])
    assert ratio > 1.15


def test_incompatible_glyphs_are_left_out_of_every_master_with_a_warning(caplog):
    source = open_font(REGULAR)
    glyphs = {}
    masters = [Master(name, glyphs, FRAME, source) for name in ("A", "B")]
    generate = lambda master, cps: {cp: copy_outline(source, source.cmap[cp], FRAME) for cp in cps}  # noqa: E731
    broken = ord("一")

    def fit(master, base, default):
        return {cp: (outline[:-1] if cp == broken else outline) for cp, outline in base.items()}

    with caplog.at_level(logging.WARNING):
        completion = complete_masters(masters, plan_masters(masters, [ord(c) for c in "一二"]), generate, fit)
    assert completion.incompatible == [broken]
    assert all(list(per_master) == [ord("二")] for per_master in completion.outlines)
    assert "left out of all of them: 一" in caplog.text


def test_fill_writes_compatible_glyphs_into_every_master(project, bold_source):
    settings = CompleteSettings(source=str(REGULAR), sources=(("Fam-Bold.ufo", str(bold_source)),),
                                charset=(str(project / "chars.txt"),), cache=False)
    files = master_files(project / "Fam.designspace")
    completer = Completer(settings)
    targets, plan = open_plan(files, completer)
    placed = place(targets, completer, plan)
    assert [len(report.added) for _, report in placed.reports] == [8, 8]
    regular, bold = (ufoLib2.Font.open(project / f"Fam-{s}.ufo") for s in ("Regular", "Bold"))
    for name in ("uni4E00", "uni570B"):
        assert len(regular[name].contours) == len(bold[name].contours) > 0
        assert [len(c) for c in regular[name].contours] == [len(c) for c in bold[name].contours]


@pytest.mark.slow
def test_variable_build_succeeds_and_instances_differ_in_weight(project, bold_source):
    from fontTools.varLib.instancer import instantiateVariableFont

    sources = {"Regular": str(REGULAR), "Bold": str(bold_source)}
    spec = (f"fontcomplete.filter::CompleteFilter(sources={sources!r}, charset={str(project / 'chars.txt')!r}, "
            f"cache={str(project / 'cache')!r})")
    result = subprocess.run([sys.executable, "-m", "fontmake", "-m", str(project / "Fam.designspace"), "-o", "variable",
                             "--filter", spec, "--output-dir", "out"], cwd=project, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    font = TTFont(next((project / "out").glob("*.ttf")))
    assert {chr(cp) for cp in font.getBestCmap()} >= set(WANT)
    inks = {}
    for weight in (400, 700):
        instance = instantiateVariableFont(TTFont(next((project / "out").glob("*.ttf"))), {"wght": weight})
        glyph_set = instance.getGlyphSet()
        inks[weight] = sum(ink(render_outline(lambda pen, n=name, g=glyph_set: g[n].draw(pen), FRAME, 128))
                           for name in ("uni4E00", "uni570B", "uni5B78"))
    assert inks[700] > 1.15 * inks[400]


def test_fit_keeps_closing_point_coincidence():
    square = [("moveTo", ((0, 0),)), ("lineTo", ((100, 0),)), ("lineTo", ((100, 100),)), ("lineTo", ((0, 100),)),
              ("lineTo", ((0, 1),)), ("closePath", ())]
    image = np.zeros((64, 64), np.uint8)
    fitted = fit_outline(square, image, FRAME)
    assert fitted[4][1][0] != fitted[0][1][0]  # a near-closing point never collapses onto the start
    closed = square[:4] + [("lineTo", ((0, 0),)), ("closePath", ())]
    fitted = fit_outline(closed, image, FRAME)
    assert fitted[4][1][0] == fitted[0][1][0]


def test_a_model_s_drawn_outlines_are_compatible_across_masters(project, bold_source, tiny_model):
    """The default master's glyph is traced and redrawn (exact lines, fitted curves); every other master keeps its
    point structure."""
    settings = CompleteSettings(source=str(REGULAR), sources=(("Fam-Bold.ufo", str(bold_source)),),
                                charset=(str(project / "chars.txt"),), cache=False, model=str(tiny_model), views=1)
    files = master_files(project / "Fam.designspace")
    completer = Completer(settings)
    targets, plan = open_plan(files, completer)
    placed = place(targets, completer, plan)
    added = [report.added for _, report in placed.reports]
    assert added[0] == added[1] and len(added[0]) > 0
    regular, bold = (ufoLib2.Font.open(project / f"Fam-{s}.ufo") for s in ("Regular", "Bold"))
    for codepoint in added[0]:
        name = f"uni{codepoint:04X}"
        assert [[p.type for p in c] for c in regular[name].contours] == [[p.type for p in c] for c in bold[name].contours]
    assert {regular[f"uni{cp:04X}"].lib["org.fontcomplete.provenance"]["trace"].split("outline ")[1].split(",")[0]
            for cp in added[0]} == {"drawn"}

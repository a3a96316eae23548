"""The ufo2ft pre-filter: new glyphs reach OTF and TTF builds (cmap), the UFO stays untouched, failures are loud."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import ufo2ft
import ufoLib2
from fixtures import make_ufo, tree_snapshot
from fontTools.ttLib import TTFont
from ufo2ft.constants import FILTERS_KEY

import fontcomplete.complete.engine
from fontcomplete.core.errors import FontcompleteError
from fontcomplete.filter import CompleteFilter, check_lib_filters
from fontcomplete.fonts.raster import render_many

DATA = Path(__file__).parent / "data"
SOURCE = str(DATA / "NotoSansTC-Subset.otf")
HAVE = "永字八法"
WANT = "永字八法一二三人大天"
NEW = set(WANT) - set(HAVE)


@pytest.fixture
def target(tmp_path):
    path = tmp_path / "Target.ufo"
    make_ufo(path, [ord(c) for c in HAVE])
    (tmp_path / "chars.txt").write_text(WANT, encoding="utf-8")
    return path


def filter_kwargs(target: Path) -> dict:
    return {"source": SOURCE, "charset": str(target.parent / "chars.txt"), "cache": str(target.parent / "cache")}


def new_chars(font: TTFont) -> set[str]:
    return {chr(cp) for cp in font.getBestCmap() if cp > 0x2000} - set(HAVE)


@pytest.mark.parametrize("compile_font", [ufo2ft.compileOTF, ufo2ft.compileTTF])
def test_filter_adds_glyphs_to_the_build_only(target, compile_font):
    before = tree_snapshot(target)
    font = compile_font(ufoLib2.Font.open(target), filters=[CompleteFilter(**filter_kwargs(target))])
    assert new_chars(font) == NEW
    glyph = font.getBestCmap()[ord("一")]
    assert glyph == "uni4E00" and font["hmtx"][glyph][0] == 1000
    assert tree_snapshot(target) == before


def test_ttf_outlines_are_quadratic_and_nonempty(target):
    font = ufo2ft.compileTTF(ufoLib2.Font.open(target), filters=[CompleteFilter(**filter_kwargs(target))])
    glyph = font["glyf"]["uni4E00"]
    assert glyph.numberOfContours > 0


def test_lib_key_route(target):
    ufo = ufoLib2.Font.open(target)
    ufo.lib[FILTERS_KEY] = [{"namespace": "fontcomplete", "name": "filter", "pre": False,
                             "kwargs": filter_kwargs(target)}]
    ufo.save()
    font = ufo2ft.compileOTF(ufoLib2.Font.open(target))
    assert new_chars(font) == NEW  # forced to a pre-filter even when the lib entry says pre: false
    assert check_lib_filters(target)[0].startswith("ok: CompleteFilter(")


def test_missing_source_fails_loudly(target):
    with pytest.raises(FontcompleteError, match="cannot start.*not found"):
        CompleteFilter(source=str(target.parent / "missing.otf"))
    with pytest.raises(FontcompleteError, match="no source"):
        CompleteFilter()
    ufo = ufoLib2.Font.open(target)
    ufo.lib[FILTERS_KEY] = [{"namespace": "fontcomplete", "name": "filter", "kwargs": {"source": "missing.otf"}}]
    with pytest.raises(FontcompleteError, match="not found"):
        ufo2ft.compileOTF(ufo)


def test_missing_model_fails_loudly(target):
    with pytest.raises(FontcompleteError, match="model 'no-such-model'"):
        CompleteFilter(source=SOURCE, model="no-such-model")


def test_check_reports_what_ufo2ft_would_skip(target):
    ufo = ufoLib2.Font.open(target)
    with pytest.raises(FontcompleteError, match="no fontcomplete entry"):
        check_lib_filters(target)
    ufo.lib[FILTERS_KEY] = [{"namespace": "fontcomplete", "name": "nope", "kwargs": {}}]
    ufo.save()
    with pytest.raises(FontcompleteError, match="would skip"):
        check_lib_filters(target)


class FakeStylizer:
    image_size = 64
    model_id = "fake@0/regular"
    ink_threshold = None
    gap_opening = None
    validation_topology = None
    exemplars = 0

    def __call__(self, images):
        return images.astype(np.float32) / 255

    def views_ink(self, images):
        return self(images)[None]


def test_model_mode_uses_the_same_path(target, monkeypatch):
    asked = set()

    def load(model, style, device, views, target_name=None):
        asked.add((model, views))
        return FakeStylizer()

    monkeypatch.setattr(fontcomplete.complete.engine, "open_model", load)
    font = ufo2ft.compileOTF(ufoLib2.Font.open(target), filters=[CompleteFilter(model="fake", **filter_kwargs(target))])
    assert new_chars(font) == NEW and asked == {("fake", 5)}
    ufo2ft.compileOTF(ufoLib2.Font.open(target), filters=[CompleteFilter(model="fake", views=1, **filter_kwargs(target))])
    assert asked == {("fake", 5), ("fake", 1)}


class ExemplarStylizer(FakeStylizer):
    """Takes exemplars: records the glyphs the filter offers it and checks they render."""

    exemplars = 1
    offered: list = []

    def with_target(self, source, target, codepoints):
        renders = render_many(target, [target.cmap[c] for c in sorted(codepoints)], 32)
        ExemplarStylizer.offered.append((set(codepoints), int(renders.max())))
        return self


def test_exemplar_models_see_the_masters_own_glyphs(target, monkeypatch):
    monkeypatch.setattr(fontcomplete.complete.engine, "open_model", lambda *args: ExemplarStylizer())
    ufo = ufoLib2.Font.open(target)
    font = ufo2ft.compileOTF(ufo, filters=[CompleteFilter(model="fake", **filter_kwargs(target))])
    assert new_chars(font) == NEW
    codepoints, ink = ExemplarStylizer.offered[-1]
    assert {chr(c) for c in codepoints if c > 0x2000} == set(HAVE) and ink == 255


def test_one_filter_instance_completes_two_fonts_each_from_its_own_glyphs(tmp_path, monkeypatch):
    """A filter outlives the masters it builds on each call: the second font must get a model that read its
    glyphs, never the first font's."""
    used = []

    class Bound(FakeStylizer):
        def __init__(self, seen):
            self.seen, self.model_id = seen, f"fake+{''.join(sorted(map(chr, seen)))}"

        def __call__(self, images):
            used.append(self.seen)
            return super().__call__(images)

    class Reading(FakeStylizer):
        exemplars = 1

        def with_target(self, source, target, codepoints):
            return Bound(frozenset(c for c in codepoints if c > 0x2000))

    monkeypatch.setattr(fontcomplete.complete.engine, "open_model", lambda *args: Reading())
    (tmp_path / "chars.txt").write_text(WANT, encoding="utf-8")
    one = CompleteFilter(model="fake", source=SOURCE, charset=str(tmp_path / "chars.txt"), cache=False)
    for name, have in (("A", "永字八法"), ("B", "永一二三")):
        make_ufo(tmp_path / f"{name}.ufo", [ord(c) for c in have])
        used.clear()
        font = ufo2ft.compileOTF(ufoLib2.Font.open(tmp_path / f"{name}.ufo"), filters=[one])
        assert {chr(cp) for cp in font.getBestCmap() if cp > 0x2000} == set(WANT)
        assert used and set(used) == {frozenset(map(ord, have))}, name


def fontmake(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "fontmake", *args]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=300)


@pytest.mark.slow
@pytest.mark.parametrize("output", ["otf", "ttf"])
def test_fontmake_filter_option(target, output):
    before = tree_snapshot(target)
    spec = "fontcomplete.filter::CompleteFilter(" + ", ".join(f"{k}={v!r}" for k, v in filter_kwargs(target).items()) + ")"
    result = fontmake("-u", str(target), "-o", output, "--filter", spec, "--overlaps-backend", "pathops",
                      "--output-dir", "out", cwd=target.parent)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "fontcomplete: added 6 glyphs" in result.stderr
    built = TTFont(next((target.parent / "out").glob(f"*.{output}")))
    assert new_chars(built) == NEW
    assert tree_snapshot(target) == before


@pytest.mark.slow
def test_fontmake_fails_when_the_source_is_missing(target):
    spec = f"fontcomplete.filter::CompleteFilter(source={str(target.parent / 'missing.otf')!r})"
    result = fontmake("-u", str(target), "-o", "otf", "--filter", spec, "--output-dir", "out", cwd=target.parent)
    assert result.returncode != 0
    assert "fontcomplete filter cannot start" in result.stderr


def test_fast_contours_match_the_pen():
    from fontcomplete.complete.engine import open_source
    from fontcomplete.core.frame import EmFrame
    from fontcomplete.core.outline import draw_into
    from fontcomplete.fonts.raster import render
    from fontcomplete.generate.copy import copy_outline
    from fontcomplete.outlines.trace import trace_to_recording

    source = open_source(SOURCE)
    frame = EmFrame(0, -120, 1000)
    outlines = [copy_outline(source, source.cmap[ord(c)], frame) for c in "永國"]
    outlines += [trace_to_recording(render(source, source.cmap[ord(c)], 64), frame) for c in "永國"]
    outlines.append([("moveTo", ((0, 0),)), ("lineTo", ((9, 0),)), ("lineTo", ((0, 0),)), ("closePath", ())])
    for outline in outlines:
        fast, slow = ufoLib2.objects.Glyph("a"), ufoLib2.objects.Glyph("b")
        draw_into(fast, outline)
        pen = slow.getPen()
        for operator, operands in outline:
            getattr(pen, operator)(*operands)
        as_points = lambda g: [[(p.x, p.y, p.segmentType) for p in c] for c in g.contours]  # noqa: E731
        assert as_points(fast) == as_points(slow)


def test_pre_is_the_default_and_left_to_the_user(target):
    assert CompleteFilter(**filter_kwargs(target)).pre is True
    assert CompleteFilter(pre=False, **filter_kwargs(target)).pre is False

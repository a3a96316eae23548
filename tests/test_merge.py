"""Tests for merging new glyphs into a UFO and saving it atomically and minimally."""

import os
import zipfile

import pytest
from fixtures import make_ufo, rect_drawer, tree_mtimes, tree_snapshot
from fontTools.ufoLib.glifLib import GlyphSet

from fontcomplete.complete.merge import (
    MARK_COLOR,
    PROVENANCE_KEY,
    NewGlyph,
    generated_codepoints,
    glyph_name_for,
    ideograph_advance,
    learn_metrics,
    merge_glyphs,
    open_ufo,
    save_atomic,
)
from fontcomplete.core.errors import FontcompleteError
from fontcomplete.storage import journal

HAN = [0x4E00, 0x4E01, 0x4E03]
PROVENANCE = {"model": "copy", "source": "Source.otf"}


def new_glyphs(codepoints, size=300):
    return [NewGlyph(cp, rect_drawer((100, 0, 100 + size, size)), PROVENANCE) for cp in codepoints]


def fill(path, codepoints, *, size=300, replace_generated=False, today="2024-05-01", explicit=True):
    """Open, merge and save the way the fill command does; returns the report and whether anything was written.

    explicit: pass the report's glyph names to the save; else the save finds the unsaved glyphs itself.
    """
    ufo = open_ufo(path)
    report = merge_glyphs(ufo, new_glyphs(codepoints, size), replace_generated=replace_generated, today=today)
    return report, save_atomic(ufo, path, report.changed_glyph_names if explicit else None)


def leftovers(directory):
    return sorted(name for name in os.listdir(directory) if "fontcomplete" in name)


def test_glyph_name_for():
    assert glyph_name_for(0x4E00) == "uni4E00"
    assert glyph_name_for(0x41) == "uni0041"
    assert glyph_name_for(0x20000) == "u20000"
    assert glyph_name_for(0x10FFFD) == "u10FFFD"


def test_advance_is_most_common_among_han_glyphs():
    ufo = make_ufo(None, HAN + [0x4E09], widths={0x4E00: 960, 0x4E01: 1024, 0x4E03: 1024, 0x4E09: 1000},
                   extra_glyphs={"A": 0x41, "B": 0x42})
    assert ideograph_advance(ufo) == 1024


def test_advance_needs_han_glyphs():
    with pytest.raises(FontcompleteError, match="no Han glyphs to learn the advance from"):
        ideograph_advance(make_ufo(None, [], extra_glyphs={"A": 0x41}))


def test_vertical_metrics_only_with_vhea():
    assert learn_metrics(make_ufo(None, HAN)).height is None
    assert learn_metrics(make_ufo(None, HAN, vhea=(440, -560))).height == 1000
    ufo = make_ufo(None, HAN, vhea=(500, -500))
    for glyph in ufo:
        glyph.height = 0
    assert learn_metrics(ufo).height == 1000  # no glyph heights: vertTypoAscender - vertTypoDescender
    ufo["uni4E00"].verticalOrigin = 880
    ufo["uni4E01"].verticalOrigin = 880
    assert learn_metrics(ufo).vertical_origin == 880


def test_merge_adds_glyph_with_metrics_color_provenance_and_order():
    ufo = make_ufo(None, HAN, advance=1024, vhea=(500, -500))
    report = merge_glyphs(ufo, new_glyphs([0x4E09, 0x20000]), today="2024-05-01")
    assert report.added == (0x4E09, 0x20000) and report.changed_glyph_names == ["uni4E09", "u20000"]
    glyph = ufo["uni4E09"]
    assert glyph.unicodes == [0x4E09] and glyph.width == 1024 and glyph.height == 1000
    assert len(glyph.contours) == 1 and glyph.lib["public.markColor"] == MARK_COLOR
    provenance = glyph.lib[PROVENANCE_KEY]
    assert provenance["model"] == "copy" and provenance["source"] == "Source.otf"
    assert provenance["date"] == "2024-05-01" and provenance["tool"].startswith("fontcomplete ")
    assert ufo.lib["public.glyphOrder"][-2:] == ["uni4E09", "u20000"]


def test_merge_does_not_invent_a_glyph_order():
    ufo = make_ufo(None, HAN, glyph_order=False)
    merge_glyphs(ufo, new_glyphs([0x4E09]))
    assert "public.glyphOrder" not in ufo.lib


def test_existing_codepoints_and_names_are_never_touched():
    ufo = make_ufo(None, HAN, extra_glyphs={"ichi": 0x4E8C, "uni4E09": None})
    before = {name: ufo[name].copy() for name in ufo.keys()}
    report = merge_glyphs(ufo, new_glyphs([0x4E00, 0x4E8C, 0x4E09]), replace_generated=True)
    assert report.skipped_existing == (0x4E00, 0x4E8C, 0x4E09) and not report.added
    assert {name: ufo[name] for name in ufo.keys()} == before


def test_existing_glyphs_stay_byte_identical_on_disk(tmp_path):
    path = tmp_path / "Target.ufo"
    make_ufo(path, HAN)
    foreign = path / "glyphs" / "uni4E_00.glif"  # as another editor might have formatted it
    foreign.write_text(foreign.read_text().replace("  ", "\t").replace("'", '"'))
    before, mtimes = tree_snapshot(path), tree_mtimes(path)
    report, wrote = fill(path, [0x4E09], explicit=False)
    assert wrote and report.added == (0x4E09,)
    after = tree_snapshot(path)
    changed = {name for name in after if before.get(name) != after[name]}
    assert changed == {"glyphs/uni4E_09.glif", "glyphs/contents.plist", "lib.plist"}
    assert {name: stamp for name, stamp in tree_mtimes(path).items() if name in before and name not in changed} == {
        name: stamp for name, stamp in mtimes.items() if name not in changed
    }
    assert open_ufo(path)["uni4E09"].lib[PROVENANCE_KEY]["model"] == "copy"
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("explicit", [True, False])
def test_replace_only_with_flag_and_only_generated_glyphs(tmp_path, explicit):
    path = tmp_path / "Target.ufo"
    make_ufo(path, HAN)
    fill(path, [0x4E09], size=300, explicit=explicit)
    assert generated_codepoints(open_ufo(path)) == [0x4E09]
    report, wrote = fill(path, [0x4E09, 0x4E00], size=400, explicit=explicit)
    assert report.skipped_existing == (0x4E09, 0x4E00) and not wrote
    report, wrote = fill(path, [0x4E09, 0x4E00], size=400, replace_generated=True, today="2024-06-01",
                         explicit=explicit)
    assert report.replaced == (0x4E09,) and report.skipped_existing == (0x4E00,) and wrote
    ufo = open_ufo(path)
    assert ufo["uni4E09"].contours[0].points[2].x == 500
    assert ufo["uni4E09"].lib[PROVENANCE_KEY]["date"] == "2024-06-01"
    assert ufo.lib["public.glyphOrder"].count("uni4E09") == 1


@pytest.mark.parametrize("explicit", [True, False])
def test_rerun_changes_no_byte_and_no_mtime(tmp_path, explicit):
    path = tmp_path / "Target.ufo"
    make_ufo(path, HAN)
    assert fill(path, [0x4E09, 0x4E8C], explicit=explicit)[1]
    before, mtimes = tree_snapshot(path), tree_mtimes(path)
    report, wrote = fill(path, [0x4E09, 0x4E8C], today="2030-01-01", explicit=explicit)
    assert report.skipped_existing == (0x4E09, 0x4E8C) and not wrote
    report, wrote = fill(path, [0x4E09, 0x4E8C], replace_generated=True, today="2030-01-01", explicit=explicit)
    assert report.unchanged == (0x4E09, 0x4E8C) and not report.replaced and not wrote
    assert tree_snapshot(path) == before and tree_mtimes(path) == mtimes
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("stage", ["write", "exchange", "fallback-rename"])
def test_crash_during_save_leaves_the_original_untouched(tmp_path, monkeypatch, stage):
    path = tmp_path / "Target.ufo"
    make_ufo(path, HAN)
    before, mtimes = tree_snapshot(path), tree_mtimes(path)
    ufo = open_ufo(path)
    report = merge_glyphs(ufo, new_glyphs([0x4E09, 0x4E8C]))

    def crash(*args, **kwargs):
        raise KeyboardInterrupt

    if stage == "write":
        monkeypatch.setattr(GlyphSet, "writeContents", crash)
    elif stage == "exchange":
        monkeypatch.setattr(journal, "_exchange", crash)
    else:  # no renameat2: the two-rename fallback fails on its second rename and must roll back
        monkeypatch.setattr(journal, "_exchange", lambda first, second: False)
        real_rename, calls = os.rename, []

        def rename(src, dst):
            calls.append(src)
            if len(calls) == 2:
                raise KeyboardInterrupt
            real_rename(src, dst)

        monkeypatch.setattr(journal.os, "rename", rename)
    with pytest.raises(KeyboardInterrupt):
        save_atomic(ufo, path, report.changed_glyph_names)
    assert tree_snapshot(path) == before and tree_mtimes(path) == mtimes
    assert leftovers(tmp_path) == []


def test_fallback_rename_swap_saves(tmp_path, monkeypatch):
    path = tmp_path / "Target.ufo"
    make_ufo(path, HAN)
    monkeypatch.setattr(journal, "_exchange", lambda first, second: False)
    report, wrote = fill(path, [0x4E09])
    assert wrote and "uni4E09" in open_ufo(path) and leftovers(tmp_path) == []


def test_ufoz_targets_keep_other_entries(tmp_path):
    path = tmp_path / "Target.ufoz"
    make_ufo(None, HAN).save(path, structure="zip")
    with zipfile.ZipFile(path) as archive:
        before = {name: archive.read(name) for name in archive.namelist()}
    report, wrote = fill(path, [0x4E09])
    assert wrote and report.added == (0x4E09,)
    with zipfile.ZipFile(path) as archive:
        after = {name: archive.read(name) for name in archive.namelist()}
    changed = {name for name in after if before.get(name) != after[name]}
    assert {name.split("/", 1)[1] for name in changed} == {"glyphs/uni4E_09.glif", "glyphs/contents.plist", "lib.plist"}
    assert open_ufo(path)["uni4E09"].unicodes == [0x4E09]
    assert fill(path, [0x4E09])[1] is False
    assert leftovers(tmp_path) == []


def test_open_ufo_errors(tmp_path):
    with pytest.raises(FontcompleteError, match="does not exist"):
        open_ufo(tmp_path / "Nope.ufo")
    (tmp_path / "font.otf").write_bytes(b"OTTO")
    with pytest.raises(FontcompleteError, match="not a UFO"):
        open_ufo(tmp_path / "font.otf")
    (tmp_path / "Empty.ufo").mkdir()
    with pytest.raises(FontcompleteError, match="cannot read the UFO"):
        open_ufo(tmp_path / "Empty.ufo")

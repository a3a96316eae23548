import subprocess
import sys
from pathlib import Path

import pytest
from fixtures import make_ufo, tree_mtimes, tree_snapshot
from fontTools.ttLib import TTFont

from fontcomplete.cli import main
from fontcomplete.complete.merge import PROVENANCE_KEY

DATA = Path(__file__).parent / "data"
SOURCE = DATA / "NotoSansTC-Subset.otf"
HAVE = "永字八法一二三"
WANT = HAVE + "人大天中國學書"


@pytest.fixture
def project(tmp_path):
    make_ufo(tmp_path / "T.ufo", [ord(c) for c in HAVE])
    (tmp_path / "want.txt").write_text(WANT + "\nU+4E01  # not in the source\n")
    return tmp_path


def fill(project, *extra):
    return main(["fill", str(project / "T.ufo"), "--source", str(SOURCE), "--charset", str(project / "want.txt"),
                 "--workers", "1", *extra])


def test_fill_adds_what_is_missing_and_keeps_existing_glyphs_byte_identical(project, capsys):
    before = tree_snapshot(project / "T.ufo" / "glyphs")
    assert fill(project) == 0
    after = tree_snapshot(project / "T.ufo" / "glyphs")
    for path, content in before.items():
        if path != "contents.plist":
            assert after[path] == content
    output = capsys.readouterr().out
    assert "added 7" in output and "not in source 1" in output
    import ufoLib2

    ufo = ufoLib2.Font.open(project / "T.ufo")
    for char in WANT:
        assert ufo[f"uni{ord(char):04X}"].unicodes == [ord(char)]
    new = ufo[f"uni{ord('國'):04X}"]
    assert new.width == 1000 and new.contours and new.lib[PROVENANCE_KEY]["model"] == "copy"
    assert "trace" not in new.lib[PROVENANCE_KEY]  # copy mode draws the source outlines, nothing is traced


def test_rerun_changes_nothing(project, capsys):
    assert fill(project) == 0
    snapshot, mtimes = tree_snapshot(project / "T.ufo"), tree_mtimes(project / "T.ufo")
    assert fill(project) == 0
    assert "nothing to do" in capsys.readouterr().out
    assert tree_snapshot(project / "T.ufo") == snapshot and tree_mtimes(project / "T.ufo") == mtimes


def test_dry_run_writes_nothing(project, capsys):
    snapshot = tree_snapshot(project / "T.ufo")
    assert fill(project, "--dry-run") == 0
    assert "to add 7" in capsys.readouterr().out
    assert tree_snapshot(project / "T.ufo") == snapshot


def test_interrupt_during_generation_leaves_the_ufo_as_it_was(project, monkeypatch, capsys):
    snapshot = tree_snapshot(project / "T.ufo")

    def interrupted(*args, **kwargs):
        yield from ()
        raise KeyboardInterrupt

    monkeypatch.setattr("fontcomplete.generate.generators.copy_glyphs", interrupted)
    assert fill(project) == 130
    assert "interrupted" in capsys.readouterr().err
    assert tree_snapshot(project / "T.ufo") == snapshot


def test_replace_generated_regenerates_only_our_glyphs(project, capsys):
    assert fill(project) == 0
    before = tree_snapshot(project / "T.ufo" / "glyphs")
    assert fill(project, "--replace-generated") == 0
    output = capsys.readouterr().out
    assert "replaced 0, regenerated identically 7" in output
    after = tree_snapshot(project / "T.ufo" / "glyphs")
    assert {p: after[p] for p in before} == before  # same sources, same outlines: bytes identical


def test_the_proof_sheet_shows_each_new_glyph_beside_its_source_and_its_points(project):
    assert fill(project, "--proof", str(project / "proof.png")) == 0
    import numpy as np
    from PIL import Image

    from fontcomplete.generate.proof import CELL_GAP, LABEL_HEIGHT, PAGE_MARGIN

    sheet = 255 - np.asarray(Image.open(project / "proof.png"))  # ink
    size, images, added = 128, 3, len(set(WANT) - set(HAVE))  # source, the copy, its outline with points
    cell_w, cell_h = images * size + (images - 1) * 2 + CELL_GAP, size + LABEL_HEIGHT + CELL_GAP
    columns = 1800 // cell_w
    assert sheet.shape == (2 * PAGE_MARGIN + -(-added // columns) * cell_h, 2 * PAGE_MARGIN + columns * cell_w)
    for cell in range(added):
        x = PAGE_MARGIN + (cell % columns) * cell_w
        y = PAGE_MARGIN + (cell // columns) * cell_h + LABEL_HEIGHT
        source, copy, points = (sheet[y + 1:y + size - 1, x + k * (size + 2) + 1:x + k * (size + 2) + size - 1]
                                for k in range(images))
        ink, copied = source > 127, copy > 127
        assert ink.sum() > 100 and (ink & copied).sum() / (ink | copied).sum() > 0.9  # copy mode: the source's shape
        assert points.max() == 255 and 0 < (points > 0).mean() < 0.5  # dots and path, not a filled glyph


@pytest.mark.parametrize("case, message", [
    ("not-ufo", "is not a UFO"),
    ("missing-target", "target not found"),
    ("missing-source", "font not found"),
    ("bad-source", "not a readable font"),
    ("bad-index", "not a font collection"),
    ("unknown-charset", "unknown charset"),
    ("no-han", "no Han glyphs"),
])
def test_bad_input_is_one_clear_line_and_exit_2(project, capsys, case, message):
    target, source, charset, extra = project / "T.ufo", SOURCE, str(project / "want.txt"), []
    if case == "not-ufo":
        target = project / "want.txt"
    elif case == "missing-target":
        target = project / "nope.ufo"
    elif case == "missing-source":
        source = project / "nope.otf"
    elif case == "bad-source":
        source = project / "want.txt"
    elif case == "bad-index":
        extra = ["--source-index", "3"]
    elif case == "unknown-charset":
        charset = "big6"
    elif case == "no-han":
        target = project / "Latin.ufo"
        make_ufo(target, [])
    code = main(["fill", str(target), "--source", str(source), "--charset", charset, *extra])
    err = capsys.readouterr().err
    assert code == 2
    assert message in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_cli_import_does_not_import_torch():
    code = "import sys, fontcomplete.cli as c; c.build_parser(); print('torch' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_python_dash_m_runs_the_cli():
    result = subprocess.run([sys.executable, "-m", "fontcomplete", "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and "fontcomplete" in result.stdout


@pytest.mark.slow
def test_filled_ufo_builds_otf_and_ttf_with_the_new_codepoints(project, tmp_path):
    assert fill(project) == 0
    out = tmp_path / "build"
    subprocess.run([sys.executable, "-m", "fontmake", "-u", str(project / "T.ufo"), "-o", "otf", "ttf",
                    "--output-dir", str(out), "--overlaps-backend", "pathops"],
                   check=True, capture_output=True)
    built = sorted(out.iterdir())
    assert {p.suffix for p in built} == {".otf", ".ttf"}
    import ots

    for path in built:
        cmap = TTFont(path).getBestCmap()
        assert {ord(c) for c in WANT} <= set(cmap)
        assert ots.sanitize(str(path), str(tmp_path / f"ots{path.suffix}"), capture_output=True).returncode == 0

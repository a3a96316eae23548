"""Tests for `fontcomplete missing`: counts, lists, text and JSON output, errors, and that nothing is written."""

import json

import pytest
from fixtures import make_source_font, make_ufo, tree_snapshot

from fontcomplete.cli import main
from fontcomplete.core.charsets import parse_charset_text

TARGET_HAN = [0x4E00, 0x4E01]
SOURCE_HAN = [0x4E00, 0x4E01, 0x4E03, 0x4E09, 0x20000]
WANTED = "一丁七三上 U+20000\n"  # 上 (U+4E0A) is in neither font


@pytest.fixture
def fonts(tmp_path):
    target = tmp_path / "Target.ufo"
    make_ufo(target, TARGET_HAN)
    source = make_source_font(tmp_path / "Source.otf", SOURCE_HAN)
    charset = tmp_path / "wanted.txt"
    charset.write_text(WANTED, encoding="utf-8")
    return target, source, charset


def test_text_output_is_counts_and_a_charset_of_what_to_add(fonts, capsys):
    target, source, charset = fonts
    before = tree_snapshot(target)
    assert main(["missing", str(target), "--source", str(source), "--charset", str(charset)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "# wanted 6, already present 2, not in source 1, to add 3"
    assert "U+4E03 七" in out and "# U+4E0A 上" in out
    assert parse_charset_text(out) == {0x4E03, 0x4E09, 0x20000}
    assert tree_snapshot(target) == before


def test_json_output(fonts, capsys):
    target, source, charset = fonts
    assert main(["missing", str(target), "--source", str(source), "--charset", str(charset), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["counts"] == {"wanted": 6, "present": 2, "not_in_source": 1, "name_taken": 0, "declined": 0,
                                "to_add": 3}
    assert report["to_add"] == ["U+4E03", "U+4E09", "U+20000"]
    assert report["not_in_source"] == ["U+4E0A"]
    assert report["charsets"] == [str(charset)]


def test_charsets_are_unioned_with_a_builtin(fonts, capsys):
    target, source, charset = fonts
    assert main(["missing", str(target), "--source", str(source), "--charset", "big5-1",
                 "--charset", str(charset), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["counts"]["wanted"] == 5401 + 1  # U+20000 is the only wanted character outside Big5 level 1
    assert report["counts"]["to_add"] == 3


def test_unknown_charset_is_one_error_line(fonts, capsys):
    target, source, _ = fonts
    assert main(["missing", str(target), "--source", str(source), "--charset", "big6"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "big5-1" in err and "Traceback" not in err


def test_target_that_is_not_a_ufo_is_one_error_line(fonts, capsys):
    _, source, charset = fonts
    assert main(["missing", str(source), "--source", str(source), "--charset", str(charset)]) == 2
    assert "not a UFO" in capsys.readouterr().err

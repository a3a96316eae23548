"""Tests for built-in charsets, charset files and unions."""

import pytest

from fontcomplete.core.charsets import (
    BUILTIN_CHARSETS,
    builtin_charset,
    is_han,
    parse_charset_text,
    resolve_charsets,
)
from fontcomplete.core.errors import FontcompleteError


@pytest.mark.parametrize(
    "name, count", [("big5-1", 5401), ("big5-2", 7652), ("gb2312", 6763), ("jis0208", 6355)]
)
def test_builtin_charset_counts(name, count):
    codepoints = builtin_charset(name)
    assert len(codepoints) == count
    assert all(is_han(cp) for cp in codepoints)


def test_builtin_charsets_hold_known_characters():
    assert ord("一") in builtin_charset("big5-1") and ord("這") in builtin_charset("big5-1")
    assert ord("这") in builtin_charset("gb2312") and ord("这") not in builtin_charset("big5-1")
    assert ord("込") in builtin_charset("jis0208")
    assert not builtin_charset("big5-1") & builtin_charset("big5-2")


def test_is_han():
    assert is_han(0x4E00) and is_han(0x20000) and is_han(0xF900)
    assert not is_han(ord("A")) and not is_han(0x3042) and not is_han(0x110000)


def test_parse_charset_text_mixes_characters_tokens_and_comments():
    text = "# a comment line\n一丁 U+4E03,u+4e09\n\n  七  # 8 is not here: 八\nU+20000\n"
    assert parse_charset_text(text) == {0x4E00, 0x4E01, 0x4E03, 0x4E09, 0x20000}


def test_parse_charset_text_rejects_bad_tokens():
    with pytest.raises(FontcompleteError, match="U\\+XYZ"):
        parse_charset_text("U+XYZ")
    with pytest.raises(FontcompleteError, match="beyond"):
        parse_charset_text("U+110000")


def test_resolve_charsets_unions_names_and_files(tmp_path):
    extra = tmp_path / "extra.txt"
    extra.write_text("U+3042 一\n", encoding="utf-8")
    result = resolve_charsets(["big5-1", str(extra)])
    assert result == set(builtin_charset("big5-1")) | {0x3042}
    assert resolve_charsets([]) == set()


def test_resolve_charsets_unknown_name_lists_the_known_ones():
    with pytest.raises(FontcompleteError) as error:
        resolve_charsets(["big6"])
    for name in BUILTIN_CHARSETS:
        assert name in str(error.value)


def test_resolve_charsets_reports_non_utf8_file(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes("一".encode("big5"))
    with pytest.raises(FontcompleteError, match="not UTF-8"):
        resolve_charsets([str(bad)])

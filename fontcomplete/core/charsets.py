"""Named Han charsets derived from Python codecs, charset files, and the set of codepoints a target is missing."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from fontcomplete.core.errors import FontcompleteError


@dataclass(frozen=True)
class CodecCharset:
    """The Han characters a double-byte codec decodes from the given lead and trail byte ranges."""

    codec: str
    leads: range
    trails: tuple[range, ...]
    description: str


_BIG5_TRAILS = (range(0x40, 0x7F), range(0xA1, 0xFF))
_EUC_TRAILS = (range(0xA1, 0xFF),)

BUILTIN_CHARSETS: dict[str, CodecCharset] = {
    "big5-1": CodecCharset("big5", range(0xA4, 0xC7), _BIG5_TRAILS, "Big5 level 1, common Traditional Chinese (5,401 Han)"),
    "big5-2": CodecCharset("big5", range(0xC9, 0xFA), _BIG5_TRAILS, "Big5 level 2, less common Traditional Chinese (7,652 Han)"),
    "gb2312": CodecCharset("gb2312", range(0xB0, 0xF8), _EUC_TRAILS, "GB 2312 Simplified Chinese (6,763 Han)"),
    "jis0208": CodecCharset("euc_jp", range(0xB0, 0xF5), _EUC_TRAILS, "JIS X 0208 kanji, levels 1 and 2 (6,355 Han)"),
}

_TOKEN_SEPARATORS = re.compile(r"[\s,]+")
_CODEPOINT_TOKEN = re.compile(r"^[Uu]\+([0-9A-Fa-f]{1,6})$")


def is_han(codepoint: int) -> bool:
    """True for CJK unified and compatibility ideographs (any block, including extensions)."""
    name = unicodedata.name(chr(codepoint), "") if 0 <= codepoint <= 0x10FFFF else ""
    return name.startswith(("CJK UNIFIED IDEOGRAPH", "CJK COMPATIBILITY IDEOGRAPH"))


@cache
def builtin_charset(name: str) -> frozenset[int]:
    """The Han codepoints of a built-in charset, by decoding every lead/trail byte pair with its codec."""
    try:
        spec = BUILTIN_CHARSETS[name]
    except KeyError:
        raise FontcompleteError(_unknown_charset_message(name)) from None
    found = set()
    for lead in spec.leads:
        for trails in spec.trails:
            for trail in trails:
                try:
                    text = bytes((lead, trail)).decode(spec.codec)
                except UnicodeDecodeError:
                    continue
                if len(text) == 1 and is_han(ord(text)):
                    found.add(ord(text))
    return frozenset(found)


def parse_charset_text(text: str) -> set[int]:
    """Codepoints of a charset file: characters and/or U+XXXX tokens, separated by whitespace or commas, # comments."""
    codepoints: set[int] = set()
    for line in text.splitlines():
        content = line.split("#", 1)[0]
        for token in _TOKEN_SEPARATORS.split(content):
            if not token:
                continue
            match = _CODEPOINT_TOKEN.match(token)
            if token[:2] in ("U+", "u+") and len(token) > 2 and not match:
                raise FontcompleteError(f"charset token {token!r} is not a codepoint (write U+ and 1-6 hex digits)")
            if match:
                value = int(match.group(1), 16)
                if value > 0x10FFFF:
                    raise FontcompleteError(f"charset token {token} is beyond U+10FFFF")
                codepoints.add(value)
            else:
                codepoints.update(ord(char) for char in token)
    return codepoints


def read_charset_file(path: Path) -> set[int]:
    """Read and parse a UTF-8 charset file."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise FontcompleteError(f"charset file {path} is not UTF-8 text: {error.reason}") from None
    except OSError as error:
        raise FontcompleteError(f"cannot read charset file {path}: {error.strerror}") from None
    return parse_charset_text(text)


def resolve_charsets(specs: Iterable[str]) -> set[int]:
    """Union of several charsets; each spec is a built-in name (see BUILTIN_CHARSETS) or a charset file path."""
    codepoints: set[int] = set()
    for spec in specs:
        if spec in BUILTIN_CHARSETS:
            codepoints |= builtin_charset(spec)
        elif Path(spec).is_file():
            codepoints |= read_charset_file(Path(spec))
        else:
            raise FontcompleteError(_unknown_charset_message(spec))
    return codepoints


def _unknown_charset_message(spec: str) -> str:
    known = ", ".join(BUILTIN_CHARSETS)
    return f"unknown charset {spec!r}: not a built-in name ({known}) and not a file"

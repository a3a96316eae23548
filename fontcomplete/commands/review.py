"""List the generated glyphs least sure first; accept them as they are, reject them, or restore rejected ones."""

from __future__ import annotations

import argparse
import json

from fontcomplete.commands import options
from fontcomplete.complete.decisions import accept, declined, generated_glyphs, reject, restore
from fontcomplete.complete.merge import save_atomic
from fontcomplete.core.charsets import parse_charset_text
from fontcomplete.core.errors import FontcompleteError
from fontcomplete.fonts.ufo_glyphs import open_ufo
from fontcomplete.storage import journal

STATES = {"generated": "", "edited": "edited (yours)", "accepted": "accepted (yours)"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("target", help="the UFO fontcomplete filled (.ufo directory or .ufoz)")
    parser.add_argument("--format", choices=["text", "json"], default="text",
                        help="text (default): a charset file, one glyph a line, its figures after '#'; or json")
    parser.add_argument("--limit", type=options.number(int, 1), help="list only the N least sure")
    verdicts = parser.add_argument_group("verdicts (characters and/or U+XXXX; written to the UFO)")
    verdicts.add_argument("--accept", metavar="CHARS", action="append", default=[],
                          help="keep these glyphs as they are: yours from now on, never regenerated")
    verdicts.add_argument("--reject", metavar="CHARS", action="append", default=[],
                          help="delete these generated glyphs; fills leave the characters out until --restore")
    verdicts.add_argument("--restore", metavar="CHARS", action="append", default=[],
                          help="let fills add rejected or deleted characters again")


def _codepoints(texts: list[str]) -> list[int]:
    found = sorted(set().union(*(parse_charset_text(text) for text in texts))) if texts else []
    if texts and not found:
        raise FontcompleteError(f"no characters in {' '.join(texts)!r}")
    return found


def run(args: argparse.Namespace) -> int:
    target = options.existing_ufo(args.target)
    verdicts = [_codepoints(args.accept), _codepoints(args.reject), _codepoints(args.restore)]
    if any(verdicts):
        decide(target, *verdicts)
    ufo = open_ufo(target)
    glyphs = generated_glyphs(ufo)
    shown = glyphs[:args.limit] if args.limit else glyphs
    if args.format == "json":
        print(json.dumps({"target": str(target), "generated": [g.as_json() for g in shown],
                          "declined": [f"U+{cp:04X}" for cp in declined(ufo)]}, ensure_ascii=False, indent=2))
        return 0
    for g in shown:
        confidence = "   —" if g.confidence is None else f"{g.confidence:.2f}"
        print(f"{chr(g.codepoint)} U+{g.codepoint:04X}  # {confidence}  {g.glyph:10}  {g.model}  {STATES[g.state]}".rstrip())
    left_out = declined(ufo)
    yours = sum(g.state != "generated" for g in glyphs)
    print(f"# {len(glyphs)} generated glyphs, least sure first ({yours} edited or accepted); {len(left_out)} "
          f"characters rejected or deleted{': ' + ''.join(map(chr, left_out[:40])) if left_out else ''}")
    return 0


def decide(target, accepted: list[int], rejected: list[int], restored: list[int]) -> None:
    """Apply the verdicts and save the UFO atomically, holding its lock; an error leaves it as it was."""
    with journal.writing([target]):
        ufo = open_ufo(target)
        changed = accept(ufo, accepted)
        deleted = reject(ufo, rejected)
        restore(ufo, restored)
        save_atomic(ufo, target, changed)
    for label, items in (("accepted", changed), ("rejected", rejected), ("restored", restored)):
        if items:
            print(f"# {label} {len(items)}" + (f", deleted {len(deleted)} glyphs" if label == "rejected" else ""))

"""List the characters of a charset that a UFO lacks and a source font can supply (nothing is written)."""

from __future__ import annotations

import argparse
import json

from fontcomplete.commands import options
from fontcomplete.complete.engine import Completer, CompleteSettings
from fontcomplete.complete.place import open_plan
from fontcomplete.complete.plan import MastersPlan
from fontcomplete.fonts.designspace import MasterFiles


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("target", help="the UFO to check (.ufo directory or .ufoz)")
    options.add_source_arguments(parser)
    options.add_charset_argument(parser)
    parser.add_argument("--format", choices=["text", "json"], default="text",
                        help="text: a charset file of the characters to add, counts and the rest as # comments; "
                             "json: counts and U+XXXX lists, with the generated glyphs a designer has edited")


def run(args: argparse.Namespace) -> int:
    target = options.existing_ufo(args.target)
    source = options.open_source(args)
    charsets = options.charsets(args)
    settings = CompleteSettings(source=source.label, charset=tuple(charsets), cache=False)
    _, plan = open_plan(MasterFiles([target]), Completer(settings))
    if args.format == "json":
        print(json.dumps(as_json(plan, str(target), source.label, charsets), ensure_ascii=False, indent=2))
    else:
        print(as_text(plan))
    return 0


def counts(plan: MastersPlan) -> dict[str, int]:
    return {"wanted": len(plan.wanted), "present": len(plan.present), "not_in_source": len(plan.not_in_source),
            "name_taken": len(plan.name_taken), "declined": len(plan.declined), "to_add": len(plan.to_add)}


def _codes(codepoints) -> list[str]:
    return [f"U+{cp:04X}" for cp in codepoints]


def as_json(plan: MastersPlan, target: str, source: str, charsets: list[str]) -> dict:
    return {"target": target, "source": source, "charsets": charsets, "counts": counts(plan),
            "to_add": _codes(plan.to_add), "not_in_source": _codes(plan.not_in_source),
            "name_taken": _codes(plan.name_taken), "declined": _codes(plan.declined),
            "designer_edited": _codes(plan.edited)}


def _entry(codepoint: int) -> str:
    char = chr(codepoint)
    return f"U+{codepoint:04X} {char}" if char.isprintable() and not char.isspace() else f"U+{codepoint:04X}"


def as_text(plan: MastersPlan) -> str:
    """Counts and lists; the uncommented lines are exactly the characters to add, so the output is a charset file."""
    lines = [f"# {plan.counts()}", f"# to add ({len(plan.to_add)}):"]
    lines += [_entry(cp) for cp in plan.to_add]
    for label, codepoints in (("not in the source, so they cannot be added", plan.not_in_source),
                              ("their glyph name (uniXXXX) is taken by another glyph", plan.name_taken),
                              ("rejected or deleted by the designer (fontcomplete review --restore)", plan.declined),
                              ("generated earlier and edited by a designer since (theirs now)", plan.edited)):
        if codepoints:
            lines.append(f"# {label} ({len(codepoints)}):")
            lines += [f"# {_entry(cp)}" for cp in codepoints]
    return "\n".join(lines)

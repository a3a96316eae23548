"""List the characters of a charset that a UFO lacks and a source font can supply (nothing is written)."""

from __future__ import annotations

import argparse
import json

from fontcomplete.charsets import MissingSet, missing, resolve_charsets
from fontcomplete.commands import options


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("target", help="the UFO to check (.ufo directory or .ufoz)")
    options.add_source_arguments(parser)
    options.add_charset_argument(parser)
    parser.add_argument("--format", choices=["text", "json"], default="text",
                        help="text: a charset file of the characters to add, counts and the rest as # comments; "
                             "json: counts and U+XXXX lists")


def run(args: argparse.Namespace) -> int:
    target, _ = options.open_target(args.target)
    source = options.open_source(args)
    charsets = options.charsets(args)
    plan = missing(resolve_charsets(charsets), target.cmap, source.cmap)
    if args.format == "json":
        print(json.dumps(as_json(plan, str(target.path), source.label, charsets), ensure_ascii=False, indent=2))
    else:
        print(as_text(plan))
    return 0


def counts(plan: MissingSet) -> dict[str, int]:
    return {"wanted": len(plan.wanted), "present": len(plan.present),
            "not_in_source": len(plan.not_in_source), "to_add": len(plan.to_add)}


def as_json(plan: MissingSet, target: str, source: str, charsets: list[str]) -> dict:
    return {"target": target, "source": source, "charsets": charsets, "counts": counts(plan),
            "to_add": [f"U+{cp:04X}" for cp in plan.to_add],
            "not_in_source": [f"U+{cp:04X}" for cp in plan.not_in_source]}


def _entry(codepoint: int) -> str:
    char = chr(codepoint)
    return f"U+{codepoint:04X} {char}" if char.isprintable() and not char.isspace() else f"U+{codepoint:04X}"


def as_text(plan: MissingSet) -> str:
    """Counts and lists; the uncommented lines are exactly the characters to add, so the output is a charset file."""
    numbers = counts(plan)
    lines = [f"# wanted {numbers['wanted']}, already present {numbers['present']}, "
             f"not in source {numbers['not_in_source']}, to add {numbers['to_add']}",
             f"# to add ({numbers['to_add']}):"]
    lines += [_entry(cp) for cp in plan.to_add]
    if plan.not_in_source:
        lines.append(f"# not in the source, so they cannot be added ({numbers['not_in_source']}):")
        lines += [f"# {_entry(cp)}" for cp in plan.not_in_source]
    return "\n".join(lines)

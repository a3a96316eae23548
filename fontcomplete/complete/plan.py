"""Plan a completion: for each target (a UFO, or every master of a designspace) what to add, what to regenerate,
and what is skipped and why."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from fontTools.pens.recordingPen import RecordingPen

from fontcomplete.core.errors import FontcompleteError
from fontcomplete.core.frame import EmFrame
from fontcomplete.core.provenance import is_edited, is_machine_drawn
from fontcomplete.fonts.font import SourceFont


def glyph_name_for(codepoint: int) -> str:
    """The AGL-style name of a new glyph: uniXXXX in the BMP, uXXXXX above it."""
    return f"uni{codepoint:04X}" if codepoint <= 0xFFFF else f"u{codepoint:05X}"


@dataclass(eq=False)
class Master:
    """One font being completed: a label for messages, its glyphs (name -> glyph), em frame and source font."""

    label: str
    glyphs: Mapping
    frame: EmFrame
    source: SourceFont
    style: str | None = None  # the model style for this master (model mode)
    drawable: Mapping | None = None  # name -> glyph with outlines (a UFO or glyph set), for exemplar renders
    name: str | None = None  # family and style name (a model with several styles picks the one named so)
    declined: frozenset[int] = frozenset()  # rejected by the designer, or deleted after fontcomplete added them

    @cached_property
    def drawn(self) -> SourceFont:
        """The designer-drawn encoded glyphs (never fontcomplete's own, unless a designer edited them) as an
        in-memory SourceFont. Its fingerprint hashes the outlines, so what is learned from it is cached by content."""
        glyphs = self.drawable if self.drawable is not None else self.glyphs
        cmap: dict[int, str] = {}
        for name in sorted(self.glyphs.keys()):
            if not is_machine_drawn(self.glyphs[name]):
                for codepoint in self.glyphs[name].unicodes:
                    cmap.setdefault(codepoint, name)
        digest = hashlib.sha256(repr(self.frame).encode())
        for codepoint, name in sorted(cmap.items()):
            recording = RecordingPen()
            glyphs[name].draw(recording)
            digest.update(f"{codepoint}:{name}:{recording.value!r}".encode())
        return SourceFont(Path(self.label), None, round(self.frame.side), self.frame, cmap,
                          self.name or self.label, glyphs, lambda name: glyphs[name].width, digest.hexdigest())


@dataclass(frozen=True)
class MastersPlan:
    """What a completion of one or more masters adds, regenerates (--replace-generated) and skips, and why."""

    wanted: list[int]
    to_add: list[int]  # no master has a designer's glyph (or, to regenerate, only unedited fontcomplete glyphs) and
    # every master's source has it
    regenerate: list[int]  # the part of to_add that replaces earlier fontcomplete glyphs
    not_in_source: list[int]  # some master's source lacks it
    present: list[int]  # some master has it: drawn by the designer, edited by one, or generated and kept
    name_taken: list[int]  # absent, but its glyph name (uniXXXX) is taken by another glyph: never overwritten
    edited: list[int]  # fontcomplete's glyphs that a designer has edited since: theirs now, never regenerated
    declined: list[int] = ()  # absent, but rejected or deleted by the designer: not added again

    def counts(self) -> str:
        regenerate = f" (regenerating {len(self.regenerate)})" if self.regenerate else ""
        taken = f", glyph name taken {len(self.name_taken)}" if self.name_taken else ""
        declined = f", rejected or deleted by you {len(self.declined)}" if self.declined else ""
        return (f"wanted {len(self.wanted)}, already present {len(self.present)}, not in source "
                f"{len(self.not_in_source)}{taken}{declined}, to add {len(self.to_add)}{regenerate}")


def plan_masters(masters: Sequence[Master], wanted: Iterable[int], replace_generated: bool = False) -> MastersPlan:
    """The wanted codepoints that no master has a designer's glyph for, split by whether every source has them.

    A glyph fontcomplete added earlier counts as present unless `replace_generated`, and then only when no master
    has a designer's glyph for its codepoint (a designer's glyph, or a generated one a designer edited, is never
    replaced)."""
    wanted = sorted(set(wanted))
    generated, drawn, edited, names = set(), set(), set(), set()
    declined = set().union(*(master.declined for master in masters))
    for master in masters:
        for name in master.glyphs.keys():
            glyph = master.glyphs[name]
            edited_here = is_edited(glyph)
            machine = is_machine_drawn(glyph)
            if edited_here:
                edited.update(glyph.unicodes)
            (generated if machine else drawn).update(glyph.unicodes)
            if not (replace_generated and machine):
                names.add(name)
    replaceable = (generated - drawn) if replace_generated else set()
    present = (generated | drawn) - replaceable
    absent = [cp for cp in wanted if cp not in present and cp not in declined]
    free = [cp for cp in absent if glyph_name_for(cp) not in names]
    to_add = [cp for cp in free if all(cp in m.source.cmap for m in masters)]
    return MastersPlan(wanted, to_add, [cp for cp in to_add if cp in replaceable],
                       [cp for cp in free if cp not in to_add], [cp for cp in wanted if cp in present],
                       [cp for cp in absent if glyph_name_for(cp) in names], sorted(edited),
                       [cp for cp in wanted if cp in declined and cp not in present])


def master_keys(ufo, label: str | None = None) -> list[str]:
    """The names a master can be referred to by: its UFO file name, that name without .ufo, its style name."""
    keys = []
    path = getattr(ufo, "path", None)
    for name in (label, Path(path).name if path else None, Path(path).stem if path else None, ufo.info.styleName):
        if name and name not in keys:
            keys.append(str(name))
    return keys


def pick_source(keys: Sequence[str], sources: Mapping[str, str] | None, default: str | None) -> str:
    """The source spec for a master: the first of its keys found in `sources`, else `default`."""
    for key in keys:
        if sources and key in sources:
            return sources[key]
    if default:
        return default
    listed = ", ".join(sorted(sources or {})) or "none"
    raise FontcompleteError(f"no source font for master {' / '.join(keys)}: give source=... or a sources entry "
                            f"for one of these names (sources given for: {listed})")

"""Add new glyphs to a UFO: names, advance and vertical metrics, glyph order, mark colour and provenance."""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import ufoLib2
from fontTools.ufoLib.glifLib import writeGlyphToString

from fontcomplete.complete.plan import glyph_name_for
from fontcomplete.core.errors import FontcompleteError
from fontcomplete.core.outline import Outline, draw_into
from fontcomplete.core.provenance import (
    MARK_COLOR,
    PLACED_KEY,
    PROVENANCE_KEY,
    confidence_of,
    glyph_record,
    is_generated,
    is_machine_drawn,
    lib_codepoints,
    mark_color,
    outline_digest,
    set_lib_codepoints,
)
from fontcomplete.fonts.ufo_glyphs import _loaded_glyphs, glyph_headers, han_glyphs, open_ufo
from fontcomplete.storage import faults
from fontcomplete.storage.journal import commit
from fontcomplete.storage.ufo_save import stage_save

__all__ = [
    "MARK_COLOR", "PROVENANCE_KEY", "GlyphMetrics", "MergeReport", "NewGlyph", "build_glyph",
    "generated_codepoints", "glyph_name_for", "ideograph_advance", "is_generated", "learn_metrics", "merge_glyphs",
    "open_ufo", "save_all_atomic", "save_atomic",
]

GLYPH_ORDER_KEY = "public.glyphOrder"


@dataclass(frozen=True)
class GlyphMetrics:
    """What a new ideograph gets: advance width, advance height (None: leave 0) and vertical origin (None: default)."""

    advance: float
    height: float | None = None
    vertical_origin: float | None = None


def _most_common(values: Iterable):
    counts = Counter(values)
    return counts.most_common(1)[0][0] if counts else None


def learn_metrics(ufo: ufoLib2.Font, han: list | None = None) -> GlyphMetrics:
    """The usual metrics of the target's existing Han glyphs.

    Advance: the most common advance. Height (only when the UFO has vhea ascender and descender, so ufo2ft
    builds vmtx): the most common non-zero height of the Han glyphs, else vertTypoAscender - vertTypoDescender.
    Vertical origin (`public.verticalOrigin`): the most common value, when most Han glyphs carry one.
    """
    han = han_glyphs(glyph_headers(ufo)) if han is None else han
    if not han:
        raise FontcompleteError("the UFO has no Han glyphs to learn the advance from")
    advance = _most_common(glyph.width for glyph in han)
    height = None
    ascender, descender = ufo.info.openTypeVheaVertTypoAscender, ufo.info.openTypeVheaVertTypoDescender
    if ascender is not None and descender is not None:
        height = _most_common(glyph.height for glyph in han if glyph.height)
        if height is None:
            height = ascender - descender
    vertical_origin = _most_common(glyph.verticalOrigin for glyph in han)
    return GlyphMetrics(advance=advance, height=height, vertical_origin=vertical_origin)


def ideograph_advance(ufo: ufoLib2.Font) -> float:
    """The most common advance width among the target's existing Han glyphs."""
    return learn_metrics(ufo).advance


@dataclass(frozen=True)
class NewGlyph:
    """A glyph to add: its codepoint, its outline in target units (recorded operations, or a draw(pen) callable),
    and provenance.

    `provenance`: its generator's entries (provenance.glyph_provenance); `review`: how sure it is
    (fontcomplete.generate.review), when measured. Building adds the date and the outline digest (provenance.glyph_record).
    """

    codepoint: int
    outline: Outline | Callable
    provenance: Mapping[str, str] = field(default_factory=dict)
    review: Mapping[str, str] | None = None


@dataclass(frozen=True)
class MergeReport:
    """Codepoints added, replaced (earlier fontcomplete glyphs, with the flag), regenerated identically, and refused."""

    added: tuple[int, ...] = ()
    replaced: tuple[int, ...] = ()
    unchanged: tuple[int, ...] = ()
    skipped_existing: tuple[int, ...] = ()

    @property
    def changed_glyph_names(self) -> list[str]:
        """Names of the glyphs whose files a save must write."""
        return [glyph_name_for(cp) for cp in (*self.added, *self.replaced)]


def generated_codepoints(ufo: ufoLib2.Font) -> list[int]:
    """The codepoints of the glyphs fontcomplete added earlier (sorted), edited since or not."""
    return sorted({cp for glyph in glyph_headers(ufo) if is_generated(glyph) for cp in glyph.unicodes})


def _serialise(glyph: ufoLib2.objects.Glyph) -> str:
    return writeGlyphToString(glyph.name, glyph, glyph.drawPoints)


def build_glyph(new: NewGlyph, metrics: GlyphMetrics, today: str | None, factory=ufoLib2.objects.Glyph):
    """The new glyph (made by `factory(name=…)`): name, codepoint, metrics, outline, mark colour, provenance with
    the outline digest and, when `today` is given, the date."""
    glyph = factory(name=glyph_name_for(new.codepoint))
    glyph.unicodes = [new.codepoint]
    glyph.width = metrics.advance
    if metrics.height is not None:
        glyph.height = metrics.height
    if metrics.vertical_origin is not None:
        glyph.lib["public.verticalOrigin"] = metrics.vertical_origin
    if callable(new.outline):
        new.outline(glyph.getPen())
    else:
        draw_into(glyph, new.outline)
    glyph.lib[PROVENANCE_KEY] = glyph_record(new.provenance, new.review, outline_digest(glyph), today)
    glyph.lib["public.markColor"] = mark_color(confidence_of(glyph))
    return glyph


def _same_apart_from_date(new: ufoLib2.objects.Glyph, old: ufoLib2.objects.Glyph) -> bool:
    """True when the glyphs serialise identically once the old provenance date is carried over."""
    old_date = old.lib.get(PROVENANCE_KEY, {}).get("date")
    candidate = new.copy()
    if old_date is not None:
        candidate.lib[PROVENANCE_KEY] = {**candidate.lib[PROVENANCE_KEY], "date": old_date}
    return _serialise(candidate) == _serialise(old)


def merge_glyphs(
    ufo: ufoLib2.Font,
    new_glyphs: Iterable[NewGlyph],
    *,
    replace_generated: bool = False,
    metrics: GlyphMetrics | None = None,
    today: str | None = None,
) -> MergeReport:
    """Add the new glyphs to the UFO's default layer (in memory); call save_atomic to write them.

    A codepoint or glyph name the UFO already has is never touched, unless that glyph carries fontcomplete's
    provenance key, no designer has edited it since, and `replace_generated` is True. A regenerated glyph equal to
    the old one (apart from the date) is left as it is, so reruns change nothing. `metrics` defaults to
    learn_metrics(ufo).
    """
    layer = ufo.layers.defaultLayer
    existing = glyph_headers(ufo)
    cmap = {cp: glyph.name for glyph in existing for cp in glyph.unicodes}
    if metrics is None:
        metrics = learn_metrics(ufo, han_glyphs(existing))
    today = today or datetime.date.today().isoformat()
    added, replaced, unchanged, skipped = [], [], [], []
    for new in new_glyphs:
        name = glyph_name_for(new.codepoint)
        holders = {cmap.get(new.codepoint), name if name in layer else None} - {None}
        if not holders:
            layer.insertGlyph(build_glyph(new, metrics, today), name, copy=False)
            cmap[new.codepoint] = name
            added.append(new.codepoint)
            continue
        old = layer[name] if holders == {name} else None
        replaceable = (
            replace_generated and old is not None and is_machine_drawn(old) and list(old.unicodes) == [new.codepoint]
        )
        if not replaceable:
            skipped.append(new.codepoint)
            continue
        glyph = build_glyph(new, metrics, today)
        if _same_apart_from_date(glyph, old):
            unchanged.append(new.codepoint)
        else:
            layer.insertGlyph(glyph, name, overwrite=True, copy=False)
            replaced.append(new.codepoint)
    placed = lib_codepoints(ufo.lib, PLACED_KEY)
    if not placed >= {*added, *replaced}:  # so that a glyph the designer deletes is not added again
        set_lib_codepoints(ufo.lib, PLACED_KEY, placed | {*added, *replaced})
    order = ufo.lib.get(GLYPH_ORDER_KEY)
    if order is not None:
        listed = set(order)
        missing_names = [glyph_name_for(cp) for cp in (*added, *replaced) if glyph_name_for(cp) not in listed]
        if missing_names:
            ufo.lib[GLYPH_ORDER_KEY] = [*order, *missing_names]
    return MergeReport(tuple(added), tuple(replaced), tuple(unchanged), tuple(skipped))


def unsaved_glyph_names(ufo: ufoLib2.Font) -> list[str]:
    """Default-layer glyphs a save must write: those without a file yet, and fontcomplete glyphs that differ from theirs.

    (Merging never changes any other glyph, so no other glyph is compared.)
    """
    on_disk = ufo.reader.getGlyphSet()
    names = []
    for glyph in _loaded_glyphs(ufo):  # a glyph never loaded is unchanged
        if glyph.name not in on_disk.contents:
            names.append(glyph.name)
        elif is_generated(glyph):
            saved = ufoLib2.objects.Glyph(glyph.name)
            on_disk.readGlyph(glyph.name, saved, saved.getPointPen())
            if _serialise(saved) != _serialise(glyph):
                names.append(glyph.name)
    return names


def save_atomic(ufo: ufoLib2.Font, path: str | Path | None = None, glyph_names: Iterable[str] | None = None) -> bool:
    """Write the merged glyphs (default: unsaved_glyph_names), contents.plist and a changed lib.plist, atomically.

    `path` (default: where the UFO was opened from) must be the UFO the font was opened from. Every other file
    keeps its bytes; an exception, Ctrl-C or a crash leaves the UFO as it was (or, after a crash in the last
    moment, as saved: recover() finishes it); returns False when nothing needed writing.
    Pass `report.changed_glyph_names` to skip the comparison.
    """
    return save_all_atomic([(ufo, path, glyph_names)])[0]


def save_all_atomic(saves: Sequence[tuple[ufoLib2.Font, str | Path | None, Iterable[str] | None]]) -> list[bool]:
    """save_atomic for several UFOs (a designspace's masters) at once: all of them are saved, or none."""
    staged = []
    try:
        for ufo, path, glyph_names in saves:
            if ufo.reader is None or ufo.path is None:
                raise ValueError("save_atomic updates an existing UFO; open it with open_ufo(path)")
            names = unsaved_glyph_names(ufo) if glyph_names is None else glyph_names
            staged.append(stage_save(ufo, ufo.path if path is None else path, names))
        faults.crash_point("staged")
        commit([s for s in staged if s is not None])
    except BaseException:
        for save in staged:
            if save is not None:
                save.discard()
        raise
    return [s is not None for s in staged]

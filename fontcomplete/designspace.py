"""Multi-master projects: give every master the missing glyphs, interpolation-compatible across masters."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Mapping, Sequence

import numpy as np
from fontTools.pens.recordingPen import RecordingPen

from fontcomplete.cache import generate_cached, open_cache, outline_key, source_fingerprint
from fontcomplete.charsets import is_han, resolve_charsets
from fontcomplete.errors import FontcompleteError
from fontcomplete.fill import VIEWS, Outline, glyph_provenance, model_trace_settings
from fontcomplete.fonts import SourceFont, frame_from_metrics, open_font
from fontcomplete.fit import fit_outline
from fontcomplete.frame import EmFrame
from fontcomplete.merge import glyph_name_for, is_generated
from fontcomplete.raster import render_many
from fontcomplete.trace import TraceSettings

logger = logging.getLogger(__name__)
FIT_SIZE = 256  # px of the renders other masters are fitted to in copy mode


@dataclass
class Master:
    """One font being completed: a label for messages, its glyphs (name -> glyph), em frame and source font."""

    label: str
    glyphs: Mapping
    frame: EmFrame
    source: SourceFont
    style: str | None = None  # the model style for this master (model mode)
    drawable: Mapping | None = None  # name -> glyph with outlines (a UFO or glyph set), for exemplar renders


def drawn_font(master: Master) -> SourceFont:
    """The master's own (designer-drawn, not fontcomplete's) encoded glyphs as an in-memory SourceFont.

    Its fingerprint hashes the outlines, so renders of it are cached by content (exemplar models read these).
    """
    glyphs = master.drawable if master.drawable is not None else master.glyphs
    cmap: dict[int, str] = {}
    for name in sorted(master.glyphs.keys()):
        if not is_generated(master.glyphs[name]):
            for codepoint in master.glyphs[name].unicodes:
                cmap.setdefault(codepoint, name)
    digest = hashlib.sha256(repr(master.frame).encode())
    for codepoint, name in sorted(cmap.items()):
        recording = RecordingPen()
        glyphs[name].draw(recording)
        digest.update(f"{codepoint}:{name}:{recording.value!r}".encode())
    side = master.frame.side
    return SourceFont(Path(master.label), None, round(side), master.frame, cmap, master.label, glyphs,
                      lambda name: glyphs[name].width, digest.hexdigest())


@dataclass
class Completion:
    """The outlines per master (same codepoints in each), and what was left out and why."""

    outlines: list[dict[int, Outline]]
    incompatible: list[int] = field(default_factory=list)
    not_in_source: list[int] = field(default_factory=list)
    present: list[int] = field(default_factory=list)


def ufo_frame(ufo) -> EmFrame:
    """The em box of a UFO from its font info (as fonts.open_font computes it for a UFO on disk)."""
    info = ufo.info
    upm = int(info.unitsPerEm or 1000)
    return frame_from_metrics(upm, (info.openTypeOS2TypoAscender, info.openTypeOS2TypoDescender),
                              (info.ascender, info.descender))


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


def codepoints_in(glyphs: Mapping) -> set[int]:
    return {cp for name in glyphs.keys() for cp in glyphs[name].unicodes}


def structure(outline: Outline) -> tuple:
    """The point structure interpolation needs to match: operators and operand counts, contour by contour."""
    return tuple((operator, len(operands)) for operator, operands in outline)


@dataclass(frozen=True)
class MastersPlan:
    """What a completion of several masters adds, regenerates (--replace-generated) and skips, and why."""

    to_add: list[int]  # codepoints no master has (or, to regenerate, only fontcomplete's glyphs have) and every
    # master's source has
    regenerate: list[int]  # the part of to_add that replaces earlier fontcomplete glyphs
    not_in_source: list[int]
    present: list[int]


def plan_masters(masters: Sequence[Master], wanted: Iterable[int], replace_generated: bool = False) -> MastersPlan:
    """The wanted codepoints that no master has a designer's glyph for, split by whether every source has them.

    A glyph fontcomplete added earlier counts as present unless `replace_generated`, and then only when no master
    has a designer's glyph for its codepoint (a designer's glyph is never replaced)."""
    wanted = sorted(set(wanted))
    generated, drawn, names = set(), set(), set()
    for master in masters:
        for name in master.glyphs.keys():
            glyph = master.glyphs[name]
            (generated if is_generated(glyph) else drawn).update(glyph.unicodes)
            if not (replace_generated and is_generated(glyph)):
                names.add(name)
    replaceable = (generated - drawn) if replace_generated else set()
    present = (generated | drawn) - replaceable
    absent = [cp for cp in wanted if cp not in present and glyph_name_for(cp) not in names]
    to_add = [cp for cp in absent if all(cp in m.source.cmap for m in masters)]
    return MastersPlan(to_add, [cp for cp in to_add if cp in replaceable],
                       [cp for cp in absent if cp not in to_add], [cp for cp in wanted if cp in present])


def complete_masters(masters: Sequence[Master], wanted: Iterable[int],
                     generate: Callable[[Master, list[int]], dict[int, Outline]],
                     fit: Callable[[Master, dict[int, Outline], Master], dict[int, Outline]] | None = None,
                     default: int = 0, replace_generated: bool = False) -> Completion:
    """Generate the wanted codepoints that no master has for the default master, then fit them to the others.

    A codepoint is added only when every master's source has it. The other masters get the default outline's
    topology fitted to their own render (fontcomplete.fit), so every master has the same point structure; an
    outline whose structure still differs is left out of all masters, with a warning listing it.
    """
    plan = plan_masters(masters, wanted, replace_generated)
    base = generate(masters[default], plan.to_add)
    outlines = [base if i == default else (fit(master, base, masters[default]) if fit else generate(master, plan.to_add))
                for i, master in enumerate(masters)]
    incompatible = [cp for cp in plan.to_add if len({structure(per_master[cp]) for per_master in outlines}) > 1]
    if incompatible:
        sample = "".join(chr(cp) for cp in incompatible[:40])
        logger.warning("fontcomplete: %d characters have no interpolation-compatible outline across the masters "
                       "%s and are left out of all of them: %s%s", len(incompatible),
                       ", ".join(m.label for m in masters), sample, " ..." if len(incompatible) > 40 else "")
        for per_master in outlines:
            for cp in incompatible:
                per_master.pop(cp, None)
    return Completion(outlines, incompatible, plan.not_in_source, plan.present)


def han_glyphs(glyphs: Mapping) -> list:
    return [glyphs[name] for name in glyphs.keys() if any(is_han(cp) for cp in glyphs[name].unicodes)]


def read_designspace(path: str | Path):
    """The designspace document and its default-layer master sources (sparse layer sources are skipped)."""
    from fontTools.designspaceLib import DesignSpaceDocument

    try:
        document = DesignSpaceDocument.fromfile(path)
    except Exception as error:
        raise FontcompleteError(f"cannot read the designspace {path}: {error}") from None
    masters = [source for source in document.sources if not source.layerName]
    if not masters:
        raise FontcompleteError(f"the designspace {path} has no master sources")
    return document, masters


@dataclass(frozen=True)
class CompleteSettings:
    """What to complete and how: shared by the ufo2ft filter and `fontcomplete fill` on a designspace."""

    source: str | None = None  # the source font for every master without its own entry in `sources`
    sources: tuple[tuple[str, str], ...] = ()  # (master file name, stem or style name, source font)
    charset: tuple[str, ...] = ("big5-1",)
    model: str = "copy"  # "copy", a model directory or a shipped model's name
    style: str | None = None
    styles: tuple[tuple[str, str], ...] = ()  # (master name, model style) in model mode
    device: str = "auto"
    cache: str | bool | None = None  # a directory, None (default directory) or False (no cache)
    batch_size: int = 64
    views: int = VIEWS  # views of each glyph the model's output is averaged over (see fontcomplete.ml.stylizer)
    trace: TraceSettings = TraceSettings()


_SOURCES: dict[str, SourceFont] = {}
_STYLIZERS: dict[tuple, object] = {}


def open_source(spec: str) -> SourceFont:
    """open_font, once per spec in this process (a build opens the same source for every master and filter)."""
    if spec not in _SOURCES:
        _SOURCES[spec] = open_font(spec)
    return _SOURCES[spec]


def load_stylizer(model: str, style: str | None, device: str, views: int):
    """The model's stylizer, loaded once per (model, style, device, views); None in copy mode."""
    if model == "copy":
        return None
    key = (model, style, device, views)
    if key not in _STYLIZERS:
        from fontcomplete.commands.options import resolve_model_dir

        model_dir = resolve_model_dir(model)
        try:
            from fontcomplete.ml.stylizer import load_stylizer as load
        except ImportError as error:
            raise FontcompleteError(f"model {model!r} needs torch, which cannot be imported: {error}") from None
        _STYLIZERS[key] = load(model_dir, style=style, device=device, views=views)
    return _STYLIZERS[key]


class Completer:
    """Opens the sources and the model once (failing loudly), then completes sets of masters."""

    def __init__(self, settings: CompleteSettings):
        self.settings = settings
        self.wanted = resolve_charsets(settings.charset)
        if not self.wanted:
            raise FontcompleteError("the charset is empty: nothing is wanted")
        if not settings.source and not settings.sources:
            raise FontcompleteError("no source font: give source=FONT (and/or sources={master: FONT})")
        for spec in filter(None, (settings.source, *dict(settings.sources).values())):
            open_source(spec)
        for style in {settings.style, *dict(settings.styles).values()}:
            load_stylizer(settings.model, style, settings.device, settings.views)
        self.cache = open_cache(settings.cache)
        self.pool_map = map  # fill sets a tracer pool's map here

    def master(self, ufo, glyphs: Mapping, label: str | None = None, drawable: Mapping | None = None) -> Master:
        keys = master_keys(ufo, label)
        styles = dict(self.settings.styles)
        style = next((styles[key] for key in keys if key in styles), self.settings.style)
        source = open_source(pick_source(keys, dict(self.settings.sources), self.settings.source))
        return Master(keys[0], glyphs, ufo_frame(ufo), source, style, drawable)

    def stylizer(self, master: Master):
        """The model for this master (None in copy mode), seeing the master's own glyphs when it takes exemplars."""
        stylizer = load_stylizer(self.settings.model, master.style, self.settings.device, self.settings.views)
        if stylizer is None or not stylizer.exemplars:  # spare drawing and hashing the master
            return stylizer
        target = drawn_font(master)
        return stylizer.with_target(master.source, target, target.cmap)

    def generate(self, master: Master, codepoints: list[int]) -> dict[int, Outline]:
        stylizer = self.stylizer(master)
        return generate_cached(self.cache, master.source, codepoints, master.frame, stylizer,
                               trace_settings=self.settings.trace, batch_size=self.settings.batch_size,
                               pool_map=self.pool_map)

    def fit(self, master: Master, base: dict[int, Outline], default: Master) -> dict[int, Outline]:
        """The default master's outlines fitted to this master's own renders (its source or its model style)."""
        stylizer = self.stylizer(master)
        generator = stylizer.model_id if stylizer is not None else "copy"
        default_frame = (default.frame.left, default.frame.bottom, default.frame.side)
        fit_id = f"fit[{generator}|{source_fingerprint(default.source)}|{default_frame}|{FIT_SIZE}]"
        fingerprint = source_fingerprint(master.source)
        keys = {cp: outline_key(fit_id, fingerprint, master.source.cmap[cp], master.frame, self.settings.trace)
                for cp in base}
        fitted = {cp: outline for cp in base if (outline := self.cache.get(keys[cp])) is not None}
        misses = [cp for cp in base if cp not in fitted]
        for start in range(0, len(misses), self.settings.batch_size):
            batch = misses[start:start + self.settings.batch_size]
            names = [master.source.cmap[cp] for cp in batch]
            size = stylizer.image_size if stylizer is not None else FIT_SIZE
            images = render_many(master.source, names, size)
            if stylizer is not None:
                images = np.asarray(stylizer(images), dtype=np.float32)
            for cp, image in zip(batch, images):
                fitted[cp] = fit_outline(base[cp], image, master.frame)
                self.cache.put(keys[cp], fitted[cp])
        return fitted

    def complete(self, masters: Sequence[Master], default: int = 0, replace_generated: bool = False) -> Completion:
        return complete_masters(masters, self.wanted, self.generate, self.fit, default, replace_generated)

    @property
    def model_id(self) -> str:
        stylizer = load_stylizer(self.settings.model, self.settings.style, self.settings.device,
                                 self.settings.views)
        return stylizer.model_id if stylizer is not None else "copy"

    def provenance(self, master: Master) -> dict[str, str]:
        """What the glyphs added to `master` record (fill.glyph_provenance)."""
        stylizer = load_stylizer(self.settings.model, master.style, self.settings.device, self.settings.views)
        trace = model_trace_settings(self.settings.trace, stylizer) if stylizer is not None else None
        return glyph_provenance(self.model_id, master.source, trace)

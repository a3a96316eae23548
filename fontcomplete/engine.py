"""The completion engine every entry point calls: plan → generate → (fit to other masters); placing is the caller's.

`fill` on a UFO or a designspace (fontcomplete.place) and the ufo2ft filter (fontcomplete.filter) open their
targets as masters and hand them to one Completer.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
from fontTools.pens.recordingPen import RecordingPen

from fontcomplete.cache import generate_cached, open_cache, outline_key, source_fingerprint
from fontcomplete.charsets import resolve_charsets
from fontcomplete.conventions import Conventions, conventions_of
from fontcomplete.errors import FontcompleteError
from fontcomplete.fill import VIEWS, default_workers, model_trace_settings
from fontcomplete.fonts import SourceFont, open_font, ufo_frame
from fontcomplete.model_paths import load_stylizer
from fontcomplete.outline import Outline, structure
from fontcomplete.plan import Master, MastersPlan, master_keys, pick_source, plan_masters
from fontcomplete.provenance import declined_codepoints, glyph_provenance, is_machine_drawn
from fontcomplete.raster import render_many
from fontcomplete.review import Review, review_glyphs
from fontcomplete.trace import TraceSettings

logger = logging.getLogger(__name__)
FIT_SIZE = 256  # px of the renders other masters are fitted to in copy mode


@dataclass(frozen=True)
class CompleteSettings:
    """What to complete and how: `fill` (a UFO or a designspace) and the ufo2ft filter share these."""

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


@dataclass
class Completion:
    """The outlines per master (same codepoints in each), the plan, and what was left out as incompatible."""

    outlines: list[dict[int, Outline]]
    plan: MastersPlan
    incompatible: list[int] = field(default_factory=list)


_SOURCES: dict[str, SourceFont] = {}
_STYLIZERS: dict[tuple, object] = {}


def open_source(spec: str) -> SourceFont:
    """open_font, once per spec in this process (a build opens the same source for every master and filter)."""
    if spec not in _SOURCES:
        _SOURCES[spec] = open_font(spec)
    return _SOURCES[spec]


def cached_stylizer(model: str, style: str | None, device: str, views: int, target_name: str | None = None):
    """The model's stylizer, loaded once per (model, style, device, views, target name); None in copy mode."""
    key = (model, style, device, views, target_name if style is None else None)
    if key not in _STYLIZERS:
        _STYLIZERS[key] = load_stylizer(model, style, device, views, target_name)
    return _STYLIZERS[key]


def drawn_font(master: Master) -> SourceFont:
    """The master's designer-drawn encoded glyphs (never fontcomplete's own, unless a designer edited them) as an
    in-memory SourceFont. Its fingerprint hashes the outlines, so renders of it are cached by content."""
    glyphs = master.drawable if master.drawable is not None else master.glyphs
    cmap: dict[int, str] = {}
    for name in sorted(master.glyphs.keys()):
        if not is_machine_drawn(master.glyphs[name]):
            for codepoint in master.glyphs[name].unicodes:
                cmap.setdefault(codepoint, name)
    digest = hashlib.sha256(repr(master.frame).encode())
    for codepoint, name in sorted(cmap.items()):
        recording = RecordingPen()
        glyphs[name].draw(recording)
        digest.update(f"{codepoint}:{name}:{recording.value!r}".encode())
    return SourceFont(Path(master.label), None, round(master.frame.side), master.frame, cmap,
                      master.name or master.label, glyphs, lambda name: glyphs[name].width, digest.hexdigest())


def complete_masters(masters: Sequence[Master], plan: MastersPlan,
                     generate: Callable[[Master, list[int]], dict[int, Outline]],
                     fit: Callable[[Master, dict[int, Outline], Master], dict[int, Outline]] | None = None,
                     default: int = 0) -> Completion:
    """Generate the planned codepoints for the default master, then fit them to the others.

    The other masters get the default outline's topology fitted to their own render (fontcomplete.fit), so every
    master has the same point structure; an outline whose structure still differs is left out of all masters,
    with a warning listing it.
    """
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
    return Completion(outlines, plan, incompatible)


class Completer:
    """Opens the sources and the model once (failing loudly), then plans and completes sets of masters."""

    def __init__(self, settings: CompleteSettings, pool_map=map, progress: Callable[[int], None] = lambda n: None,
                 workers: int | None = None):
        self.settings = settings
        self.workers = default_workers() if workers is None else workers  # processes that draft the reviews
        self.wanted = resolve_charsets(settings.charset)
        if not self.wanted:
            raise FontcompleteError("the charset is empty: nothing is wanted")
        if not settings.source and not settings.sources:
            raise FontcompleteError("no source font: give a source font (and/or one per master)")
        for spec in filter(None, (settings.source, *dict(settings.sources).values())):
            open_source(spec)
        self.cache = open_cache(settings.cache)
        self.pool_map = pool_map  # fill passes a tracer pool's map
        self.progress = progress
        self._seeing: dict[int, object] = {}  # id(master) -> its stylizer with the master's glyphs as exemplars
        self._drawn: dict[int, SourceFont] = {}  # id(master) -> drawn_font(master)
        self._conventions: dict[str, Conventions] = {}  # drawn font's fingerprint -> its conventions

    def check_models(self) -> None:
        """Load the model for every style named in the settings, so that a bad model fails at once."""
        for style in {self.settings.style, *dict(self.settings.styles).values()}:
            cached_stylizer(self.settings.model, style, self.settings.device, self.settings.views)

    def load_models(self, masters: Sequence[Master]) -> None:
        """Load every master's model now, so that a bad model fails before any work."""
        for master in masters:
            self._stylizer(master)

    def master(self, ufo, glyphs, label: str | None = None, drawable=None) -> Master:
        keys = master_keys(ufo, label)
        styles = dict(self.settings.styles)
        style = next((styles[key] for key in keys if key in styles), self.settings.style)
        source = open_source(pick_source(keys, dict(self.settings.sources), self.settings.source))
        name = f"{ufo.info.familyName or 'Unnamed'} {ufo.info.styleName or ''}".strip()
        declined = declined_codepoints(ufo.lib, {cp for name in glyphs.keys() for cp in glyphs[name].unicodes})
        return Master(keys[0], glyphs, ufo_frame(ufo.info), source, style, drawable, name, frozenset(declined))

    def plan(self, masters: Sequence[Master], replace_generated: bool = False) -> MastersPlan:
        return plan_masters(masters, self.wanted, replace_generated)

    def _stylizer(self, master: Master):
        return cached_stylizer(self.settings.model, master.style, self.settings.device, self.settings.views,
                               master.name)

    def stylizer(self, master: Master):
        """The model for this master (None in copy mode), seeing the master's own glyphs when it takes exemplars."""
        stylizer = self._stylizer(master)
        if stylizer is None or not (stylizer.exemplars or stylizer.drafts):  # spare drawing and hashing the master
            return stylizer
        if id(master) not in self._seeing:
            target = self.drawn(master)
            self._seeing[id(master)] = stylizer.with_target(master.source, target, target.cmap)
        return self._seeing[id(master)]

    def drawn(self, master: Master) -> SourceFont:
        """drawn_font(master), computed once."""
        if id(master) not in self._drawn:
            self._drawn[id(master)] = drawn_font(master)
        return self._drawn[id(master)]

    def reviews(self, master: Master, codepoints: Sequence[int]) -> dict[int, Review]:
        """How sure each of this master's generated glyphs is (fontcomplete.review); {} in copy mode."""
        stylizer = self.stylizer(master)  # one that read the master's glyphs already lends their renders
        if stylizer is None or not codepoints:
            return {}
        target = self.drawn(master)
        bank = stylizer.donor_bank(master.source, target, target.cmap)
        return review_glyphs(bank, master.source, codepoints, self.workers)

    def conventions(self, master: Master) -> Conventions:
        """The master's drawing conventions (fontcomplete.conventions), learned from its designer-drawn glyphs once."""
        drawn = self.drawn(master)
        if drawn.fingerprint not in self._conventions:
            self._conventions[drawn.fingerprint] = conventions_of(drawn, drawn.cmap)
        return self._conventions[drawn.fingerprint]

    def generate(self, master: Master, codepoints: list[int]) -> dict[int, Outline]:
        trace = self.trace_settings(master)
        return generate_cached(self.cache, master.source, codepoints, master.frame, self.stylizer(master),
                               trace_settings=trace if trace is not None else self.settings.trace,
                               batch_size=self.settings.batch_size,
                               pool_map=self.pool_map, progress=self.progress)

    def fit(self, master: Master, base: dict[int, Outline], default: Master) -> dict[int, Outline]:
        """The default master's outlines fitted to this master's own renders (its source or its model style)."""
        from fontcomplete.fit import fit_outline  # scipy: loaded only when a designspace has a second master

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
            size = stylizer.image_size if stylizer is not None else FIT_SIZE
            images = render_many(master.source, [master.source.cmap[cp] for cp in batch], size)
            if stylizer is not None:
                images = np.asarray(stylizer(images), dtype=np.float32)
            for cp, image in zip(batch, images):
                fitted[cp] = fit_outline(base[cp], image, master.frame)
                self.cache.put(keys[cp], fitted[cp])
        return fitted

    def complete(self, masters: Sequence[Master], plan: MastersPlan, default: int = 0) -> Completion:
        return complete_masters(masters, plan, self.generate, self.fit, default)

    def calibration(self, master: Master) -> tuple[float | None, float | None]:
        """The trace threshold and gap opening calibrated for this master's model and style (None: copy mode or
        none)."""
        stylizer = self._stylizer(master)
        return (stylizer.ink_threshold, stylizer.gap_opening) if stylizer is not None else (None, None)

    def trace_settings(self, master: Master) -> TraceSettings | None:
        """The trace settings a model's glyphs for this master are traced with, in the master's own drawing
        conventions (None in copy mode)."""
        stylizer = self._stylizer(master)
        if stylizer is None:
            return None
        return replace(model_trace_settings(self.settings.trace, stylizer), conventions=self.conventions(master))

    def provenance(self, master: Master) -> dict[str, str]:
        """What the glyphs added to `master` record (tool, model, source, trace settings)."""
        stylizer = self.stylizer(master)
        trace = self.trace_settings(master)
        model_id = stylizer.model_id if stylizer is not None else "copy"
        return glyph_provenance(model_id, f"{master.source.name} ({master.source.path.name})",
                                trace.describe() if trace is not None else None)

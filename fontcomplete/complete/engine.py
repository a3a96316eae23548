"""The completion engine every entry point calls: plan → generate → (fit to other masters); placing is the caller's.

`fill` on a UFO or a designspace (fontcomplete.complete.place) and the ufo2ft filter (fontcomplete.filter) open their
targets as masters and hand them to one Completer.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from fontcomplete.complete.model_paths import open_model
from fontcomplete.complete.plan import Master, MastersPlan, master_keys, pick_source, plan_masters
from fontcomplete.core.charsets import resolve_charsets
from fontcomplete.core.errors import FontcompleteError
from fontcomplete.core.outline import Outline, structure
from fontcomplete.core.provenance import declined_codepoints
from fontcomplete.fonts.font import SourceFont, open_font, ufo_frame
from fontcomplete.generate.cache import open_cache, source_fingerprint
from fontcomplete.generate.generators import Copy, Drawing, Fitted, Model, generate_cached
from fontcomplete.generate.stylize import VIEWS, Stylizer, default_workers
from fontcomplete.outlines.conventions import Conventions, conventions_of
from fontcomplete.outlines.trace import TraceSettings

logger = logging.getLogger(__name__)


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
_STYLIZERS: dict[tuple, Stylizer] = {}


def open_source(spec: str) -> SourceFont:
    """open_font, once per spec in this process (a build opens the same source for every master and filter)."""
    if spec not in _SOURCES:
        _SOURCES[spec] = open_font(spec)
    return _SOURCES[spec]


def cached_stylizer(model: str, style: str | None, device: str, views: int, target_name: str | None = None) -> Stylizer:
    """The model's stylizer, loaded once per (model, style, device, views, target name)."""
    key = (model, style, device, views, target_name if style is None else None)
    if key not in _STYLIZERS:
        _STYLIZERS[key] = open_model(model, style, device, views, target_name)
    return _STYLIZERS[key]


def complete_masters(masters: Sequence[Master], plan: MastersPlan, generate: Callable[[Master, list[int]], dict],
                     fit: Callable[[Master, dict[int, Outline], Master], dict], default: int = 0) -> Completion:
    """Generate the planned codepoints for the default master, then fit them to the others.

    The other masters get the default outline's topology fitted to their own render (fontcomplete.outlines.onto_ink), so every
    master has the same point structure; an outline whose structure still differs is left out of all masters,
    with a warning listing it.
    """
    base = generate(masters[default], plan.to_add)
    outlines = [base if i == default else fit(master, base, masters[default]) for i, master in enumerate(masters)]
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
        # what is learned from a master's designer-drawn glyphs, by their content (Master.drawn's fingerprint)
        self._seeing: dict[tuple, Stylizer] = {}  # (model key, drawn fingerprint) -> stylizer reading them
        self._conventions: dict[str, Conventions] = {}  # drawn fingerprint -> conventions
        self._steady: dict[tuple, dict[int, float]] = {}  # (model id, source, trace) -> each glyph's steadiness

    def check_models(self) -> None:
        """Load the model for every style named in the settings, so that a bad model fails at once."""
        if self.settings.model != "copy":
            for style in {self.settings.style, *dict(self.settings.styles).values()}:
                cached_stylizer(self.settings.model, style, self.settings.device, self.settings.views)

    def load_models(self, masters: Sequence[Master]) -> None:
        """Load every master's model now, so that a bad model fails before any work."""
        for master in masters:
            self.generator(master)

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

    def generator(self, master: Master) -> Drawing:
        """What makes this master's glyphs: the source's copy, or the model (reading the master's own glyphs when
        it takes exemplars, drawing in the master's conventions)."""
        if self.settings.model == "copy":
            return Copy(master.source, master.frame)
        settings = self.settings
        stylizer = cached_stylizer(settings.model, master.style, settings.device, settings.views, master.name)
        drawn = master.drawn
        if stylizer.exemplars:
            key = (settings.model, master.style, settings.device, settings.views, master.name, drawn.fingerprint)
            if key not in self._seeing:
                self._seeing[key] = stylizer.with_target(master.source, drawn, drawn.cmap)
            stylizer = self._seeing[key]
        if drawn.fingerprint not in self._conventions:
            self._conventions[drawn.fingerprint] = conventions_of(drawn, drawn.cmap)
        trace = replace(settings.trace.resolved(stylizer.ink_threshold, stylizer.gap_opening),
                        conventions=self._conventions[drawn.fingerprint])
        steady = self._steady.setdefault((stylizer.model_id, source_fingerprint(master.source), trace), {})
        return Model(master.source, master.frame, stylizer, trace, drawn, frozenset(drawn.cmap), settings.batch_size,
                     self.pool_map, calibrated=stylizer.ink_threshold is not None, steady=steady)

    def generate(self, master: Master, codepoints: list[int]) -> dict[int, Outline]:
        return generate_cached(self.cache, self.generator(master), codepoints, self.progress)

    def fitted(self, master: Master, base: dict[int, Outline], default: Master) -> dict[int, Outline]:
        """The default master's outlines fitted to this master's own ink (its source or its model style)."""
        fitted = Fitted(self.generator(master), base, self.generator(default), self.settings.trace,
                        self.settings.batch_size)
        return generate_cached(self.cache, fitted, list(base))

    def complete(self, masters: Sequence[Master], plan: MastersPlan, default: int = 0) -> Completion:
        return complete_masters(masters, plan, self.generate, self.fitted, default)

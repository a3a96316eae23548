"""ufo2ft pre-filter that completes the font being compiled (never the UFO on disk): fontmake --filter or lib key.

Primary route, on the fontmake command line (the build fails loudly when the source or model cannot load)::

    fontmake -u Font.ufo -o otf --filter "fontcomplete.filter::CompleteFilter(source='Noto.ttc#3', charset='big5-1')"
    fontmake -m Family.designspace -o variable \\
        --filter "fontcomplete.filter::CompleteFilter(sources={'Regular': 'R.ttc#3', 'Bold': 'B.ttc#3'})"

Lib-key route (UFO or designspace lib ``com.github.googlei18n.ufo2ft.filters``): an entry
``{"namespace": "fontcomplete", "name": "filter", "pre": True, "kwargs": {...}}``. ufo2ft only logs and skips a
lib-key filter whose module cannot be imported (e.g. fontcomplete missing from the build environment), so run
``fontcomplete fill --check TARGET`` in CI before fontmake: it imports the filter and opens its source and model.

Options: source, sources (master file name, stem or style name -> source font), charset (name, file or list),
model ("copy", a model directory or shipped name), style, styles (master -> style), device, cache (directory;
False for none; default $FONTCOMPLETE_CACHE or ~/.cache/fontcomplete), batch_size, views (1 to 5, default 5), and
ufo2ft's own include, exclude and pre. It is a pre-filter by default: the new glyphs must exist before
decomposition, overlap removal and cu2qu run; pre=False runs it after them (the glyphs then keep cubic curves).
"""

from __future__ import annotations

import gc
import logging
import time
from pathlib import Path

from ufo2ft.constants import FILTERS_KEY
from ufo2ft.filters import BaseFilter, BaseIFilter, getFilterClass

from fontcomplete.complete.engine import Completer, CompleteSettings
from fontcomplete.complete.merge import NewGlyph, build_glyph, learn_metrics
from fontcomplete.core.errors import FontcompleteError
from fontcomplete.fonts.ufo_glyphs import han_glyphs

logger = logging.getLogger(__name__)
LIB_NAMESPACE = "fontcomplete"
_DEFAULTS = CompleteSettings()
_OPTIONS = {"source": None, "sources": None, "charset": _DEFAULTS.charset[0], "model": _DEFAULTS.model,
            "style": None, "styles": None, "device": _DEFAULTS.device, "cache": None,
            "batch_size": _DEFAULTS.batch_size, "views": _DEFAULTS.views}


def settings_from_options(options) -> CompleteSettings:
    charset = options.charset
    return CompleteSettings(
        source=options.source, sources=tuple(sorted((options.sources or {}).items())),
        charset=(charset,) if isinstance(charset, str) else tuple(charset), model=options.model or "copy",
        style=options.style, styles=tuple(sorted((options.styles or {}).items())), device=options.device,
        cache=options.cache, batch_size=int(options.batch_size), views=int(options.views))


class _Completing:
    """What the single-font and the interpolatable filters share: settings, loading, adding glyphs.

    The glyphs are added while ufo2ft sets up the filter's context (the public hook that sees the whole glyph set);
    the per-glyph filter() then changes nothing."""

    _kwargs = _OPTIONS
    _pre = True  # ufo2ft's default for `pre` when the user gives none

    def start(self) -> None:
        try:
            self.completer = Completer(settings_from_options(self.options))
            self.completer.check_models()
        except FontcompleteError as error:
            raise FontcompleteError(f"fontcomplete filter cannot start: {error}") from None

    def complete(self, fonts, glyph_sets, default: int = 0) -> set[str]:
        """Pause the cyclic GC meanwhile: with a whole UFO in memory its passes cost more than the work itself."""
        enabled = gc.isenabled()
        gc.disable()
        try:
            return self._complete(fonts, glyph_sets, default)
        finally:
            if enabled:
                gc.enable()

    def _complete(self, fonts, glyph_sets, default: int) -> set[str]:
        started = time.perf_counter()
        completer = self.completer
        masters = [completer.master(font, glyph_set) for font, glyph_set in zip(fonts, glyph_sets)]
        completion = completer.complete(masters, completer.plan(masters), default)
        added = set()
        for font, glyph_set, master, outlines in zip(fonts, glyph_sets, masters, completion.outlines):
            metrics = learn_metrics(font, han_glyphs(glyph_set[name] for name in glyph_set.keys()))
            provenance = completer.generator(master).provenance()
            for codepoint, outline in outlines.items():
                glyph = build_glyph(NewGlyph(codepoint, outline, provenance), metrics, None,
                                    self.context.glyphFactory)  # no date: a build is reproducible
                glyph_set[glyph.name] = glyph
                added.add(glyph.name)
        cache = completer.cache
        logger.info("fontcomplete: added %d glyphs to %d master(s) in %.2f s (filter time; cache %s: %d hits, "
                    "%d generated, %d corrupt), %d not in the source, %d incompatible",
                    len(added), len(masters), time.perf_counter() - started, cache.directory or "off",
                    cache.hits, cache.misses, cache.corrupt, len(completion.plan.not_in_source),
                    len(completion.incompatible))
        cache.hits = cache.misses = cache.corrupt = 0
        return added


class CompleteFilter(_Completing, BaseFilter):
    """Adds the missing glyphs to one font's glyph set (static builds: fontmake -u / -o otf, ttf)."""

    def set_context(self, font, glyphSet):  # noqa: N803 (ufo2ft's signature)
        context = super().set_context(font, glyphSet)
        context.modified.update(self.complete([font], [glyphSet]))
        return context

    def filter(self, glyph) -> bool:
        return False


class CompleteIFilter(_Completing, BaseIFilter):
    """Adds compatible glyphs to every master at once (ufo2ft picks this in interpolatable/variable builds)."""

    def set_context(self, fonts, glyphSets, instantiator=None, **kwargs):  # noqa: N803
        context = super().set_context(fonts, glyphSets, instantiator, **kwargs)
        default = instantiator.default_source_idx if instantiator is not None else 0
        context.modified.update(self.complete(fonts, glyphSets, default))
        return context

    def filter(self, glyphName, glyphs) -> bool:  # noqa: N803
        return False


Filter = CompleteFilter  # the class the lib key {"namespace": "fontcomplete", "name": "filter"} resolves to


def check_lib_filters(path: str | Path) -> list[str]:
    """Load every fontcomplete entry of a UFO's or designspace's filters lib key strictly (import, source, model).

    Raises FontcompleteError when there is none or one cannot load; returns a line per loaded filter.
    """
    path = Path(path)
    if path.suffix.lower() == ".designspace":
        from fontTools.designspaceLib import DesignSpaceDocument

        lib = DesignSpaceDocument.fromfile(path).lib
    else:
        from fontcomplete.fonts.ufo_glyphs import open_ufo

        lib = open_ufo(path).lib
    entries = [e for e in lib.get(FILTERS_KEY, []) if str(e.get("namespace", "")).startswith(LIB_NAMESPACE)]
    if not entries:
        raise FontcompleteError(f"{path} has no fontcomplete entry in its lib key {FILTERS_KEY}")
    lines = []
    for entry in entries:
        try:
            filter_class = getFilterClass(entry["name"], entry["namespace"])
        except (ImportError, AttributeError, KeyError) as error:
            raise FontcompleteError(f"ufo2ft would skip the lib-key filter {entry}: {error}") from None
        instance = filter_class(*entry.get("args", []), include=entry.get("include"), exclude=entry.get("exclude"),
                                **entry.get("kwargs", {}))
        lines.append(f"ok: {instance!r}")
    return lines

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
False for none; default $FONTCOMPLETE_CACHE or ~/.cache/fontcomplete), batch_size, views (1 to 5, default 5).
"""

from __future__ import annotations

import gc
import logging
import time
from pathlib import Path

import ufoLib2
from ufo2ft.constants import FILTERS_KEY
from ufoLib2.objects import Contour, Point
from ufo2ft.filters import BaseFilter, BaseIFilter, getFilterClass
from ufo2ft.util import _GlyphSet

from fontcomplete.designspace import CompleteSettings, Completer, han_glyphs
from fontcomplete.errors import FontcompleteError
from fontcomplete.merge import MARK_COLOR, PROVENANCE_KEY, glyph_name_for, learn_metrics

logger = logging.getLogger(__name__)
LIB_NAMESPACE = "fontcomplete"
_OPTIONS = {"source": None, "sources": None, "charset": "big5-1", "model": "copy", "style": None, "styles": None,
            "device": "auto", "cache": None, "batch_size": 64, "views": CompleteSettings.views}


def settings_from_options(options) -> CompleteSettings:
    charset = options.charset
    return CompleteSettings(
        source=options.source, sources=tuple(sorted((options.sources or {}).items())),
        charset=(charset,) if isinstance(charset, str) else tuple(charset), model=options.model or "copy",
        style=options.style, styles=tuple(sorted((options.styles or {}).items())), device=options.device,
        cache=options.cache, batch_size=int(options.batch_size), views=int(options.views))


class _Completing:
    """What the single-font and the interpolatable filters share: settings, loading, adding glyphs."""

    _kwargs = _OPTIONS
    _pre = True

    def start(self) -> None:
        self.pre = True  # new glyphs must exist before decomposition, overlap removal and cu2qu run
        try:
            self.completer = Completer(settings_from_options(self.options))
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
        completion = completer.complete(masters, default)
        added = set()
        for font, glyph_set, master, outlines in zip(fonts, glyph_sets, masters, completion.outlines):
            metrics = learn_metrics(font, han_glyphs(glyph_set))
            provenance = completer.provenance(master)
            factory = self.context.glyphFactory
            for codepoint, outline in outlines.items():
                name = glyph_name_for(codepoint)
                glyph = factory(name=name, unicodes=[codepoint], width=metrics.advance)
                if metrics.height is not None:
                    glyph.height = metrics.height
                if metrics.vertical_origin is not None:
                    glyph.lib["public.verticalOrigin"] = metrics.vertical_origin
                draw_into(glyph, outline)
                glyph.lib["public.markColor"] = MARK_COLOR
                glyph.lib[PROVENANCE_KEY] = provenance
                glyph_set[name] = glyph
                added.add(name)
        cache = completer.cache
        logger.info("fontcomplete: added %d glyphs to %d master(s) in %.2f s (filter time; cache %s: %d hits, "
                    "%d generated, %d corrupt), %d not in the source, %d incompatible",
                    len(added), len(masters), time.perf_counter() - started, cache.directory or "off",
                    cache.hits, cache.misses, cache.corrupt, len(completion.not_in_source),
                    len(completion.incompatible))
        cache.hits = cache.misses = cache.corrupt = 0
        return added


class CompleteFilter(_Completing, BaseFilter):
    """Adds the missing glyphs to one font's glyph set (static builds: fontmake -u / -o otf, ttf)."""

    def __call__(self, font, glyphSet=None):  # noqa: N803 (ufo2ft's signature)
        if glyphSet is None:
            glyphSet = _GlyphSet.from_layer(font)
        self.set_context(font, glyphSet)
        return self.complete([font], [glyphSet])


class CompleteIFilter(_Completing, BaseIFilter):
    """Adds compatible glyphs to every master at once (ufo2ft picks this in interpolatable/variable builds)."""

    def __call__(self, fonts, glyphSets=None, instantiator=None, **kwargs):  # noqa: N803
        if glyphSets is None:
            glyphSets = [_GlyphSet.from_layer(font) for font in fonts]
        self.set_context(fonts, glyphSets, instantiator, **kwargs)
        default = instantiator.default_source_idx if instantiator is not None else 0
        return self.complete(fonts, glyphSets, default)


def outline_contours(outline: list) -> list[list[tuple]] | None:
    """Segment-pen operations → UFO point lists [(x, y, type)], as SegmentToPointPen makes them; None when the
    outline has operations this fast path does not cover."""
    contours, points = [], []
    for operator, operands in outline:
        if operator == "moveTo":
            points = [[*operands[0], "move"]]
        elif operator == "lineTo":
            points.append([*operands[0], "line"])
        elif operator == "curveTo" and len(operands) == 3:
            points += [[*operands[0], None], [*operands[1], None], [*operands[2], "curve"]]
        elif operator == "closePath":
            if len(points) > 1 and points[-1][:2] == points[0][:2] and points[-1][2] is not None:
                points[0][2] = points.pop()[2]
            else:
                points[0][2] = "line"
            contours.append([tuple(point) for point in points])
        else:
            return None
    return contours


def draw_into(glyph, outline: list) -> None:
    """Add the outline's contours to a ufoLib2 glyph directly (several times faster than its pen), or via the pen."""
    contours = outline_contours(outline)
    if contours is None or not isinstance(glyph, ufoLib2.objects.Glyph):
        pen = glyph.getPen()
        for operator, operands in outline:
            getattr(pen, operator)(*operands)
        return
    for points in contours:
        glyph.contours.append(Contour(points=[Point(x, y, kind) for x, y, kind in points]))


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
        from fontcomplete.merge import open_ufo

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

"""Everything that makes outlines for a master — the source's copy, a model, the other masters' fit — as one
protocol, generated through one cached loop."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Protocol

import numpy as np

from fontcomplete.core.frame import EmFrame
from fontcomplete.core.outline import Generated, Outline
from fontcomplete.core.provenance import glyph_provenance
from fontcomplete.fonts.font import SourceFont
from fontcomplete.fonts.raster import render_many
from fontcomplete.generate.cache import Cache, outline_key, source_fingerprint
from fontcomplete.generate.copy import copy_glyphs
from fontcomplete.generate.review import Review, review_glyphs
from fontcomplete.generate.stylize import Stylizer, stylize_glyphs
from fontcomplete.outlines.steadiness import steadiness
from fontcomplete.outlines.trace import TraceSettings

FIT_SIZE = 256  # px of the renders other masters are fitted to in copy mode


class Generator(Protocol):
    """Makes the outlines of characters of `source` in the em box `frame` (the target master's)."""

    id: str  # what its outlines depend on besides the glyph and the frame: cache key and provenance
    source: SourceFont
    frame: EmFrame
    trace: TraceSettings | None  # how it turns pixels into outlines; None when it makes vectors directly

    def provenance(self) -> dict[str, str]:
        """What each of its glyphs records (provenance.glyph_provenance)."""

    def generate(self, codepoints: Sequence[int], progress: Callable[[int], None]) -> Iterator[Generated]: ...

    def describe(self) -> str:
        """One line: what makes the glyphs, and how."""


class Drawing(Generator, Protocol):
    """A generator another master's outlines can be fitted to (Fitted): it also gives the ink it draws by."""

    def ink(self, codepoints: Sequence[int]) -> np.ndarray:
        """Square images (uint8, or float ink in 0..1) of the em box, one per codepoint, as this generator sees the
        glyphs."""

    def reviews(self, codepoints: Sequence[int], workers: int) -> dict[int, Review]:
        """How sure each of its glyphs is (fontcomplete.generate.review); {} when it has no measure."""


def source_label(source: SourceFont) -> str:
    return f"{source.name} ({source.path.name})"


@dataclass
class Copy:
    """The source's own outlines scaled into the target's em box: what other tools do, the baseline to beat."""

    source: SourceFont
    frame: EmFrame
    id: str = "copy"
    trace: None = None

    def provenance(self) -> dict[str, str]:
        return glyph_provenance(self.id, source_label(self.source))

    def generate(self, codepoints: Sequence[int], progress: Callable[[int], None]) -> Iterator[Generated]:
        return copy_glyphs(self.source, codepoints, self.frame, progress)

    def describe(self) -> str:
        return f"copying the outlines of {source_label(self.source)}"

    def ink(self, codepoints: Sequence[int]) -> np.ndarray:
        return render_many(self.source, [self.source.cmap[cp] for cp in codepoints], FIT_SIZE)

    def reviews(self, codepoints: Sequence[int], workers: int) -> dict[int, Review]:
        return {}


@dataclass
class Model:
    """A model's restyled renders of the source, traced (`trace`, resolved: threshold and gap opening fixed), for a
    target whose designer-drawn glyphs (`target`, of the characters `drawn`) it may read and is reviewed against."""

    source: SourceFont
    frame: EmFrame
    stylizer: Stylizer
    trace: TraceSettings
    target: SourceFont
    drawn: frozenset[int]
    batch_size: int = 64
    pool_map: Callable = map
    calibrated: bool = False  # the trace threshold and gap opening are the ones calibrated for this model
    steady: dict[int, float] = field(default_factory=dict, repr=False)  # steadiness of the glyphs generated so far

    @property
    def id(self) -> str:
        return self.stylizer.model_id

    def provenance(self) -> dict[str, str]:
        return glyph_provenance(self.id, source_label(self.source), self.trace.describe())

    def generate(self, codepoints: Sequence[int], progress: Callable[[int], None]) -> Iterator[Generated]:
        return stylize_glyphs(self.source, codepoints, self.frame, self.stylizer, batch_size=self.batch_size,
                              trace_settings=self.trace, pool_map=self.pool_map, progress=progress,
                              steadiness=self.steady)

    def describe(self) -> str:
        how = "calibrated for this model on its validation characters" if self.calibrated else "not calibrated"
        return (f"model {self.id} on {source_label(self.source)}; trace threshold {self.trace.threshold:.2f}, gap "
                f"opening {self.trace.open_gaps:g} ({how}; --threshold and --open-gaps override); your font's "
                f"conventions: {self.trace.conventions.describe()}{self.weaker_than_paste()}")

    def weaker_than_paste(self) -> str:
        """A warning when the model kept the real strokes and counters of fewer validation glyphs than a paste."""
        figures = self.stylizer.validation_topology
        if figures is None or figures[0] >= figures[1]:
            return ""
        return (f"; WARNING: on its validation characters this model drew the real strokes and counters of "
                f"{figures[0]:.0%} of the glyphs, a paste of the source {figures[1]:.0%}: review every glyph (the "
                f"least sure first), or fill with --model copy")

    def ink(self, codepoints: Sequence[int]) -> np.ndarray:
        renders = render_many(self.source, [self.source.cmap[cp] for cp in codepoints], self.stylizer.image_size)
        return np.asarray(self.stylizer(renders), dtype=np.float32)

    def reviews(self, codepoints: Sequence[int], workers: int) -> dict[int, Review]:
        if not codepoints:
            return {}
        bank = self.stylizer.donor_bank(self.source, self.target, self.drawn)
        steady = self.steadiness(codepoints)
        return {cp: replace(review, steady=steady[cp])
                for cp, review in review_glyphs(bank, self.source, codepoints, workers).items()}

    def steadiness(self, codepoints: Sequence[int]) -> dict[int, float]:
        """Each glyph's steadiness (fontcomplete.outlines.steadiness): measured when it was generated, else (its
        outline came from the cache) from the model's views drawn again."""
        missing = [cp for cp in codepoints if cp not in self.steady]
        for start in range(0, len(missing), self.batch_size):
            batch = missing[start:start + self.batch_size]
            renders = render_many(self.source, [self.source.cmap[cp] for cp in batch], self.stylizer.image_size)
            views = self.stylizer.views_ink(renders)
            self.steady.update(zip(batch, self.pool_map(_steadiness_job, [(views[:, i], self.trace)
                                                                          for i in range(len(batch))])))
        return {cp: self.steady[cp] for cp in codepoints}


@dataclass
class Fitted:
    """Another master's outlines: the default master's (`base`), each point moved onto this master's own ink — the
    render of its source (`own` a Copy) or its model's output (`own` a Model) — so all masters interpolate."""

    own: Drawing
    base: dict[int, Outline]
    default: Generator  # the generator of the default master's outlines
    trace: TraceSettings  # the fill's trace settings (part of the cache key)
    batch_size: int = 64

    @property
    def source(self) -> SourceFont:
        return self.own.source

    @property
    def frame(self) -> EmFrame:
        return self.own.frame

    @property
    def id(self) -> str:
        frame = (self.default.frame.left, self.default.frame.bottom, self.default.frame.side)
        return f"fit[{self.own.id}|{source_fingerprint(self.default.source)}|{frame}|{FIT_SIZE}]"

    def provenance(self) -> dict[str, str]:
        return self.own.provenance()

    def describe(self) -> str:
        return f"the default master's outlines fitted to the ink of {self.own.describe()}"

    def generate(self, codepoints: Sequence[int], progress: Callable[[int], None]) -> Iterator[Generated]:
        from fontcomplete.outlines.onto_ink import fit_outline  # scipy: loaded only when a designspace has a second master

        for start in range(0, len(codepoints), self.batch_size):
            batch = list(codepoints[start:start + self.batch_size])
            for cp, image in zip(batch, self.own.ink(batch)):
                yield Generated(cp, fit_outline(self.base[cp], image, self.frame))
                progress(1)


def _steadiness_job(job: tuple[np.ndarray, TraceSettings]) -> float:
    return steadiness(*job)


def generate_cached(cache: Cache, generator: Generator, codepoints: Sequence[int],
                    progress: Callable[[int], None] = lambda n: None) -> dict[int, Outline]:
    """The generator's outlines for the codepoints, from the cache where it has them; the rest generated and
    cached."""
    fingerprint = source_fingerprint(generator.source)
    keys = {cp: outline_key(generator.id, fingerprint, generator.source.cmap[cp], generator.frame, generator.trace)
            for cp in codepoints}
    outlines: dict[int, Outline] = {}
    for codepoint in codepoints:
        cached = cache.outline(keys[codepoint])
        if cached is not None:
            outlines[codepoint] = cached
            progress(1)
    misses = [cp for cp in codepoints if cp not in outlines]
    if misses:
        for glyph in generator.generate(misses, progress):
            cache.put_outline(keys[glyph.codepoint], glyph.outline)
            outlines[glyph.codepoint] = glyph.outline
    return outlines

"""How sure a generated glyph is: how well the target's own drawings of other characters rebuild it (a donor draft's
fit), times how steady the model's strokes and counters are across its views and trace thresholds
(fontcomplete.outlines.steadiness), so that a designer reviews the least sure glyphs first."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from fontcomplete.fonts.raster import render_many
from fontcomplete.generate.donors import DonorBank, Draft, map_drafts


@dataclass(frozen=True)
class Review:
    """A generated glyph's review figures: the best donor draft of its character from the target's own glyphs, and
    the steadiness of the model's drawing of it."""

    rebuilt: float  # 0..1: ink IoU of the donors' placed source renders with the character's source render
    donors: tuple[int, ...]  # the target's characters whose drawings rebuild it, one per region of the layout
    layout: str  # how the em box was cut into regions ("whole", "left-right@0.45", "enclose-full", …)
    steady: float | None = None  # 0..1: topology kept across the model's views and thresholds (None: not measured)

    @property
    def confidence(self) -> float:
        """0..1: rebuilt × steady (rebuilt alone where steadiness was not measured)."""
        return round(self.rebuilt * (1.0 if self.steady is None else self.steady), 4)

    def provenance(self) -> dict[str, str]:
        """The entries a glyph's provenance records: confidence and its two factors, donors (character and
        codepoint) and layout."""
        steady = {} if self.steady is None else {"steady": f"{self.steady:.2f}"}
        return {"confidence": f"{self.confidence:.2f}", "rebuilt": f"{self.rebuilt:.2f}", **steady,
                "donors": ", ".join(f"{chr(c)} U+{c:04X}" for c in self.donors), "layout": self.layout}


def _review_of(draft: Draft) -> Review:
    return Review(round(float(draft.confidence), 4), tuple(piece.donor for piece in draft.pieces), draft.layout)


def review_glyphs(bank: DonorBank, source, codepoints: Sequence[int], workers: int = 1) -> dict[int, Review]:
    """The review of each codepoint, drafted from `bank` (the target's designer-drawn glyphs) by its source render."""
    codepoints = list(codepoints)
    if not codepoints:
        return {}
    renders = render_many(source, [source.cmap[c] for c in codepoints], bank.size)
    return dict(zip(codepoints, map_drafts(bank, codepoints, renders, _review_of, workers)))


def least_sure_first(codepoints, reviews: Mapping[int, Review]) -> list[int]:
    """The codepoints by confidence, lowest first; those without a review last, by codepoint."""
    return sorted(codepoints, key=lambda c: (c not in reviews, reviews[c].confidence if c in reviews else 0.0, c))


def confidence_array(codepoints, reviews: Mapping[int, Review]) -> np.ndarray:
    """float64 (N,) confidences in `codepoints` order (NaN where a glyph has no review)."""
    return np.array([reviews[c].confidence if c in reviews else np.nan for c in codepoints])

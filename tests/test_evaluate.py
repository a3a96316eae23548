import numpy as np
from fixtures import make_ufo
from test_filter import SOURCE

from fontcomplete.complete.evaluate import evaluate, write_proof
from fontcomplete.fonts.font import open_font
from fontcomplete.fonts.raster import render_many
from fontcomplete.generate.donors import DonorBank

HELD = [ord(c) for c in "永字"]
DRAWN = [ord(c) for c in "八法一二"]


class TruthStylizer:
    """Returns the target's own render of each glyph (a perfect model), and records the exemplar bank it was given."""

    image_size = 64
    model_id = "truth"
    ink_threshold = None
    gap_opening = None
    validation_topology = None

    def __init__(self, target, codepoints):
        self.target, self.codepoints, self.bank = target, codepoints, None

    def with_target(self, source, target, codepoints):
        self.bank = set(codepoints)
        return self

    def donor_bank(self, source, target, codepoints):
        codes = sorted(codepoints)
        return DonorBank(codes, render_many(source, [source.cmap[c] for c in codes], self.image_size),
                         render_many(target, [target.cmap[c] for c in codes], self.image_size))

    def __call__(self, renders):
        names = [self.target.cmap[c] for c in self.codepoints[:len(renders)]]
        return render_many(self.target, names, self.image_size).astype(np.float32) / 255

    def views_ink(self, renders):
        return np.stack([self(renders)] * 3)  # three views that agree


def test_evaluate_scores_model_and_copy_and_never_shows_the_model_the_held_out(tmp_path):
    make_ufo(tmp_path / "Target.ufo", HELD + DRAWN)
    target, source = open_font(tmp_path / "Target.ufo"), open_font(SOURCE)
    stylizer = TruthStylizer(target, HELD)
    result = evaluate(target, source, HELD, stylizer, size=64, batch_size=8)
    assert set(DRAWN) <= stylizer.bank and not stylizer.bank & set(HELD)
    assert result.codepoints == HELD and result.model_id == "truth"
    model, copy = result.summary()["model"], result.summary()["copy"]
    assert model["iou_mean"] > 0.9 > copy["iou_mean"]  # traced truth vs a Noto glyph against rectangles
    assert set(result.reviews) == set(HELD)  # every held-out glyph reviewed, only from the designer's other glyphs
    assert all(set(r.donors) <= set(DRAWN) and 0 <= r.confidence <= 1 for r in result.reviews.values())
    assert result.confidence_figures()["least_sure_fifth_iou"] > 0.9
    pages = write_proof(result, tmp_path / "proof.png")
    from PIL import Image

    from fontcomplete.generate.proof import CELL_GAP, LABEL_HEIGHT, PAGE_MARGIN

    sheet = 255 - np.asarray(Image.open(pages[0]))
    size = 64  # the 64 px renders, shown as they are (larger ones are reduced to 96 px or less)
    cell_w = 3 * size + 2 * 2 + CELL_GAP
    assert len(pages) == 1 and sheet.shape[1] == 2 * PAGE_MARGIN + len(HELD) * cell_w
    for cell in range(len(HELD)):  # source | generated | truth: a perfect model's glyph is the truth
        x, y = PAGE_MARGIN + cell * cell_w, PAGE_MARGIN + LABEL_HEIGHT
        generated, truth = (sheet[y + 1:y + size - 1, x + k * (size + 2) + 1:x + k * (size + 2) + size - 1] > 127
                            for k in (1, 2))
        assert truth.sum() > 50 and (generated & truth).sum() / (generated | truth).sum() > 0.8


def test_confidence_figures_say_how_well_confidence_finds_the_wrong_topologies():
    from fontcomplete.complete.evaluate import Evaluation
    from fontcomplete.core.scores import GlyphScore
    from fontcomplete.generate.review import Review

    # four glyphs: the two with the designer's topology are the sure ones (green), a broken one yellow, a merged red
    pieces = {1: 0, 2: 0, 3: 1, 4: -1}
    steady = {1: 1.0, 2: 0.9, 3: 0.7, 4: 0.2}
    scores = [GlyphScore(c, 1 - c / 10, 0.8, 0.1, pieces[c]) for c in pieces]
    reviews = {c: Review(1.0, (9,), "whole", steady=steady[c]) for c in pieces}
    figures = Evaluation(list(pieces), {"model": scores, "copy": scores}, {}, reviews=reviews).confidence_figures()
    assert figures["auc_topology_ok"] == 1.0
    assert figures["bands"] == {"green": {"share": 0.5, "topology_ok": 1.0}, "yellow": {"share": 0.25, "topology_ok": 0.0},
                                "red": {"share": 0.25, "topology_ok": 0.0}}

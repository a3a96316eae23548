import numpy as np
from fixtures import make_ufo
from test_filter import SOURCE

from fontcomplete.evaluate import evaluate, write_proof
from fontcomplete.fonts import open_font
from fontcomplete.raster import render_many

HELD = [ord(c) for c in "永字"]
DRAWN = [ord(c) for c in "八法一二"]


class TruthStylizer:
    """Returns the target's own render of each glyph (a perfect model), and records the exemplar bank it was given."""

    image_size = 64
    model_id = "truth"
    ink_threshold = None

    def __init__(self, target, codepoints):
        self.target, self.codepoints, self.bank = target, codepoints, None

    def with_target(self, source, target, codepoints):
        self.bank = set(codepoints)
        return self

    def __call__(self, renders):
        names = [self.target.cmap[c] for c in self.codepoints[:len(renders)]]
        return render_many(self.target, names, self.image_size).astype(np.float32) / 255


def test_evaluate_scores_model_and_copy_and_never_shows_the_model_the_held_out(tmp_path):
    make_ufo(tmp_path / "Target.ufo", HELD + DRAWN)
    target, source = open_font(tmp_path / "Target.ufo"), open_font(SOURCE)
    stylizer = TruthStylizer(target, HELD)
    result = evaluate(target, source, HELD, stylizer, size=64, batch_size=8)
    assert set(DRAWN) <= stylizer.bank and not stylizer.bank & set(HELD)
    assert result.codepoints == HELD and result.model_id == "truth"
    model, copy = result.summary()["model"], result.summary()["copy"]
    assert model["iou_mean"] > 0.9 > copy["iou_mean"]  # traced truth vs a Noto glyph against rectangles
    pages = write_proof(result, tmp_path / "proof.png")
    assert pages and all(page.is_file() for page in pages)

import numpy as np
import pytest
import torch
from ml_fixtures import synthetic_pairs

from fontcomplete.core.errors import FontcompleteError
from fontcomplete.generate.stylize import VIEWS
from fontcomplete.ml.config import GeneratorConfig
from fontcomplete.ml.exemplars import ExemplarBank
from fontcomplete.ml.model_dir import ModelInfo
from fontcomplete.ml.stylizer import MAX_VIEWS, Stylizer, shifted, view_list


class SourceEcho(torch.nn.Module):
    """A shift-equivariant stand-in generator: its ink is the source channel."""

    def forward(self, x, styles):
        return x[:, :1], None


class FirstExemplarInk(torch.nn.Module):
    """Ink everywhere = the mean ink of the first exemplar's target render: tells which exemplars a view saw."""

    def forward(self, x, styles):
        return x[:, 2:3].mean((2, 3), keepdim=True).expand(-1, 1, *x.shape[2:]), None


def stylizer_of(generator, exemplars=0, views=1, bank=None):
    info = ModelInfo(128, GeneratorConfig(exemplars=exemplars), ("Style",), {})
    return Stylizer(generator, info, 0, torch.device("cpu"), 4, "m@0/Style", bank, views)


def test_views_are_the_unshifted_input_then_1_px_shifts():
    assert view_list(1) == ((0, 0),)
    assert view_list(5) == ((0, 0), (1, 0), (-1, 0), (0, 1), (0, -1))
    assert MAX_VIEWS == VIEWS  # the CLI's, filter's and designspace's default and limit
    for bad in (0, 6):
        with pytest.raises(FontcompleteError, match="views must be 1 to 5"):
            view_list(bad)


def test_shifted_moves_ink_and_fills_with_background():
    x = torch.zeros(1, 1, 5, 5)
    x[0, 0, 2, 4] = 1
    assert shifted(x, 1, 0)[0, 0, 3, 4] == 1 and shifted(x, 1, 0).sum() == 1
    assert shifted(x, 0, 1).sum() == 0  # moved out of the frame, nothing wraps around
    assert torch.equal(shifted(shifted(x, 0, -1), 0, 1), x)


def test_shifted_views_are_shifted_back_before_averaging():
    images = np.zeros((3, 128, 128), np.uint8)
    images[:, 30:90, 40:60] = 255
    images[2, 50:60, 127] = 255  # ink on the frame's edge is lost by the view that shifts it out
    out = stylizer_of(SourceEcho(), views=5)(images)
    assert np.array_equal(out[:2], images[:2] / 255)  # a misaligned average would blur the edges of the bar
    assert np.allclose(out[2, 50:60, 127], 4 / 5)
    single = stylizer_of(SourceEcho(), views=1)
    assert np.array_equal(single(images), images / 255) and single.model_id == "m@0/Style"
    assert stylizer_of(SourceEcho(), views=5).model_id == "m@0/Style+views5"


def test_each_view_of_an_exemplar_model_sees_another_exemplar_set_unshifted():
    pairs = synthetic_pairs(16)
    bank = ExemplarBank(pairs.sources[2:], pairs.targets[2:], 4)
    queries = pairs.sources[:2]
    ranked = bank.ranked(queries, None, 3)  # k = 4: one neighbour per half; view v takes rank v of each half
    first_ink = [bank.targets[ranked[:, rank, 0]].reshape(2, -1).mean(1) / 255 for rank in range(3)]
    one = stylizer_of(FirstExemplarInk(), 4, 1, bank)
    assert np.allclose(one(queries)[:, 64, 64], first_ink[0], atol=1e-6)
    three = stylizer_of(FirstExemplarInk(), 4, 3, bank)
    assert np.allclose(three(queries)[:, 64, 64], np.mean(first_ink, 0), atol=1e-6)
    assert three.model_id == "m@0/Style+exemplar-sets3" and one.model_id == "m@0/Style"



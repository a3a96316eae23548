import argparse

import numpy as np
import pytest
import torch
from fixtures import make_source_font, make_ufo
from ml_fixtures import synthetic_pairs, tiny_config  # noqa: F401  (one torch thread)

from fontcomplete.commands import train as train_command
from fontcomplete.core.errors import FontcompleteError
from fontcomplete.fonts.font import open_font
from fontcomplete.ml.data import Batches
from fontcomplete.ml.exemplars import ExemplarBank, bank_digest, rank_sets

CODES = list(range(0x4E00, 0x4E18))


def bank_of(pairs, k, styles=None):
    return ExemplarBank(pairs.sources, pairs.targets, k, styles)


def test_neighbours_are_the_nearest_other_drawings_of_the_same_style():
    pairs = synthetic_pairs(count=12)
    pairs.sources[5] = pairs.sources[3]  # two characters drawn the same in the source (a compatibility pair)
    bank = bank_of(pairs, 2)
    inside = bank.neighbours(pairs.sources, in_bank=True)
    assert all(i not in row for i, row in enumerate(inside))
    assert 5 not in inside[3] and 3 not in inside[5]
    outside = bank.neighbours(pairs.sources)  # a glyph to generate may have the same drawing as a bank glyph
    assert [row[0] for row in outside[:3]] == [0, 1, 2]
    shifted = np.roll(pairs.sources[7], 1, axis=1)[None]
    assert bank.neighbours(shifted)[0, 0] == 7

    styles = np.array([0] * 6 + [1] * 6)
    by_style = ExemplarBank(pairs.sources, pairs.targets, 2, styles).neighbours(pairs.sources, styles, in_bank=True)
    assert (styles[by_style] == styles[:, None]).all()


def test_channels_and_inputs_put_source_then_exemplar_source_and_target():
    pairs = synthetic_pairs(count=8)
    bank = bank_of(pairs, 2)
    indices = np.array([[1, 2], [3, 4]])
    channels = bank.channels(indices)
    assert channels.shape == (2, 4, 128, 128) and channels.dtype == np.uint8
    assert np.array_equal(channels[1, 0], pairs.sources[3]) and np.array_equal(channels[1, 1], pairs.targets[3])
    assert np.array_equal(channels[1, 2], pairs.sources[4]) and np.array_equal(channels[1, 3], pairs.targets[4])
    inputs = bank.inputs(pairs.sources[:3])
    assert inputs.shape == (3, 5, 128, 128) and np.array_equal(inputs[:, 0], pairs.sources[:3])
    assert len(bank_digest(bank)) == 12 and bank_digest(bank) != bank_digest(bank_of(synthetic_pairs(8, seed=1), 2))


def test_a_bank_needs_more_characters_than_exemplars():
    pairs = synthetic_pairs(count=3)
    with pytest.raises(FontcompleteError, match="too few"):
        bank_of(pairs, 3)


def test_batches_carry_the_exemplar_channels_and_shift_them_with_the_pair():
    pairs = synthetic_pairs(count=12)
    bank = bank_of(pairs, 1)
    neighbours = bank.neighbours(pairs.sources, in_bank=True)
    plain = Batches(pairs, 4, seed=3, exemplars=(bank, neighbours))
    source, target, _ = plain.get(0, torch.device("cpu"))
    index = plain.indices(0).numpy()
    assert source.shape == (4, 3, 128, 128) and target.shape == (4, 1, 128, 128)
    assert np.array_equal((source[:, 2] * 255).round().byte().numpy(), pairs.targets[neighbours[index, 0]])
    shifted, shifted_target, _ = Batches(pairs, 4, seed=3, jitter=3, exemplars=(bank, neighbours)).get(0, torch.device("cpu"))
    ink = lambda x: x.sum(dim=(-1, -2))  # noqa: E731  (a shift inside the frame keeps every channel's ink)
    assert torch.allclose(ink(shifted), ink(source)) and torch.allclose(ink(shifted_target), ink(target))


def run_train(*argv) -> int:
    parser = argparse.ArgumentParser()
    train_command.add_arguments(parser)
    return train_command.run(parser.parse_args([str(a) for a in argv]))


def test_exemplar_model_trains_and_fills_from_the_targets_own_glyphs(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    source = make_source_font(tmp_path / "source.otf", CODES)
    target = tmp_path / "target.ufo"
    make_ufo(target, CODES[:20])
    out = tmp_path / "run"
    assert run_train("--target", target, "--source", source, "--out", out, "--steps", "2", "--g-exemplars", "2",
                     "--g-ngf", "4", "--g-embedding-dim", "8", "--d-ndf", "4", "--batch-size", "4",
                     "--loss-const", "1", "--eval-count", "4", "--sample-count", "4", "--no-progress",
                     "--threads", "1", "--cache-dir", tmp_path / "cache") == 0

    from fontcomplete.generate.stylize import stylize_glyphs
    from fontcomplete.ml.stylizer import load_stylizer

    stylizer = load_stylizer(out / "best", device="cpu")
    assert stylizer.exemplars == 2
    renders = np.zeros((1, 128, 128), np.uint8)
    with pytest.raises(FontcompleteError, match="exemplars"):
        stylizer(renders)
    source_font, target_font = open_font(source), open_font(target)
    bound = stylizer.with_target(source_font, target_font, CODES[:10])
    assert bound.model_id.startswith(stylizer.base_id + "+exemplars@")
    assert bound.model_id.endswith("+exemplar-sets5") and stylizer.model_id.endswith("+exemplar-sets5")
    assert len(bound.bank.sources) == 10
    other = stylizer.with_target(source_font, target_font, CODES[:12])
    assert other.model_id != bound.model_id
    glyphs = list(stylize_glyphs(source_font, CODES[20:23], target_font.frame, bound, batch_size=2))
    assert [g.codepoint for g in glyphs] == CODES[20:23]


def test_exemplars_are_the_nearest_by_each_half_in_turn():
    pairs = synthetic_pairs(count=10)
    left, right = np.zeros((128, 128), np.uint8), np.zeros((128, 128), np.uint8)
    left[20:100, 10:40] = 255  # character 0: a left component only
    right[30:90, 80:120] = 255  # character 1: a right component only
    pairs.sources[0], pairs.sources[1] = left, right
    bank = bank_of(pairs, 2)
    assert bank.neighbours((left | right)[None]).tolist() == [[0, 1]]


def test_rank_sets_start_with_what_training_shows_and_skip_the_fewest_nearer_neighbours():
    assert rank_sets(8, 5) == ((0, 1), (0, 2), (0, 3), (1, 2), (0, 4))
    assert rank_sets(4, 3) == ((0,), (1,), (2,))
    assert rank_sets(12, 2) == ((0, 1, 2), (0, 1, 3))
    assert rank_sets(6, 1) == ((0, 1),)


def test_other_rank_sets_give_the_further_neighbours_of_each_half():
    pairs = synthetic_pairs(count=12)
    bank = bank_of(pairs, 4)
    queries = pairs.sources[:3]
    ranked = bank.ranked(queries, None, 3)
    assert ranked.shape == (3, 3, 4)
    assert np.array_equal(bank.neighbours(queries), ranked[:, 0])
    assert np.array_equal(bank.neighbours(queries, ranks=(2,)), ranked[:, 2])
    first, second = bank.inputs_per_set(queries, None, ((0,), (1,)))
    assert np.array_equal(first, bank.inputs(queries))
    assert np.array_equal(second[:, 2::2], pairs.targets[ranked[:, 1]])
    with pytest.raises(FontcompleteError, match="too few"):
        bank.neighbours(queries, ranks=(12,))
    with pytest.raises(ValueError, match="ranks per half"):
        bank.neighbours(queries, ranks=(0, 1))

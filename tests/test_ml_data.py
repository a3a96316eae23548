import io
import json

import numpy as np
import pytest
import torch
from fixtures import make_source_font, make_ufo
from ml_fixtures import synthetic_pairs

from fontcomplete.core.charsets import read_charset_file
from fontcomplete.fonts.font import open_font
from fontcomplete.ml.data import (
    Batches,
    build_pairs,
    drop_duplicates_of,
    interleave_styles,
    render_cached,
    split_holdout,
    write_charset,
)

CODES = list(range(0x4E00, 0x4E10))


@pytest.fixture
def fonts(tmp_path):
    source = open_font(make_source_font(tmp_path / "source.otf", CODES + [0x4E20]))
    target = open_font(make_ufo(tmp_path / "target.ufo", CODES[:12] + [0x4E30]) and tmp_path / "target.ufo")
    return source, target


def test_pairs_cover_shared_characters_and_drop_blank_glyphs(fonts, tmp_path):
    source, target = fonts
    pairs = build_pairs(source, [target, target], 128, tmp_path / "cache")
    assert sorted(set(pairs.codepoints.tolist())) == CODES[:12]  # 'space' is shared but blank: dropped
    assert pairs.sources.shape == (24, 128, 128) and pairs.sources.dtype == np.uint8
    assert sorted(set(pairs.style_ids.tolist())) == [0, 1]
    assert (pairs.targets.reshape(24, -1).max(1) == 255).all()


def test_render_cache_is_reused_and_not_pickle(fonts, tmp_path, monkeypatch):
    source, _ = fonts
    names = [source.cmap[c] for c in CODES[:3]]
    first = render_cached(source, names, 128, tmp_path / "cache")
    files = [p for p in (tmp_path / "cache").rglob("*") if p.is_file()]
    assert len(files) == 1 and files[0].relative_to(tmp_path / "cache").parts[0] == "renders"
    header, data = files[0].read_bytes().split(b"\n", 2)[1:]
    assert json.loads(header)["kind"] == "renders"
    with np.load(io.BytesIO(data), allow_pickle=False) as stored:  # plain arrays: nothing to unpickle
        assert np.array_equal(stored["array"], first)
    import fontcomplete.fonts.raster
    monkeypatch.setattr(fontcomplete.fonts.raster, "render_many", lambda *a: pytest.fail("cache not used"))
    assert np.array_equal(render_cached(source, names, 128, tmp_path / "cache"), first)


def test_holdout_from_a_set_or_a_seeded_fraction(tmp_path):
    pairs = synthetic_pairs(40)
    train, held = split_holdout(pairs, {0x4E00, 0x4E05, 0x9999}, 0.0, 0)
    assert sorted(held.codepoints.tolist()) == [0x4E00, 0x4E05] and len(train) == 38
    a = split_holdout(pairs, None, 0.25, seed=1)[1].codepoints
    b = split_holdout(pairs, None, 0.25, seed=1)[1].codepoints
    assert len(a) == 10 and np.array_equal(a, b)
    write_charset(tmp_path / "holdout.txt", held.codepoints)
    assert read_charset_file(tmp_path / "holdout.txt") == {0x4E00, 0x4E05}


def test_duplicate_targets_of_held_out_glyphs_are_not_trained_on():
    pairs = synthetic_pairs(6)
    pairs.targets[5] = pairs.targets[0]  # e.g. a compatibility ideograph drawn with the same glyph
    train, held = split_holdout(pairs, {0x4E00}, 0.0, 0)
    assert 0x4E05 not in drop_duplicates_of(train, held).codepoints


def test_batches_are_a_pure_function_of_seed_and_step():
    pairs = synthetic_pairs(20)
    a, b = Batches(pairs, 4, seed=3), Batches(pairs, 4, seed=3)
    assert torch.equal(a.indices(7), b.indices(7))
    epoch = torch.cat([a.indices(s) for s in range(a.steps_per_epoch)])
    assert len(set(epoch.tolist())) == 20  # each pair once per epoch
    source, target, styles = a.get(2, torch.device("cpu"))
    assert source.shape == (4, 1, 128, 128) and source.dtype == torch.float32 and float(source.max()) == 1.0


def test_ranks_get_disjoint_shards():
    pairs = synthetic_pairs(16)
    rank0, rank1 = Batches(pairs, 2, 0, rank=0, world=2), Batches(pairs, 2, 0, rank=1, world=2)
    assert not set(rank0.indices(0).tolist()) & set(rank1.indices(0).tolist())


def test_jitter_shifts_source_and_target_together():
    pairs = synthetic_pairs(8)
    pairs.targets[:] = pairs.sources
    source, target, _ = Batches(pairs, 8, 0, jitter=3).get(0, torch.device("cpu"))
    plain, _, _ = Batches(pairs, 8, 0).get(0, torch.device("cpu"))
    assert torch.equal(source, target) and not torch.equal(source, plain)


def test_held_out_pairs_interleave_styles_so_the_scored_prefix_covers_all():
    pairs = synthetic_pairs(count=7, styles=1)
    pairs.style_ids = np.array([0, 0, 0, 0, 1, 1, 2])
    mixed = interleave_styles(pairs)
    assert mixed.style_ids.tolist() == [0, 1, 2, 0, 1, 0, 0]
    assert mixed.codepoints.tolist() == [pairs.codepoints[i] for i in (0, 4, 6, 1, 5, 2, 3)]
    assert np.array_equal(mixed.targets[1], pairs.targets[4])


def test_the_render_cache_lives_under_fontcomplete_cache(monkeypatch, tmp_path):
    from fontcomplete.ml.data import default_cache_dir

    monkeypatch.setenv("FONTCOMPLETE_CACHE", str(tmp_path / "c"))
    assert default_cache_dir() == tmp_path / "c"

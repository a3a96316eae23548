import torch
from ml_fixtures import synthetic_pairs

from fontcomplete.ml.augment import mix_parts, step_generator, stretch_together
from fontcomplete.ml.data import Batches


def glyph_pair(left: int, right: int, size: int = 32):
    """A source with a bar in the left third valued `left` and one in the right third valued `right`; the target is
    the same plus 1 (so a source column and a target column can be traced to their sample)."""
    source = torch.zeros(1, size, size, dtype=torch.uint8)
    source[0, 4:28, 3:9], source[0, 4:28, 23:29] = left, right
    target = source.clone()
    target[target > 0] += 1
    return source, target


def test_a_mixed_sample_takes_source_and_target_beyond_the_same_cut_from_its_neighbour():
    pairs = [glyph_pair(10, 20), glyph_pair(30, 40)]
    source = torch.stack([p[0] for p in pairs])
    target = torch.stack([p[1] for p in pairs])
    mixed_source, mixed_target = mix_parts(step_generator(0, 0, 0, 1), 1.0, torch.zeros(2, dtype=torch.long),
                                           source, target)
    for i, j in ((0, 1), (1, 0)):
        values = {int(v) for v in mixed_source[i].unique()} - {0}
        if values == {10 if i == 0 else 30, 40 if i == 0 else 20}:  # cut down the gap between the bars
            assert torch.equal(mixed_target[i][mixed_source[i] > 0], mixed_source[i][mixed_source[i] > 0] + 1)
        else:  # cut across the rows: the bars' lower parts come from the neighbour, at the same row in both
            rows_from_neighbour = (mixed_source[i, 0] == source[j, 0]).all(1) & (source[i, 0] != source[j, 0]).any(1)
            cut = int(torch.nonzero(rows_from_neighbour)[0])
            assert torch.equal(mixed_source[i, :, cut:], source[j, :, cut:])
            assert torch.equal(mixed_target[i, :, cut:], target[j, :, cut:])
            assert torch.equal(mixed_target[i, :, :cut], target[i, :, :cut])
    assert torch.equal(source[0], glyph_pair(10, 20)[0])  # the inputs are left as they were


def diagonal_blocks(first: int, second: int, size: int = 32) -> torch.Tensor:
    """A block top left valued `first` and one bottom right valued `second`: a gap across and down the middle."""
    glyph = torch.zeros(1, size, size, dtype=torch.uint8)
    glyph[0, 3:12, 3:12], glyph[0, 20:29, 20:29] = first, second
    return glyph


def test_mix_cuts_where_the_glyphs_leave_a_gap():
    source = torch.stack([diagonal_blocks(10, 20), diagonal_blocks(30, 40)])
    for seed in range(20):
        mixed_source, mixed_target = mix_parts(step_generator(seed, 0, 0, 1), 1.0, torch.zeros(2, dtype=torch.long),
                                               source, source + 1)
        assert torch.equal(mixed_source[0], diagonal_blocks(10, 40))  # whole blocks: never cut through one
        assert torch.equal(mixed_target[0], diagonal_blocks(10, 40) + 1)


def test_no_mix_across_styles_or_at_share_zero():
    source = torch.stack([glyph_pair(10, 20)[0], glyph_pair(30, 40)[0]])
    target = source + 1
    styles = torch.tensor([0, 1])
    assert mix_parts(step_generator(0, 0, 0, 1), 1.0, styles, source, target)[0] is source
    assert mix_parts(step_generator(0, 0, 0, 1), 0.0, torch.zeros(2, dtype=torch.long), source, target)[0] is source


def test_batches_mix_reproducibly_and_leave_exemplar_free_channels_aligned():
    pairs = synthetic_pairs(16)
    plain = Batches(pairs, 8, 0).get(3, torch.device("cpu"))
    first = Batches(pairs, 8, 0, mix=1.0).get(3, torch.device("cpu"))
    again = Batches(pairs, 8, 0, mix=1.0).get(3, torch.device("cpu"))
    assert torch.equal(first[0], again[0]) and torch.equal(first[1], again[1])
    assert not torch.equal(first[0], plain[0])
    grown = torch.nn.functional.max_pool2d(first[0], 5, 1, 2)  # the fixture's targets are its sources grown 2 px
    assert (first[1] <= grown).all()


def test_stretch_scales_source_and_target_alike_about_the_centre():
    glyph = torch.zeros(4, 1, 64, 64, dtype=torch.uint8)
    glyph[:, :, 22:42, 12:52] = 255  # 40 wide, 20 tall, centred
    source, target = stretch_together(step_generator(0, 5, 0, 2), 0.3, glyph, glyph.clone())
    assert torch.equal(source, target)
    widths = (source[:, 0] > 127).any(1).sum(1)
    heights = (source[:, 0] > 127).any(2).sum(1)
    assert ((widths >= 28) & (widths <= 52)).all() and ((heights >= 14) & (heights <= 26)).all()
    assert len(set(widths.tolist()) | set(heights.tolist())) > 2  # each sample drew its own factors
    columns = torch.nonzero((source[0, 0] > 127).any(0)).flatten()
    assert abs((columns[0] + columns[-1]).item() / 2 - 31.5) <= 1  # still centred


def test_batches_stretch_only_when_asked():
    pairs = synthetic_pairs(16)
    plain = Batches(pairs, 8, 0).get(2, torch.device("cpu"))
    stretched = Batches(pairs, 8, 0, stretch=0.2).get(2, torch.device("cpu"))
    assert torch.equal(plain[0], Batches(pairs, 8, 0, stretch=0.0).get(2, torch.device("cpu"))[0])
    assert not torch.equal(plain[0], stretched[0])

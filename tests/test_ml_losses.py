import torch
from ml_fixtures import tiny_config  # noqa: F401

from fontcomplete.ml.config import LossConfig
from fontcomplete.ml.losses import cldice, discriminator_loss, generator_loss, nt_xent, soft_skeleton


def test_discriminator_loss_rewards_a_correct_discriminator():
    ids = torch.tensor([0, 1])
    good = discriminator_loss(LossConfig(), torch.full((2, 1), 9.0), torch.tensor([[9.0, -9], [-9, 9]]),
                              torch.full((2, 1), -9.0), torch.tensor([[9.0, -9], [-9, 9]]), ids)[0]
    bad = discriminator_loss(LossConfig(), torch.full((2, 1), -9.0), torch.tensor([[-9.0, 9], [9, -9]]),
                             torch.full((2, 1), 9.0), torch.tensor([[-9.0, 9], [9, -9]]), ids)[0]
    assert float(good) < 1e-3 < 5 < float(bad)


def test_discriminator_loss_weights():
    args = (torch.zeros(2, 1), torch.zeros(2, 3), torch.zeros(2, 1), torch.zeros(2, 3), torch.tensor([0, 2]))
    binary_only, terms = discriminator_loss(LossConfig(d_binary=1, d_category=0), *args)
    assert torch.isclose(binary_only, terms["d_binary"])
    both, _ = discriminator_loss(LossConfig(d_binary=2, d_category=3), *args)
    assert torch.isclose(both, 2 * terms["d_binary"] + 3 * terms["d_category"])


def test_generator_l1_is_against_the_target_and_zero_weights_skip_terms():
    fake, target = torch.zeros(2, 1, 8, 8), torch.ones(2, 1, 8, 8)
    total, terms = generator_loss(LossConfig(l1=100, const=0, cheat=0, category=0), fake, target,
                                  fake_binary=torch.zeros(2, 1))
    assert set(terms) == {"l1"} and float(total) == 100.0


def test_generator_loss_sums_weighted_terms():
    config = LossConfig(l1=2, const=3, cheat=1, category=1, contrastive=1)
    enc = torch.randn(4, 8, 1, 1)
    total, terms = generator_loss(config, torch.rand(4, 1, 8, 8), torch.rand(4, 1, 8, 8), source_encoding=enc,
                                  fake_encoding=enc + 0.1, target_encoding=enc, fake_binary=torch.zeros(4, 1),
                                  fake_category=torch.zeros(4, 2), style_ids=torch.tensor([0, 1, 0, 1]))
    assert set(terms) == {"l1", "const", "cheat", "category", "contrastive"}
    assert torch.isclose(total, sum(terms.values()))


def test_nt_xent_prefers_matching_pairs():
    a = torch.randn(8, 16)
    assert float(nt_xent(a, a + 0.01 * torch.randn(8, 16), 0.1)) < float(nt_xent(a, torch.randn(8, 16), 0.1))


def two_bars(bridge: bool = False, broken: bool = False) -> torch.Tensor:
    """Two 8 px horizontal strokes 6 px apart; optionally joined in the middle, or the top one cut."""
    ink = torch.zeros(1, 1, 64, 64)
    ink[..., 10:18, 8:56] = 1
    ink[..., 24:32, 8:56] = 1
    if bridge:
        ink[..., 18:24, 30:36] = 1
    if broken:
        ink[..., 10:18, 30:34] = 0
    return ink


def test_soft_skeleton_runs_down_the_middle_of_each_stroke():
    rows = soft_skeleton(two_bars(), 10)[0, 0, :, 30].nonzero().flatten().tolist()
    assert rows == [13, 14, 27, 28]


def test_cldice_punishes_strokes_run_together_and_broken_but_not_a_uniformly_bolder_glyph():
    truth = two_bars()
    assert float(cldice(truth, truth, 10)) == 0.0
    assert float(cldice(torch.nn.functional.max_pool2d(truth, 3, 1, 1), truth, 10)) < 1e-6
    assert float(cldice(two_bars(bridge=True), truth, 10)) > 0.02
    assert float(cldice(two_bars(broken=True), truth, 10)) > 0.02


def test_generator_loss_adds_cldice_only_when_weighted():
    fake, target = two_bars(bridge=True), two_bars()
    _, without = generator_loss(LossConfig(l1=1, const=0, cheat=0, category=0), fake, target)
    total, terms = generator_loss(LossConfig(l1=1, const=0, cheat=0, category=0, cldice=10), fake, target)
    assert "cldice" not in without and torch.isclose(terms["cldice"], 10 * cldice(fake, target, 10))
    assert torch.isclose(total, terms["l1"] + terms["cldice"])

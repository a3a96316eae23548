import torch
from ml_fixtures import tiny_config  # noqa: F401

from fontcomplete.ml.config import LossConfig
from fontcomplete.ml.losses import discriminator_loss, generator_loss, nt_xent


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

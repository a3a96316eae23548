import pytest
import torch
from ml_fixtures import tiny_config  # noqa: F401  (sets one torch thread)

from fontcomplete.ml.config import DiscriminatorConfig, GeneratorConfig, cpu_preset
from fontcomplete.ml.networks import (
    SUPPORTED_SIZES,
    Discriminator,
    Generator,
    SelfAttention,
    count_parameters,
    encoder_depth,
)


@pytest.mark.parametrize("size", SUPPORTED_SIZES)
def test_forward_shapes_for_every_size(size):
    generator = Generator(GeneratorConfig(ngf=2, max_mult=2, embedding_dim=4, attention_sizes=(size // 16,)), size, 3)
    discriminator = Discriminator(DiscriminatorConfig(ndf=2), size, 3)
    x = torch.rand(2, 1, size, size)
    image, encoding = generator(x, torch.tensor([0, 2]))
    assert image.shape == (2, 1, size, size)
    assert float(image.detach().min()) >= 0 and float(image.detach().max()) <= 1
    bottleneck = size >> encoder_depth(size)
    assert encoding.shape == (2, 4, bottleneck, bottleneck)
    assert torch.equal(generator.encode(x), encoding)
    binary, category = discriminator(x, image)
    assert binary.shape == (2, 1) and category.shape == (2, 3)


def test_depth_follows_size():
    assert [encoder_depth(s) for s in SUPPORTED_SIZES] == [7, 8, 7, 9]
    with pytest.raises(ValueError):
        encoder_depth(200)


def test_cpu_generator_is_the_11m_unet_of_the_design():
    config = cpu_preset()
    assert 10e6 < count_parameters(Generator(config.generator, 128, 1)) < 12e6


def test_style_changes_the_output():
    generator = Generator(GeneratorConfig(ngf=4, embedding_dim=8), 128, 2).eval()
    x = torch.rand(1, 1, 128, 128)
    a, _ = generator(x, torch.tensor([0]))
    b, _ = generator(x, torch.tensor([1]))
    assert not torch.equal(a, b)


def test_the_full_preset_builds_and_takes_a_step_on_cpu_at_a_tiny_width():
    """The GPU path: 256 px, self-attention at 32 and 16 px, 8 exemplars, every zi2zi loss, D every step."""
    import dataclasses

    from fontcomplete.ml.config import full_preset
    from fontcomplete.ml.trainer import Trainer

    full = full_preset()
    config = dataclasses.replace(full, batch_size=2, amp=False, channels_last=False, warmup_steps=0,
                                 generator=dataclasses.replace(full.generator, ngf=4, embedding_dim=8),
                                 discriminator=dataclasses.replace(full.discriminator, ndf=4))
    trainer = Trainer(config, 1, torch.device("cpu"))
    assert trainer.generator.in_channels == 17 and config.image_size == 256
    assert sum(isinstance(m, SelfAttention) for m in trainer.generator.modules()) == 4  # encoder and decoder
    source = torch.rand(2, 17, 256, 256)
    target = torch.rand(2, 1, 256, 256)
    before = [p.clone() for p in trainer.generator.parameters()]
    losses = trainer.step((source, target, torch.zeros(2, dtype=torch.long)), 0, 0.5)
    assert {"l1", "const", "cheat", "category", "d_binary", "d_category"} <= set(losses)
    assert all(torch.isfinite(v).all() for v in losses.values())
    assert any(not torch.equal(a, b) for a, b in zip(before, trainer.generator.parameters()))


def test_discriminator_has_no_redundant_final_conv():
    discriminator = Discriminator(DiscriminatorConfig(ndf=4), 128, 2)
    convs = [m for m in discriminator.features if isinstance(m, torch.nn.Conv2d)]
    assert convs[-1].out_channels == 1 and not any(c.in_channels == 1 and c.out_channels == 1 for c in convs)
    assert isinstance(discriminator.binary, torch.nn.Linear) and discriminator.category.out_features == 2


def test_attention_starts_as_identity():
    block = SelfAttention(16)
    x = torch.randn(2, 16, 8, 8)
    assert torch.equal(block(x), x)


def test_grow_styles_keeps_old_rows():
    generator = Generator(GeneratorConfig(ngf=4, embedding_dim=8), 128, 2)
    old = generator.embedding.weight.detach().clone()
    generator.grow_styles(5)
    assert generator.num_styles == 5
    assert torch.equal(generator.embedding.weight[:2], old)
    assert torch.allclose(generator.embedding.weight[4], old.mean(0))


@pytest.mark.parametrize("depth", [1, 5])
def test_shallow_generator_keeps_a_spatial_bottleneck(depth):
    config = GeneratorConfig(ngf=4, max_mult=2, embedding_dim=3, depth=depth)
    generator = Generator(config, 128, 2)
    image, encoding = generator(torch.rand(2, 1, 128, 128), torch.tensor([0, 1]))
    assert image.shape == (2, 1, 128, 128)
    assert encoding.shape[-1] == 128 >> depth
    with pytest.raises(ValueError):
        Generator(GeneratorConfig(depth=8), 128, 2)

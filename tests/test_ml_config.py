import argparse
import dataclasses

import pytest

from fontcomplete.ml.config import (
    PRESETS,
    GeneratorConfig,
    TrainConfig,
    add_config_arguments,
    apply_overrides,
    cpu_preset,
    from_dict,
    full_preset,
    to_dict,
)


def parse(*argv):
    parser = argparse.ArgumentParser()
    add_config_arguments(parser)
    return parser.parse_args(list(argv))


def test_every_field_is_a_flag_and_overrides_the_preset():
    args = parse("--batch-size", "8", "--g-ngf", "48", "--g-attention-sizes", "32", "16", "--g-exemplars", "4",
                 "--d-ndf", "24", "--loss-contrastive", "0.5", "--max-minutes", "30", "--no-amp")
    config = apply_overrides(cpu_preset(), args)
    assert config.batch_size == 8 and config.max_minutes == 30 and config.amp is False
    assert config.generator.ngf == 48 and config.generator.attention_sizes == (32, 16)
    assert config.generator.exemplars == 4 and config.discriminator.ndf == 24
    assert config.loss.contrastive == 0.5
    assert config.lr == cpu_preset().lr  # untouched flags keep the preset's value


def test_no_flags_keep_the_preset():
    for preset in PRESETS.values():
        assert apply_overrides(preset(), parse()) == preset()


def test_bad_choice_is_rejected_by_argparse():
    with pytest.raises(SystemExit):
        parse("--g-norm", "layer")


def test_json_round_trip():
    for config in (cpu_preset(), full_preset(), TrainConfig()):
        assert from_dict(TrainConfig, to_dict(config)) == config
    with pytest.raises(ValueError):
        from_dict(GeneratorConfig, {"ngf": 8, "colour": 1})


def test_invalid_values_raise():
    with pytest.raises(ValueError):
        dataclasses.replace(cpu_preset(), image_size=200)
    with pytest.raises(ValueError):
        dataclasses.replace(cpu_preset(), lr_floor=1.0)


def test_the_cpu_preset_builds_and_takes_a_step_as_it_is():
    import dataclasses

    import torch

    from fontcomplete.ml.trainer import Trainer

    config = dataclasses.replace(cpu_preset(), batch_size=2, amp=False, channels_last=False)
    trainer = Trainer(config, 1, torch.device("cpu"))
    channels = trainer.generator.in_channels
    batch = (torch.rand(2, channels, config.image_size, config.image_size),
             torch.rand(2, 1, config.image_size, config.image_size), torch.zeros(2, dtype=torch.long))
    losses = trainer.step(batch, 0, 0.9)  # late in the run: the discriminator's terms are on
    assert channels == 1 + 2 * config.generator.exemplars and all(torch.isfinite(v).all() for v in losses.values())
    assert "d_binary" in losses and full_preset().image_size > config.image_size


def test_a_saved_config_may_name_a_retired_option_only_at_its_off_value():
    from fontcomplete.ml.config import from_dict, to_dict

    saved = to_dict(GeneratorConfig())
    assert from_dict(GeneratorConfig, {**saved, "residual": False}) == GeneratorConfig()
    with pytest.raises(ValueError, match="residual = True: this option was retired"):
        from_dict(GeneratorConfig, {**saved, "residual": True})
    assert from_dict(GeneratorConfig, {**saved, "drafts": False, "dropout": 0.0, "norm": "batch"}) == GeneratorConfig()
    with pytest.raises(ValueError, match="drafts = True: this option was retired"):
        from_dict(GeneratorConfig, {**saved, "drafts": True})


def test_a_run_trained_on_distance_field_targets_cannot_be_resumed_as_coverage():
    """Its generator learned distance to the outline; resumed by this version it would be trained on coverage."""
    from fontcomplete.ml.config import TrainConfig, from_dict, to_dict

    saved = to_dict(TrainConfig())
    assert from_dict(TrainConfig, {**saved, "target_distance": 0.0}) == TrainConfig()
    with pytest.raises(ValueError, match="target_distance = 3.0: this option was retired"):
        from_dict(TrainConfig, {**saved, "target_distance": 3.0})

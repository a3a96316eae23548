import json
from pathlib import Path

import numpy as np
import pytest
import torch
from ml_fixtures import tiny_config

from fontcomplete.core.errors import FontcompleteError
from fontcomplete.ml.model_dir import ModelInfo, load_model, save_model, set_ink_thresholds
from fontcomplete.ml.networks import Generator
from fontcomplete.ml.stylizer import load_stylizer

DATA = Path(__file__).parent / "data"


def saved(tmp_path, categories=("Zen Maru", "Other")):
    config = tiny_config()
    generator = Generator(config.generator, 128, len(categories))
    with torch.no_grad():  # non-trivial BN statistics must survive the round trip too
        for module in generator.modules():
            if isinstance(module, torch.nn.BatchNorm2d):
                module.running_mean.uniform_()
    save_model(tmp_path, generator, ModelInfo(128, config.generator, tuple(categories), {"steps": 1}))
    return generator


def test_save_load_is_bit_exact(tmp_path):
    generator = saved(tmp_path)
    loaded, info = load_model(tmp_path)
    for name, value in generator.state_dict().items():
        assert torch.equal(value, loaded.state_dict()[name]), name
    assert info.categories == ("Zen Maru", "Other") and info.generator == tiny_config().generator
    x = torch.rand(2, 1, 128, 128)
    with torch.no_grad():
        assert torch.equal(generator.eval()(x, torch.tensor([0, 1]))[0], loaded(x, torch.tensor([0, 1]))[0])


def test_stylizer_contract(tmp_path):
    saved(tmp_path)
    stylizer = load_stylizer(tmp_path, style="Other", device="cpu", batch_size=3)
    assert stylizer.image_size == 128 and stylizer.style == "Other" and "Other" in stylizer.model_id
    images = np.random.default_rng(0).integers(0, 256, (5, 128, 128), dtype=np.uint8)
    out = stylizer(images)
    assert out.shape == (5, 128, 128) and out.dtype == np.float32 and 0 <= out.min() and out.max() <= 1
    assert np.array_equal(out[3:], stylizer(images[3:]))  # batch-independent (eval-mode BN)
    with pytest.raises(FontcompleteError, match="shape"):
        stylizer(images[:, :64, :64])


def test_style_must_be_named_when_there_are_several(tmp_path):
    saved(tmp_path)
    with pytest.raises(FontcompleteError, match="--style"):
        load_stylizer(tmp_path, device="cpu")
    with pytest.raises(FontcompleteError, match="not in this model"):
        load_stylizer(tmp_path, style="Comic", device="cpu")
    with pytest.raises(FontcompleteError, match="--style"):
        load_stylizer(tmp_path, device="cpu", target_name="Comic Regular")


def test_a_target_named_like_a_style_picks_it(tmp_path):
    saved(tmp_path)
    assert load_stylizer(tmp_path, device="cpu", target_name="Other").style == "Other"
    assert load_stylizer(tmp_path, style="Zen Maru", device="cpu", target_name="Other").style == "Zen Maru"


@pytest.mark.parametrize("damage, message", [
    (lambda d: (d / "config.json").unlink(), "no config.json"),
    (lambda d: (d / "model.safetensors").unlink(), "no model.safetensors"),
    (lambda d: (d / "config.json").write_text("{"), "not readable JSON"),
    (lambda d: (d / "model.safetensors").write_bytes(b"\x80\x04pickle"), "not a readable safetensors"),
    (lambda d: _edit(d, generator={"ngf": 8}), "does not match the architecture"),
    (lambda d: _edit(d, image_size=256), "does not match the architecture"),
    (lambda d: _edit(d, frame="bbox-centred"), "frame"),
    (lambda d: _edit(d, format_version=99), "upgrade"),
    (lambda d: _edit(d, format="zi2zi"), "not a fontcomplete model"),
    (lambda d: _edit(d, ink_thresholds={"Zen Maru": 1.5}), "ink_thresholds"),
    (lambda d: _edit(d, ink_thresholds={"Nope": 0.4}), "ink_thresholds"),
])
def test_incompatible_model_dirs_give_clear_errors(tmp_path, damage, message):
    saved(tmp_path)
    damage(tmp_path)
    with pytest.raises(FontcompleteError, match=message):
        load_model(tmp_path)


def test_missing_directory(tmp_path):
    with pytest.raises(FontcompleteError, match="not found"):
        load_model(tmp_path / "nope")


def _edit(directory, **changes):
    path = directory / "config.json"
    data = json.loads(path.read_text())
    for key, value in changes.items():
        data[key] = dict(data[key], **value) if isinstance(value, dict) else value
    path.write_text(json.dumps(data))


def test_export_picks_best_and_halves_the_weights(tmp_path):
    from fontcomplete.cli import main
    from fontcomplete.ml.model_dir import WEIGHTS

    run_dir = tmp_path / "run"
    saved(run_dir)  # the last checkpoint
    best = saved(run_dir / "best")  # a different generator: the one export must pick
    assert main(["export", str(run_dir), str(tmp_path / "half"), "--half"]) == 0
    loaded, info = load_model(tmp_path / "half")
    assert info.categories == ("Zen Maru", "Other") and info.training == {"steps": 1}
    assert (tmp_path / "half" / WEIGHTS).stat().st_size < 0.6 * (run_dir / "best" / WEIGHTS).stat().st_size
    x = torch.rand(2, 1, 128, 128)
    with torch.no_grad():
        difference = (best.eval()(x, torch.tensor([0, 1]))[0] - loaded(x, torch.tensor([0, 1]))[0]).abs().max()
    assert 0 < float(difference) < 0.02  # float16 rounding, not a different model


def test_export_refuses_to_write_into_a_folder_that_is_not_a_model(tmp_path):
    from fontcomplete.cli import main

    saved(tmp_path / "run")
    (tmp_path / "dest").mkdir()
    (tmp_path / "dest" / "notes.txt").write_text("mine")
    assert main(["export", str(tmp_path / "run"), str(tmp_path / "dest")]) == 2
    assert [p.name for p in (tmp_path / "dest").iterdir()] == ["notes.txt"]


def test_model_files_get_the_mode_of_plain_files(tmp_path):
    import os

    saved(tmp_path)
    mask = os.umask(0o022)
    os.umask(mask)
    for name in ("model.safetensors", "config.json"):
        assert (tmp_path / name).stat().st_mode & 0o777 == 0o666 & ~mask


def test_export_keeps_only_the_named_style_with_its_exact_output(tmp_path):
    from fontcomplete.cli import main

    generator = saved(tmp_path / "run", categories=("Base A", "Base B", "Zen Maru"))
    set_ink_thresholds(tmp_path / "run", {"Base A": 0.35, "Zen Maru": 0.4}, {})
    (tmp_path / "dest").mkdir()
    (tmp_path / "dest" / "README.md").write_text("card")  # a folder holding only the model card is fine
    assert main(["export", str(tmp_path / "run"), str(tmp_path / "dest"), "--style", "Zen Maru"]) == 0
    loaded, info = load_model(tmp_path / "dest")
    assert info.categories == ("Zen Maru",) and loaded.num_styles == 1 and info.ink_thresholds == {"Zen Maru": 0.4}
    assert load_stylizer(tmp_path / "dest", device="cpu").ink_threshold == 0.4
    assert load_stylizer(tmp_path / "run", style="Base B", device="cpu").ink_threshold is None
    assert (tmp_path / "dest" / "README.md").read_text() == "card"
    x = torch.rand(2, 1, 128, 128)
    with torch.no_grad():
        assert torch.equal(generator.eval()(x, torch.tensor([2, 2]))[0], loaded(x, torch.tensor([0, 0]))[0])
    assert main(["export", str(tmp_path / "run"), str(tmp_path / "other"), "--style", "Nope"]) == 2


def test_a_model_weaker_than_the_paste_on_its_validation_glyphs_says_so_when_it_fills(tmp_path):
    from fontcomplete.fonts.font import open_font
    from fontcomplete.generate.generators import Model
    from fontcomplete.outlines.trace import TraceSettings

    saved(tmp_path, categories=("Kai", "Gothic"))
    calibration = {style: {"paste": {"topology_ok": 0.28}, "topology_ok": {"0.20/0": topo, "0.50/6": 0.1}}
                   for style, topo in (("Kai", 0.14), ("Gothic", 0.55))}
    set_ink_thresholds(tmp_path, {"Kai": 0.2, "Gothic": 0.2}, calibration, {"Kai": 0.0, "Gothic": 0.0})
    source = open_font(DATA / "NotoSansTC-Subset.otf")

    def described(style):
        stylizer = load_stylizer(tmp_path, style=style, device="cpu")
        return Model(source, source.frame, stylizer, TraceSettings(threshold=0.2, open_gaps=0.0), source,
                     frozenset()).describe()

    assert load_stylizer(tmp_path, style="Kai", device="cpu").validation_topology == (0.14, 0.28)
    assert "WARNING" in described("Kai") and "14% of the glyphs, a paste of the source 28%" in described("Kai")
    assert "WARNING" not in described("Gothic")
    from fontcomplete.cli import main

    assert main(["export", str(tmp_path), str(tmp_path / "kai"), "--style", "Kai"]) == 0  # an exported model keeps saying so
    assert load_stylizer(tmp_path / "kai", device="cpu").validation_topology == (0.14, 0.28)

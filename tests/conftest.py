"""Fixtures every test module shares: an isolated cache, a fresh model cache per test, a tiny saved model."""

from __future__ import annotations

import pytest

import fontcomplete.complete.engine


@pytest.fixture(scope="session", autouse=True)
def isolated_cache(tmp_path_factory):
    """Outline and render caches in a temporary directory, never the user's ~/.cache/fontcomplete."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("FONTCOMPLETE_CACHE", str(tmp_path_factory.mktemp("cache")))
        yield


@pytest.fixture(autouse=True)
def fresh_models(monkeypatch):
    """Each test loads its own models: the engine keeps loaded models for the life of a process."""
    monkeypatch.setattr(fontcomplete.complete.engine, "_STYLIZERS", {})


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
    """A small untrained generator saved as a model directory (one style, 128 px)."""
    import torch
    from ml_fixtures import tiny_config

    from fontcomplete.ml.model_dir import ModelInfo, save_model
    from fontcomplete.ml.networks import Generator

    directory = tmp_path_factory.mktemp("model")
    config = tiny_config()
    torch.manual_seed(0)
    generator = Generator(config.generator, 128, 1)
    save_model(directory, generator, ModelInfo(128, config.generator, ("Fixture Regular",), {"steps": 1}))
    return directory

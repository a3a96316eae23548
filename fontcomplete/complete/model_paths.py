"""Where models are: a model directory given as a path, or the name of one shipped with the package."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from fontcomplete.core.errors import FontcompleteError


def shipped_models_dir() -> Path:
    """Where the models of models/ are: installed as fontcomplete/models, or the checkout's models/."""
    spec = importlib.util.find_spec("fontcomplete.models")
    for location in (spec.submodule_search_locations or []) if spec else []:
        if Path(location).is_dir():
            return Path(location)
    return Path(__file__).resolve().parents[2] / "models"


def resolve_model_dir(spec: str) -> Path:
    """A model directory given as a path, or the name of a model shipped in models/."""
    path, shipped_dir = Path(spec), shipped_models_dir()
    if path.is_dir():
        return path
    if (shipped_dir / spec / "config.json").is_file():
        return shipped_dir / spec
    shipped = sorted(p.name for p in shipped_dir.iterdir() if (p / "config.json").is_file()) \
        if shipped_dir.is_dir() else []
    raise FontcompleteError(f"model {spec!r} is neither a directory nor a shipped model ({', '.join(shipped) or 'none'})"
                            " nor 'copy'")


def open_model(model: str, style: str | None = None, device: str = "auto", views: int | None = None,
                  target_name: str | None = None):
    """The model (this is where torch is first imported). Without `style`, a model with several styles uses the one
    named like the target (`target_name`)."""
    model_dir = resolve_model_dir(model)
    try:
        from fontcomplete.ml.stylizer import DEFAULT_VIEWS
        from fontcomplete.ml.stylizer import load_stylizer as load
    except ImportError as error:
        raise FontcompleteError(f"model {model!r} needs torch, which cannot be imported: {error}") from None
    return load(model_dir, style=style, device=device, target_name=target_name,
                views=DEFAULT_VIEWS if views is None else views)

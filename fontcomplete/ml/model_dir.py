"""A model directory: generator weights (model.safetensors) + config.json; never unpickles anything."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from pathlib import Path

import torch
from safetensors import SafetensorError, safe_open
from safetensors.torch import load_file, save_file

from fontcomplete.core.errors import FontcompleteError
from fontcomplete.ml.config import GeneratorConfig, from_dict, to_dict
from fontcomplete.ml.networks import SUPPORTED_SIZES, Generator
from fontcomplete.storage.atomic import write_atomic, write_text_atomic

FORMAT = "fontcomplete-model"
FORMAT_VERSION = 1
WEIGHTS = "model.safetensors"
CONFIG = "config.json"
CARD = "README.md"  # the model card
VALIDATION, HOLDOUT = "validation.txt", "holdout.txt"  # a run's characters never trained on (see ml.run)
RUN_CHARSETS = (VALIDATION, HOLDOUT)
FRAME = "em-box"  # x 0..UPM, y typo descender..ascender, row 0 = top; source and output alike


@dataclass(frozen=True)
class ModelInfo:
    """What config.json says about a generator."""

    image_size: int
    generator: GeneratorConfig
    categories: tuple[str, ...]
    training: dict
    ink_thresholds: dict[str, float] = field(default_factory=dict)  # per style, calibrated after training
    gap_openings: dict[str, float] = field(default_factory=dict)  # per style, calibrated with the thresholds
    validation_topology: dict[str, tuple[float, float]] = field(default_factory=dict)  # per calibrated style: the
    # topology-ok share of its validation glyphs at the calibrated setting, and of the paste of the source

    def style_id(self, style: str | None, target_name: str | None = None) -> int:
        """Index of a category by name (or by number); None means the only one, or the one named like the target."""
        if style is None and target_name in self.categories:
            return self.categories.index(target_name)
        if style is None:
            if len(self.categories) != 1:
                raise FontcompleteError(f"this model has {len(self.categories)} styles; pick one with --style "
                                        f"({', '.join(self.categories)})")
            return 0
        if style in self.categories:
            return self.categories.index(style)
        if style.isdigit() and int(style) < len(self.categories):
            return int(style)
        raise FontcompleteError(f"style {style!r} is not in this model ({', '.join(self.categories)})")


def save_model(directory: Path, generator: Generator, info: ModelInfo, half: bool = False) -> None:
    """Write model.safetensors (floating tensors as float16 when `half`), then config.json, each atomically."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    weights = {name: t.detach().to("cpu", torch.float16 if half and t.is_floating_point() else t.dtype,
                                   copy=True).contiguous()
               for name, t in generator.state_dict().items()}
    write_atomic(directory / WEIGHTS, lambda temp: save_file(weights, str(temp), metadata={"format": FORMAT}))
    config = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "frame": FRAME,
        "image_size": info.image_size,
        "input": "source glyph ink, uint8 255 = ink, image_size px over the source font's em box",
        "output": "ink coverage 0..1 over the target font's em box (sigmoid of the generator's logits)",
        "generator": to_dict(info.generator),
        "categories": list(info.categories),
        "training": info.training,
        "ink_thresholds": info.ink_thresholds,
        "gap_openings": info.gap_openings,
        "validation_topology": {style: list(figures) for style, figures in info.validation_topology.items()},
    }
    write_text_atomic(directory / CONFIG, json.dumps(config, indent=2, ensure_ascii=False) + "\n")


def read_info(directory: Path) -> ModelInfo:
    """Parse and check config.json of a model directory."""
    directory = Path(directory)
    path = directory / CONFIG
    if not directory.is_dir():
        raise FontcompleteError(f"model directory not found: {directory}")
    if not path.is_file():
        raise FontcompleteError(f"{directory} is not a fontcomplete model directory (no {CONFIG})")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise FontcompleteError(f"{path} is not readable JSON: {error}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise FontcompleteError(f"{path} is not a fontcomplete model config (format != {FORMAT!r})")
    if not isinstance(data.get("format_version", 0), int):
        raise FontcompleteError(f"{path}: format_version must be an integer")
    if data.get("format_version", 0) > FORMAT_VERSION:
        raise FontcompleteError(f"{path} has model format {data.get('format_version')}; this fontcomplete reads "
                                f"up to {FORMAT_VERSION}: upgrade fontcomplete")
    if data.get("frame") != FRAME:
        raise FontcompleteError(f"{path}: model frame {data.get('frame')!r} is not the {FRAME!r} frame fill uses")
    try:
        size = int(data["image_size"])
        generator = from_dict(GeneratorConfig, data["generator"])
        categories = tuple(str(c) for c in data["categories"])
        thresholds = {str(k): float(v) for k, v in data.get("ink_thresholds", {}).items()}
        gaps = {str(k): float(v) for k, v in data.get("gap_openings", {}).items()}
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise FontcompleteError(f"{path}: invalid model config ({error})") from None
    if size not in SUPPORTED_SIZES or not categories:
        raise FontcompleteError(f"{path}: invalid image_size {size} or empty categories")
    if any(k not in categories or not 0 < v < 1 for k, v in thresholds.items()):
        raise FontcompleteError(f"{path}: ink_thresholds must map the model's styles to values between 0 and 1")
    if any(k not in categories or not 0 <= v <= 100 for k, v in gaps.items()):
        raise FontcompleteError(f"{path}: gap_openings must map the model's styles to values between 0 and 100")
    return ModelInfo(size, generator, categories, data.get("training", {}), thresholds, gaps,
                     validation_topology(data, thresholds, gaps))


def validation_topology(data: dict, thresholds: dict[str, float], gaps: dict[str, float]) -> dict:
    """Per calibrated style, (the model's, the paste's) topology-ok share on the validation characters: from the
    calibration table in config.json, else as an exported model recorded them (styles calibrated before the paste
    was recorded are left out)."""
    found = {}
    for style, figures in (data.get("validation_topology") or {}).items():
        try:
            found[str(style)] = (float(figures[0]), float(figures[1]))
        except (IndexError, TypeError, ValueError):
            raise FontcompleteError(f"validation_topology of {style!r} must be two shares") from None
    for style, threshold in thresholds.items():
        table = data.get("ink_threshold_calibration", {}).get(style, {})
        try:
            found[style] = (float(table["topology_ok"][f"{threshold:.2f}/{gaps.get(style, 0.0):g}"]),
                            float(table["paste"]["topology_ok"]))
        except (KeyError, TypeError, ValueError):
            continue
    return found


def set_ink_thresholds(directory: Path, thresholds: dict[str, float], calibration: dict,
                       gap_openings: dict[str, float] | None = None) -> None:
    """Record calibrated trace thresholds and gap openings (and the tables they were chosen from) in a model's
    config.json."""
    path = Path(directory) / CONFIG
    data = json.loads(path.read_text(encoding="utf-8"))
    data["ink_thresholds"] = {**data.get("ink_thresholds", {}), **thresholds}
    data["gap_openings"] = {**data.get("gap_openings", {}), **(gap_openings or {})}
    data["ink_threshold_calibration"] = {**data.get("ink_threshold_calibration", {}), **calibration}
    write_text_atomic(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def load_model(directory: Path, device: torch.device | str = "cpu") -> tuple[Generator, ModelInfo]:
    """Build the generator config.json describes and load model.safetensors into it (strictly)."""
    info = read_info(directory)
    path = Path(directory) / WEIGHTS
    if not path.is_file():
        raise FontcompleteError(f"{directory} has {CONFIG} but no {WEIGHTS}")
    _check_shapes(path, info)  # from the file's header and a weightless network: nothing is allocated yet
    try:
        weights = load_file(path, device="cpu")
    except (SafetensorError, OSError, ValueError) as error:
        raise FontcompleteError(f"{path} is not a readable safetensors file: {error}") from None
    generator = Generator(info.generator, info.image_size, len(info.categories))
    generator.load_state_dict(weights, strict=True)
    return generator.to(device).eval(), info


def _check_shapes(path: Path, info: ModelInfo) -> None:
    """The tensors in the weights file must be exactly those of the architecture config.json describes."""
    try:
        with safe_open(path, framework="pt") as weights_file:
            stored = {key: tuple(weights_file.get_slice(key).get_shape()) for key in weights_file.keys()}
    except (SafetensorError, OSError, ValueError) as error:
        raise FontcompleteError(f"{path} is not a readable safetensors file: {error}") from None
    try:
        with torch.device("meta"):
            skeleton = Generator(info.generator, info.image_size, len(info.categories))
    except ValueError as error:
        raise FontcompleteError(f"{path.parent / CONFIG}: invalid model config ({error})") from None
    expected = {key: tuple(tensor.shape) for key, tensor in skeleton.state_dict().items()}
    missing = sorted(set(expected) - set(stored))
    unexpected = sorted(set(stored) - set(expected))
    wrong = sorted(k for k in set(expected) & set(stored) if expected[k] != stored[k])
    if missing or unexpected or wrong:
        detail = "; ".join(f"{label}: {', '.join(keys[:3])}{' …' if len(keys) > 3 else ''}"
                           for label, keys in (("missing", missing), ("unexpected", unexpected),
                                               ("wrong shape", wrong)) if keys)
        raise FontcompleteError(f"{path} does not match the architecture in {CONFIG} ({detail})")


def run_file(model_dir: Path, name: str) -> Path | None:
    """`name` in a model directory or its parent (a run's best/ checkpoint sits one level down), if either has it."""
    return next((p for p in (Path(model_dir) / name, Path(model_dir).parent / name) if p.is_file()), None)


def export_model(source: Path, dest: Path, half: bool = False, styles: list[str] | None = None) -> ModelInfo:
    """Copy a model directory's generator and config to `dest`, optionally as float16 and with only the named
    styles; of the rest of a run only the lists of characters it never trained on (RUN_CHARSETS), which
    `calibrate` and `eval` read. `dest` may be new, empty, a model directory, or hold just a model card."""
    dest = Path(dest)
    if dest.exists() and not (dest / CONFIG).is_file() and {p.name for p in dest.iterdir()} - {CARD}:
        raise FontcompleteError(f"{dest} exists and is not a model directory; choose an empty or new directory")
    generator, info = load_model(source, "cpu")
    if styles:
        keep = [info.style_id(name) for name in styles]
        generator.keep_styles(keep)
        kept = tuple(info.categories[i] for i in keep)
        info = dataclasses.replace(info, categories=kept,
                                   ink_thresholds={k: v for k, v in info.ink_thresholds.items() if k in kept},
                                   gap_openings={k: v for k, v in info.gap_openings.items() if k in kept},
                                   validation_topology={k: v for k, v in info.validation_topology.items()
                                                        if k in kept})
    save_model(dest, generator, info, half=half)
    for name in RUN_CHARSETS:
        found = run_file(source, name)
        if found is not None:
            write_text_atomic(dest / name, found.read_text(encoding="utf-8"))
    return info

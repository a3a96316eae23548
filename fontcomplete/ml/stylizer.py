"""The stylizer fill uses: a trained generator as a batched uint8[N,S,S] → float32 ink[N,S,S] callable."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from fontcomplete.core.errors import FontcompleteError
from fontcomplete.ml.data import default_cache_dir
from fontcomplete.ml.exemplars import ExemplarBank, rank_sets, renders_digest, target_renders
from fontcomplete.ml.model_dir import WEIGHTS, ModelInfo, load_model

SHIFTS = ((0, 0), (1, 0), (-1, 0), (0, 1), (0, -1))  # (dy, dx) px of the views of a model without exemplars
MAX_VIEWS = DEFAULT_VIEWS = len(SHIFTS)


def view_list(count: int) -> tuple[tuple[int, int], ...]:
    """The (dy, dx) shifts of the first `count` views: unshifted, then 1 px down, up, right, left."""
    if not 1 <= count <= MAX_VIEWS:
        raise FontcompleteError(f"views must be 1 to {MAX_VIEWS}, not {count}")
    return SHIFTS[:count]


def shifted(x: torch.Tensor, dy: int, dx: int) -> torch.Tensor:
    """(…, H, W) moved dy px down and dx px right; background (0) fills what comes in."""
    return F.pad(x, (dx, -dx, dy, -dy)) if dy or dx else x


def pick_device(device: str = "auto") -> torch.device:
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise FontcompleteError("--device cuda was asked for but torch sees no CUDA GPU")
    try:
        return torch.device(device)
    except RuntimeError as error:
        raise FontcompleteError(f"unknown device {device!r}: {error}") from None


class Stylizer:
    """Call with uint8 (N, S, S) source renders (255 = ink, em-box frame, S = image_size); get float32 ink 0..1.

    Each glyph's ink is the mean of the generator over `views` views of its input. A model with exemplars sees
    the glyph beside a different set of the target's glyphs in each view (exemplars.rank_sets: the nearest
    neighbours, then sets that skip some of them); a model without sees it as it is and shifted 1 px each way
    (each output shifted back before the mean).
    """

    def __init__(self, generator: torch.nn.Module, info: ModelInfo, style_id: int, device: torch.device,
                 batch_size: int, model_id: str = "model", bank: ExemplarBank | None = None,
                 views: int = DEFAULT_VIEWS, renders: tuple | None = None):
        self.generator, self.info, self.style_id, self.base_id = generator, info, style_id, model_id
        self.device, self.batch_size = device, max(int(batch_size), 1)
        self.image_size = info.image_size
        self.half = device.type == "cuda"
        self.bank = bank  # the target's glyphs it reads as exemplars (with_target)
        self.views = view_list(views)
        self.renders = renders  # (codepoints, target_renders()) that with_target read the target's glyphs from

    @property
    def model_id(self) -> str:
        """Provenance of the glyphs it generates: model, style, exemplar bank, and views when more than one."""
        if len(self.views) == 1:
            return self.base_id
        return f"{self.base_id}+{'exemplar-sets' if self.exemplars else 'views'}{len(self.views)}"

    @property
    def exemplars(self) -> int:
        """How many of the target's own glyphs the model looks at per generated glyph (0: none)."""
        return self.info.generator.exemplars

    def with_target(self, source, target, codepoints) -> Stylizer:
        """This model drawing on the target's glyphs for `codepoints` (designer-drawn ones) as exemplars.

        Returns self when the model reads none. The renders' digest joins the model id, so outline caches and
        provenance tell fills from different target glyph sets apart.
        """
        if not self.exemplars:
            return self
        codes, sources, targets = target_renders(source, target, codepoints, self.image_size, default_cache_dir())
        return Stylizer(self.generator, self.info, self.style_id, self.device, self.batch_size,
                        f"{self.base_id}+exemplars@{renders_digest(sources, targets)}",
                        ExemplarBank(sources, targets, self.exemplars), len(self.views),
                        (frozenset(codepoints), (codes, sources, targets)))

    def donor_bank(self, source, target, codepoints):
        """The target's glyphs for `codepoints` (designer-drawn ones) as a fontcomplete.generate.donors.DonorBank at this
        model's size: from the renders with_target read, else read now."""
        from fontcomplete.generate.donors import DonorBank

        if self.renders is not None and self.renders[0] == frozenset(codepoints):
            return DonorBank(*self.renders[1])
        return DonorBank(*target_renders(source, target, codepoints, self.image_size, default_cache_dir()))

    @property
    def style(self) -> str:
        return self.info.categories[self.style_id]

    @property
    def ink_threshold(self) -> float | None:
        """The trace threshold calibrated for this style on the run's validation characters (None: not calibrated)."""
        return self.info.ink_thresholds.get(self.style)

    @property
    def validation_topology(self) -> tuple[float, float] | None:
        """(the model's, the paste's) topology-ok share on the run's validation characters, as calibrated."""
        return self.info.validation_topology.get(self.style)

    @property
    def gap_opening(self) -> float | None:
        """The gap opening strength calibrated with the threshold (None: not calibrated, no opening)."""
        return self.info.gap_openings.get(self.style)

    def __call__(self, images: np.ndarray) -> np.ndarray:
        """float32 (N, S, S) ink in 0..1 of uint8 source renders: the mean of the model's views."""
        return self.views_ink(images).mean(axis=0)  # each view is clamped to 0..1 already

    @torch.inference_mode()
    def views_ink(self, images: np.ndarray) -> np.ndarray:
        """float32 (V, N, S, S): each view's ink of uint8 (N, S, S) source renders."""
        images = np.asarray(images)
        if images.ndim != 3 or images.shape[1:] != (self.image_size, self.image_size) or images.dtype != np.uint8:
            raise FontcompleteError(f"the model takes uint8 renders of shape (N, {self.image_size}, "
                                    f"{self.image_size}); got {images.dtype} {images.shape}")
        if self.exemplars and self.bank is None:
            raise FontcompleteError(f"model {self.model_id} draws on the target's own glyphs ({self.exemplars} "
                                    "exemplars each) and was given none")
        out = np.empty((len(self.views), *images.shape), np.float32)
        for start in range(0, len(images), self.batch_size):
            chunk = images[start:start + self.batch_size]
            styles = torch.full((len(chunk),), self.style_id, dtype=torch.long, device=self.device)
            for view, (inputs, (dy, dx)) in enumerate(self._views(chunk)):
                inputs = torch.from_numpy(inputs).to(self.device).float().div_(255)
                with torch.autocast("cuda", dtype=torch.bfloat16, enabled=self.half):
                    ink, _ = self.generator(shifted(inputs, dy, dx), styles)
                out[view, start:start + len(chunk)] = shifted(ink.float(), -dy, -dx)[:, 0].clamp(0, 1).cpu().numpy()
        return out

    def _views(self, chunk: np.ndarray) -> list[tuple[np.ndarray, tuple[int, int]]]:
        """(uint8 (N, C, S, S) generator input, (dy, dx) shift) of each view of the source renders `chunk`."""
        if self.bank is None:
            return [(chunk[:, None], shift) for shift in self.views]
        sets = rank_sets(self.exemplars, len(self.views))
        return [(inputs, (0, 0)) for inputs in self.bank.inputs_per_set(chunk, None, sets)]


def load_stylizer(model_dir: str | Path, style: str | None = None, device: str = "auto",
                  batch_size: int = 64, target_name: str | None = None, views: int = DEFAULT_VIEWS) -> Stylizer:
    """Load a model directory once; the returned callable restyles batches of source renders.

    Without `style`, a model with several styles uses the one named like the target font (`target_name`).
    """
    dev = pick_device(device)
    generator, info = load_model(Path(model_dir), dev)
    style_id = info.style_id(style, target_name)
    return Stylizer(generator, info, style_id, dev, batch_size, model_id(Path(model_dir), info, style_id), views=views)


def model_id(model_dir: Path, info: ModelInfo, style_id: int) -> str:
    """'<dir name>@<sha256 of the weights, 12 hex>/<style>': provenance for generated glyphs."""
    digest = hashlib.sha256((model_dir / WEIGHTS).read_bytes()).hexdigest()[:12]
    return f"{model_dir.resolve().name}@{digest}/{info.categories[style_id]}"

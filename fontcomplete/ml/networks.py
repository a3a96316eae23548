"""The zi2zi-style U-Net generator and the conditional two-headed discriminator."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from fontcomplete.ml.config import DiscriminatorConfig, GeneratorConfig

SUPPORTED_SIZES = (128, 256, 384, 512)


def encoder_depth(image_size: int) -> int:
    """Halvings until the map is odd: 128 → 7 (1×1), 256 → 8, 384 → 7 (3×3), 512 → 9."""
    if image_size not in SUPPORTED_SIZES:
        raise ValueError(f"image size must be one of {SUPPORTED_SIZES}, got {image_size}")
    depth = 0
    while image_size % 2 == 0:
        image_size //= 2
        depth += 1
    return depth


class SelfAttention(nn.Module):
    """SAGAN self-attention over all positions; gamma starts at 0 so the block starts as the identity."""

    def __init__(self, channels: int):
        super().__init__()
        self.query = nn.Conv2d(channels, max(channels // 8, 1), 1)
        self.key = nn.Conv2d(channels, max(channels // 8, 1), 1)
        self.value = nn.Conv2d(channels, channels, 1)
        self.gamma = nn.Parameter(torch.zeros(1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, c, h, w = x.shape
        q = self.query(x).flatten(2).transpose(1, 2).unsqueeze(1)  # B,1,N,C/8
        k = self.key(x).flatten(2).transpose(1, 2).unsqueeze(1)
        v = self.value(x).flatten(2).transpose(1, 2).unsqueeze(1)  # B,1,N,C
        out = F.scaled_dot_product_attention(q, k, v, scale=1.0)
        return x + self.gamma * out.squeeze(1).transpose(1, 2).reshape(b, c, h, w)


class Generator(nn.Module):
    """U-Net: source ink (B,C,S,S) in 0..1 + style ids (B,) → generated ink (B,1,S,S) in 0..1.

    Channel 0 is the source glyph; with k exemplars, channels 1..2k are each exemplar's source then target render.
    """

    def __init__(self, config: GeneratorConfig, image_size: int, num_styles: int):
        super().__init__()
        self.config, self.image_size = config, image_size
        self.in_channels = 1 + 2 * config.exemplars
        depth = encoder_depth(image_size)
        if config.depth is not None:
            if not 1 <= config.depth <= depth:
                raise ValueError(f"generator depth must be 1..{depth} at {image_size} px, not {config.depth}")
            depth = config.depth
        channels = [config.ngf * min(2**i, config.max_mult) for i in range(depth)]
        sizes = [image_size >> (i + 1) for i in range(depth)]  # map size after down[i]
        self.down = nn.ModuleList()
        for i in range(depth):
            if i == 0:
                layers = [nn.Conv2d(self.in_channels, channels[0], 4, 2, 1)]
            else:
                inner = i == depth - 1
                layers = [nn.LeakyReLU(0.2), nn.Conv2d(channels[i - 1], channels[i], 4, 2, 1, bias=inner)]
                if not inner:
                    layers.append(nn.BatchNorm2d(channels[i]))
            if sizes[i] in config.attention_sizes:
                layers.append(SelfAttention(channels[i]))
            self.down.append(nn.Sequential(*layers))
        self.embedding = nn.Embedding(num_styles, config.embedding_dim)
        self.up = nn.ModuleList()
        for i in range(depth):  # up[i] produces the map that down[i] consumed (size sizes[i] * 2)
            inputs = channels[i] + config.embedding_dim if i == depth - 1 else channels[i] * 2
            if i == 0:
                layers = [nn.ReLU(), nn.ConvTranspose2d(inputs, 1, 4, 2, 1)]
            else:
                layers = [nn.ReLU(), nn.ConvTranspose2d(inputs, channels[i - 1], 4, 2, 1, bias=False),
                          nn.BatchNorm2d(channels[i - 1])]
                if sizes[i - 1] in config.attention_sizes:
                    layers.append(SelfAttention(channels[i - 1]))
            self.up.append(nn.Sequential(*layers))
        init_weights(self)

    @property
    def num_styles(self) -> int:
        return self.embedding.num_embeddings

    def _encode_all(self, x: torch.Tensor) -> list[torch.Tensor]:
        features, h = [], x * 2 - 1
        for layer in self.down:
            h = layer(h)
            features.append(h)
        return features

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """Bottleneck encoding of (B,C,S,S) inputs (for the const and contrastive losses)."""
        return self._encode_all(x)[-1]

    def forward(self, x: torch.Tensor, style_ids: torch.Tensor,
                logits: bool = False) -> tuple[torch.Tensor, torch.Tensor]:
        """(generated ink in 0..1, or its logits when `logits`, and the bottleneck encoding of x)."""
        features = self._encode_all(x)
        encoding = features[-1]
        style = self.embedding(style_ids)[:, :, None, None].expand(-1, -1, *encoding.shape[2:])
        h = torch.cat([encoding, style.to(encoding.dtype)], 1)
        for i in reversed(range(len(self.up))):
            h = self.up[i](h)
            if i > 0:
                h = torch.cat([h, features[i - 1]], 1)
        return (h if logits else h.sigmoid()), encoding

    def keep_styles(self, style_ids: list[int]) -> None:
        """Keep only these style rows, in this order (a shipped model drops the styles it was pre-trained on)."""
        self.embedding = nn.Embedding.from_pretrained(self.embedding.weight.detach()[style_ids], freeze=False)

    def grow_styles(self, num_styles: int) -> None:
        """Add style rows (for fine-tuning on new fonts); new rows start at the mean of the old ones."""
        old = self.embedding.weight.detach()
        if num_styles <= len(old):
            return
        added = old.mean(0, keepdim=True).expand(num_styles - len(old), -1)
        self.embedding = nn.Embedding.from_pretrained(torch.cat([old, added]), freeze=False)


class Discriminator(nn.Module):
    """(source, image) pair (B,2,S,S) → (real/fake logits (B,1), category logits (B,K))."""

    def __init__(self, config: DiscriminatorConfig, image_size: int, num_styles: int):
        super().__init__()
        self.config = config
        layers: list[nn.Module] = [nn.Conv2d(2, config.ndf, 5, 2, 2), nn.LeakyReLU(0.2)]
        size, channels, i = image_size // 2, config.ndf, 1
        while size > config.feature_size:
            out = config.ndf * min(2**i, 8)
            layers += [nn.Conv2d(channels, out, 5, 2, 2, bias=False), nn.BatchNorm2d(out), nn.LeakyReLU(0.2)]
            size, channels, i = size // 2, out, i + 1
        layers += [nn.Conv2d(channels, config.final_channels, 5, 1, 2), nn.BatchNorm2d(config.final_channels),
                   nn.LeakyReLU(0.2)]
        self.features = nn.Sequential(*layers)
        flat = config.final_channels * size * size
        self.binary = nn.Linear(flat, 1)
        self.category = nn.Linear(flat, num_styles)
        init_weights(self)

    def forward(self, source: torch.Tensor, image: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        h = self.features(torch.cat([source, image], 1) * 2 - 1).flatten(1)
        return self.binary(h), self.category(h)


def init_weights(module: nn.Module) -> None:
    """pix2pix initialisation: conv/linear weights N(0, 0.02), norm scales N(1, 0.02), biases 0."""
    for m in module.modules():
        if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
            weight = m.parametrizations.weight.original if hasattr(m, "parametrizations") else m.weight
            nn.init.normal_(weight, 0.0, 0.02)
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, (nn.BatchNorm2d, nn.InstanceNorm2d)) and m.weight is not None:
            nn.init.normal_(m.weight, 1.0, 0.02)
            nn.init.zeros_(m.bias)


def count_parameters(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())

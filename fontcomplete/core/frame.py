"""The em-box frame: one square of font units that every raster covers, and its pixel transforms."""

from __future__ import annotations

from dataclasses import dataclass

from fontTools.misc.transform import Transform


@dataclass(frozen=True)
class EmFrame:
    """The square [left, left+side] x [bottom, bottom+side] in font units.

    Normally left = 0, bottom = OS/2 typo descender and side = typo ascender - typo descender,
    which is the UPM for CJK fonts. Pixel space has x to the right and y down, (0, 0) at the
    top-left corner of the frame, so row 0 of an image is the top of the em box.
    """

    left: float
    bottom: float
    side: float

    def __post_init__(self) -> None:
        if not self.side > 0:
            raise ValueError(f"em frame side must be positive, got {self.side}")

    @property
    def top(self) -> float:
        return self.bottom + self.side

    def font_to_pixel(self, size: int) -> Transform:
        """Font units → pixel coordinates of a size × size image."""
        scale = size / self.side
        return Transform(scale, 0, 0, -scale, -self.left * scale, self.top * scale)

    def pixel_to_font(self, size: int) -> Transform:
        """Pixel coordinates of a size × size image → font units (exact inverse of font_to_pixel)."""
        scale = self.side / size
        return Transform(scale, 0, 0, -scale, self.left, self.top)

    def to_dict(self) -> dict:
        return {"left": self.left, "bottom": self.bottom, "side": self.side}

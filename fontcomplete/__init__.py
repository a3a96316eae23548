"""fontcomplete: complete CJK fonts in their own style (codepoints → raster → generator → trace → UFO)."""

__version__ = "0.6.0"

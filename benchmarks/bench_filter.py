"""Filter time, cold vs warm outline cache: python benchmarks/bench_filter.py TARGET.ufo SOURCE [CHARSET] [MODEL]."""

from __future__ import annotations

import sys
import tempfile
import time

import ufoLib2
from ufo2ft.util import _GlyphSet

from fontcomplete.filter import CompleteFilter


def filter_seconds(ufo, **kwargs) -> tuple[float, int]:
    """Construct the filter and run it on a fresh glyph set, as ufo2ft does in a build; (seconds, glyphs added)."""
    glyph_set = _GlyphSet.from_layer(ufo)  # what ufo2ft hands the filter (loading it is not the filter's time)
    started = time.perf_counter()
    added = CompleteFilter(**kwargs)(ufo, glyph_set)
    return time.perf_counter() - started, len(added)


def main(argv: list[str]) -> None:
    target, source = argv[0], argv[1]
    charset = argv[2] if len(argv) > 2 else "big5-1"
    model = argv[3] if len(argv) > 3 else "copy"
    ufo = ufoLib2.Font.open(target)
    with tempfile.TemporaryDirectory() as cache:
        cold, added = filter_seconds(ufo, source=source, charset=charset, model=model, cache=cache)
        warm, _ = filter_seconds(ufo, source=source, charset=charset, model=model, cache=cache)
    print(f"model {model}: {added} glyphs added; filter time cold cache {cold:.2f} s, warm cache {warm:.2f} s, "
          f"speed-up {cold / warm:.1f}x")


if __name__ == "__main__":
    main(sys.argv[1:])

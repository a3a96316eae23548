"""Check the example build: every generated glyph is plausible; the built fonts hold Big5-1 and pass OTS.

    python tools/check_build.py build/ZenMaruGothicTC-Regular.ufo --source sources/NotoSansCJKtc-Subset.otf \
        --charset big5-1 [--fonts build/X.otf build/X.ttf]

Exits non-zero (with the reasons) when a generated glyph has ink outside the em box or an ink area outside
0.5-2x of its source glyph's, when a font's cmap lacks a charset character, or when OTS rejects a font.
"""

import argparse
import sys

from fontTools.ttLib import TTFont
from ots import sanitize

from fontcomplete.complete.merge import PROVENANCE_KEY
from fontcomplete.core.charsets import resolve_charsets
from fontcomplete.fonts.font import open_font
from fontcomplete.generate.sanity import failed_checks
from fontcomplete.generate.stylize import Generated


def generated_glyphs(ufo_font):
    """The glyphs fontcomplete added, as fill.Generated outlines."""
    from fontTools.pens.recordingPen import RecordingPen

    for codepoint, name in sorted(ufo_font.cmap.items()):
        glyph = ufo_font.glyph_set[name]
        if PROVENANCE_KEY in glyph.lib:
            pen = RecordingPen()
            glyph.draw(pen)
            yield Generated(codepoint, pen.value)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("ufo")
    parser.add_argument("--source", required=True)
    parser.add_argument("--charset", action="append", required=True)
    parser.add_argument("--fonts", nargs="*", default=[])
    args = parser.parse_args()
    failures = []
    if not args.fonts:
        target, source = open_font(args.ufo), open_font(args.source)
        glyphs = list(generated_glyphs(target))
        bad = failed_checks(glyphs, source, target.frame)
        failures += [check.describe() for check in bad]
        print(f"{len(glyphs)} generated glyphs checked: {len(glyphs) - len(bad)} inside the em box with ink "
              f"0.5-2x their source's, {len(bad)} not")
    wanted = resolve_charsets(args.charset)
    for path in args.fonts:
        cmap = set(TTFont(path).getBestCmap())
        lacking = wanted - cmap
        ots = sanitize(path, capture_output=True, text=True)
        print(f"{path}: {len(wanted & cmap)} of {len(wanted)} charset characters in the cmap; "
              f"OTS {'passed' if ots.returncode == 0 else 'FAILED'}")
        if lacking:
            failures.append(f"{path} lacks {len(lacking)} charset characters")
        if ots.returncode != 0:
            failures.append(f"{path}: OTS: {ots.stderr.strip()[-300:]}")
    for failure in failures:
        print("FAIL", failure, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

"""What a generated glyph records about itself, and how to tell it apart from a designer's (or a designer-edited) one."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from fontTools.pens.recordingPen import RecordingPointPen

PROVENANCE_KEY = "org.fontcomplete.provenance"
MARK_COLOR = "0.97,0.56,0.16,1"  # orange: a generated glyph without a confidence (a copy of the source)
# (lowest confidence, mark colour): green sure, yellow check, red unsure. At 0.8 and above the target's own drawings
# rebuild the character closely and the model draws its strokes and counters alike in every view and at every trace
# threshold (fontcomplete.generate.review).
CONFIDENCE_MARKS = ((0.8, "0.35,0.75,0.35,1"), (0.6, "0.98,0.82,0.18,1"), (0.0, "0.91,0.28,0.25,1"))
CONFIDENCE_BANDS = dict(zip((color for _, color in CONFIDENCE_MARKS), ("green", "yellow", "red")))
MARK_COLORS = {MARK_COLOR, *(color for _, color in CONFIDENCE_MARKS)}
DIGEST_KEY = "outline"  # provenance entry: outline_digest() of the glyph as fontcomplete wrote it
PLACED_KEY = "org.fontcomplete.placed"  # font lib: every character fontcomplete has added to this UFO
REJECTED_KEY = "org.fontcomplete.rejected"  # font lib: characters a designer rejected (`review --reject`)
ACCEPTED_KEY = "accepted"  # provenance entry: the date a designer accepted the glyph as it is (`review --accept`)


def glyph_provenance(model_id: str, source_label: str, trace: str | None = None) -> dict[str, str]:
    """What each new glyph records in its lib: tool, model, source font and, for a model's ink, the trace
    settings it was traced with (the threshold actually used). Placing adds the outline digest and the date."""
    provenance = {"tool": _tool(), "model": model_id, "source": source_label}
    if trace is not None:
        provenance["trace"] = trace
    return provenance


def glyph_record(generator: Mapping[str, str], review: Mapping[str, str] | None, digest: str,
                 today: str | None) -> dict[str, str]:
    """The whole provenance of a new glyph: its generator's entries (glyph_provenance), the date (none in a build,
    which must be reproducible), its review when measured, and the digest of its outline as written."""
    record = {"tool": _tool(), **generator}
    if today is not None:
        record["date"] = today
    record.update(review or {})
    record[DIGEST_KEY] = digest
    return {key: str(value) for key, value in record.items()}


def _tool() -> str:
    from fontcomplete import __version__

    return f"fontcomplete {__version__}"


def outline_digest(glyph) -> str:
    """16 hex digits over the glyph's advance width, contours and components (rounded to 1/100 unit), as they
    read back from a .glif: the same before a save and after it, different once a designer moves a point."""
    recording = RecordingPointPen()
    glyph.drawPoints(recording)
    parts = [_number(glyph.width)]
    for operator, args, kwargs in recording.value:
        if operator == "addPoint":
            (x, y), segment_type = args[0], kwargs.get("segmentType", args[1] if len(args) > 1 else None)
            parts.append(f"{_number(x)},{_number(y)},{segment_type}")
        elif operator == "addComponent":
            parts.append(f"{args[0]}:{','.join(map(_number, args[1]))}")
        else:
            parts.append(operator)
    return hashlib.sha256(";".join(parts).encode()).hexdigest()[:16]


def _number(value) -> str:
    return f"{round(float(value), 2):g}"


def is_generated(glyph) -> bool:
    """True when the glyph carries fontcomplete's provenance key (this tool added it, edited since or not)."""
    return PROVENANCE_KEY in glyph.lib


def is_edited(glyph, digest: str | None = None) -> bool:
    """True for a generated glyph whose outline or advance no longer matches what fontcomplete wrote (a designer
    edited it). `digest`: its outline_digest when already known. Glyphs from before digests were recorded count
    as unedited."""
    recorded = glyph.lib.get(PROVENANCE_KEY, {}).get(DIGEST_KEY) if is_generated(glyph) else None
    if recorded is None:
        return False
    return (digest if digest is not None else outline_digest(glyph)) != recorded


def is_accepted(glyph) -> bool:
    """True for a generated glyph a designer accepted as it is: theirs from then on, like an edited one."""
    return is_generated(glyph) and ACCEPTED_KEY in glyph.lib[PROVENANCE_KEY]


def is_machine_drawn(glyph, digest: str | None = None) -> bool:
    """Generated, and neither edited nor accepted since: fontcomplete may regenerate it, and it is never the
    target's drawing."""
    return is_generated(glyph) and not is_accepted(glyph) and not is_edited(glyph, digest)


def mark_color(confidence: float | None) -> str:
    """The mark colour of a new glyph: by its confidence band (green, yellow, red), orange without one."""
    if confidence is None:
        return MARK_COLOR
    return next(color for lowest, color in CONFIDENCE_MARKS if confidence >= lowest)


def confidence_of(glyph) -> float | None:
    """The confidence a generated glyph recorded (None for a copy, or a glyph fontcomplete did not make)."""
    value = glyph.lib.get(PROVENANCE_KEY, {}).get("confidence")
    return None if value is None else float(value)


def lib_codepoints(lib, key: str) -> set[int]:
    """The codepoints a font lib lists under `key` as "U+XXXX" strings (unreadable entries are ignored)."""
    found = set()
    for token in lib.get(key, ()):
        try:
            found.add(int(str(token).removeprefix("U+"), 16))
        except ValueError:
            pass
    return found


def set_lib_codepoints(lib, key: str, codepoints) -> None:
    """List `codepoints` under `key` in a font lib, sorted, as "U+XXXX" strings; an empty set removes the key."""
    if codepoints:
        lib[key] = [f"U+{cp:04X}" for cp in sorted(codepoints)]
    else:
        lib.pop(key, None)


def declined_codepoints(lib, present) -> set[int]:
    """Characters a fill must not add again: rejected by the designer, or added by fontcomplete once and deleted
    since (no glyph of the UFO maps them now)."""
    return lib_codepoints(lib, REJECTED_KEY) | (lib_codepoints(lib, PLACED_KEY) - set(present))

"""What a generated glyph records about itself, and how to tell it apart from a designer's (or a designer-edited) one."""

from __future__ import annotations

import hashlib

from fontTools.pens.recordingPen import RecordingPointPen

PROVENANCE_KEY = "org.fontcomplete.provenance"
MARK_COLOR = "0.97,0.56,0.16,1"
DIGEST_KEY = "outline"  # provenance entry: outline_digest() of the glyph as fontcomplete wrote it


def glyph_provenance(model_id: str, source_label: str, trace: str | None = None) -> dict[str, str]:
    """What each new glyph records in its lib: tool, model, source font and, for a model's ink, the trace
    settings it was traced with (the threshold actually used). Placing adds the outline digest and the date."""
    from fontcomplete import __version__

    provenance = {"tool": f"fontcomplete {__version__}", "model": model_id, "source": source_label}
    if trace is not None:
        provenance["trace"] = trace
    return provenance


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


def is_machine_drawn(glyph, digest: str | None = None) -> bool:
    """Generated and not edited since: fontcomplete may regenerate it, and it is never the target's drawing."""
    return is_generated(glyph) and not is_edited(glyph, digest)

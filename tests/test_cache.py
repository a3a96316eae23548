"""Outline cache: keys, reuse across runs, corrupt entries regenerated, location, concurrent writers."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest

from fontcomplete.core.frame import EmFrame
from fontcomplete.fonts.font import open_font
from fontcomplete.generate.cache import Cache, default_cache_dir, open_cache, outline_key
from fontcomplete.generate.generators import Copy, Model, generate_cached
from fontcomplete.outlines.trace import TraceSettings

DATA = Path(__file__).parent / "data"
FRAME = EmFrame(0, -120, 1000)
CHARS = "永字八法"


def model_outlines(cache, source, codepoints, stylizer, trace=TraceSettings()):
    """The model path of a fill: its trace settings resolved with the model's calibration."""
    trace = trace.resolved(stylizer.ink_threshold, stylizer.gap_opening)
    return generate_cached(cache, Model(source, FRAME, stylizer, trace, source, frozenset()), codepoints)


def copy_outlines(cache, source, codepoints):
    return generate_cached(cache, Copy(source, FRAME), codepoints)


class CountingStylizer:
    """A fake model: returns the renders (as ink) and counts how many glyphs it was asked for."""

    image_size = 64
    model_id = "fake@0/regular"
    ink_threshold = None
    gap_opening = None
    validation_topology = None

    def __init__(self):
        self.glyphs = 0

    def __call__(self, images: np.ndarray) -> np.ndarray:
        self.glyphs += len(images)
        return images.astype(np.float32) / 255

    def views_ink(self, images: np.ndarray) -> np.ndarray:
        return self(images)[None]


@pytest.fixture(scope="module")
def source():
    return open_font(DATA / "NotoSansTC-Subset.otf")


def test_put_get_round_trip_and_key_sensitivity(tmp_path):
    cache = Cache(tmp_path)
    key = outline_key("copy", "abc", "uni6C38", FRAME, None)
    outline = [("moveTo", ((0, 0),)), ("curveTo", ((1, 2), (3, 4), (5, 6))), ("closePath", ())]
    cache.put_outline(key, outline)
    assert cache.outline(key) == outline
    assert cache.outline(outline_key("copy", "abd", "uni6C38", FRAME, None)) is None
    assert cache.outline(outline_key("copy", "abc", "uni6C38", EmFrame(0, -100, 1000), None)) is None
    model_key = outline_key("m@1/a", "abc", "uni6C38", FRAME, TraceSettings())
    assert model_key != outline_key("m@1/a", "abc", "uni6C38", FRAME, TraceSettings(upsample=2))


def test_second_run_generates_nothing(tmp_path, source):
    codepoints = [ord(c) for c in CHARS]
    stylizer = CountingStylizer()
    first = model_outlines(Cache(tmp_path), source, codepoints, stylizer)
    assert stylizer.glyphs == len(codepoints)
    cache = Cache(tmp_path)
    second = model_outlines(cache, source, codepoints, stylizer)
    assert stylizer.glyphs == len(codepoints)  # no new model calls
    assert (cache.hits, cache.misses) == (len(codepoints), 0)
    assert second == first


def test_a_recalibrated_threshold_is_a_new_key(tmp_path, source):
    codepoints = [ord(c) for c in CHARS]
    stylizer = CountingStylizer()
    model_outlines(Cache(tmp_path), source, codepoints, stylizer)
    stylizer.ink_threshold = 0.4  # same weights (same model id), threshold chosen anew in config.json
    model_outlines(Cache(tmp_path), source, codepoints, stylizer)
    assert stylizer.glyphs == 2 * len(codepoints)
    model_outlines(Cache(tmp_path), source, codepoints, stylizer, TraceSettings(threshold=0.4))
    assert stylizer.glyphs == 2 * len(codepoints)  # an explicit 0.4 is the same settings as a calibrated 0.4


def test_copy_mode_is_cached(tmp_path, source, monkeypatch):
    codepoints = [ord(c) for c in CHARS]
    first = copy_outlines(Cache(tmp_path), source, codepoints)
    def fail(*args, **kwargs):
        raise AssertionError("copy_glyphs called on a warm cache")

    monkeypatch.setattr("fontcomplete.generate.generators.copy_glyphs", fail)
    assert copy_outlines(Cache(tmp_path), source, codepoints) == first


def test_truncated_entry_is_regenerated(tmp_path, source):
    codepoints = [ord(c) for c in CHARS]
    stylizer = CountingStylizer()
    first = model_outlines(Cache(tmp_path), source, codepoints, stylizer)
    entry = sorted(p for p in tmp_path.rglob("*") if p.is_file())[0]
    entry.write_bytes(entry.read_bytes()[:40])
    cache = Cache(tmp_path)
    again = model_outlines(cache, source, codepoints, stylizer)
    assert stylizer.glyphs == len(codepoints) + 1 and cache.corrupt == 1
    assert again == first
    assert model_outlines(Cache(tmp_path), source, codepoints, stylizer) == first
    assert stylizer.glyphs == len(codepoints) + 1  # the rewritten entry is good


def test_tampered_outline_fails_the_checksum(tmp_path):
    cache = Cache(tmp_path)
    key = outline_key("copy", "abc", "g", FRAME, None)
    cache.put_outline(key, [("moveTo", ((0, 0),)), ("lineTo", ((5, 0),)), ("closePath", ())])
    path = cache.path_for("outlines", key.as_json())
    path.write_text(path.read_text().replace("[5,0]", "[6,0]"))
    assert cache.outline(key) is None and cache.corrupt == 1


def test_one_scheme_for_every_kind_a_key_is_its_own_and_a_wrong_key_misses(tmp_path):
    cache = Cache(tmp_path)
    made = []
    array = cache.array("renders", [1, "font", 64], lambda: made.append(1) or np.ones((2, 3), np.uint8))
    assert np.array_equal(cache.array("renders", [1, "font", 64], lambda: made.append(1)), array) and made == [1]
    assert cache.get("drafts", [1, "font", 64]) is None  # another kind, another entry
    path = cache.path_for("renders", [1, "font", 64])
    other = cache.path_for("renders", [2, "font", 64])
    other.parent.mkdir(parents=True, exist_ok=True)
    other.write_bytes(path.read_bytes())  # an entry under another key's name: its header names the wrong key
    assert cache.get("renders", [2, "font", 64]) is None and cache.corrupt == 1
    off = Cache(None)
    off.put("renders", [1], b"x")
    assert off.get("renders", [1]) is None and not any((tmp_path / "x").glob("*"))


def test_location(tmp_path, monkeypatch):
    monkeypatch.setenv("FONTCOMPLETE_CACHE", str(tmp_path / "env"))
    assert default_cache_dir() == tmp_path / "env"
    assert open_cache(None).directory == tmp_path / "env"
    assert open_cache(str(tmp_path / "arg")).directory == tmp_path / "arg"
    assert open_cache(False).directory is None and open_cache("off").directory is None
    monkeypatch.delenv("FONTCOMPLETE_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir() == tmp_path / "xdg" / "fontcomplete"


def test_concurrent_writers_leave_valid_entries(tmp_path):
    key = outline_key("copy", "abc", "g", FRAME, None)
    outline = [("moveTo", ((0, 0),)), ("lineTo", ((5, 0),)), ("lineTo", ((5, 5),)), ("closePath", ())]
    threads = [threading.Thread(target=lambda: [Cache(tmp_path).put_outline(key, outline) for _ in range(20)])
               for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Cache(tmp_path).outline(key) == outline
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == [Cache(tmp_path).path_for("outlines", key.as_json())]


class FaintViews(CountingStylizer):
    """Three views: the render, and two fainter copies whose thin joins fall under the threshold."""

    def views_ink(self, images: np.ndarray) -> np.ndarray:
        ink = self(images)
        return np.stack([ink, ink * 0.55, ink * 0.45])


def test_a_glyph_from_the_cache_gets_the_steadiness_it_got_when_generated(tmp_path, source):
    codepoints = [ord(c) for c in CHARS]
    trace = TraceSettings().resolved(0.5, 0.0)
    fresh = Model(source, FRAME, FaintViews(), trace, source, frozenset())
    generate_cached(Cache(tmp_path), fresh, codepoints)
    assert set(fresh.steady) == set(codepoints) and 0 < min(fresh.steady.values()) < 1
    stylizer = FaintViews()
    cached = Model(source, FRAME, stylizer, trace, source, frozenset())
    generate_cached(Cache(tmp_path), cached, codepoints)
    assert cached.steady == {} and stylizer.glyphs == 0  # outlines from the cache, no model drawn yet
    assert cached.steadiness(codepoints) == fresh.steady and stylizer.glyphs == len(codepoints)

"""Outline cache: one small checksummed JSON file per generated glyph, safe for builds that run at once."""

from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import asdict, dataclass
from functools import cached_property
from pathlib import Path

from fontcomplete import __version__
from fontcomplete.atomic import write_bytes_atomic
from fontcomplete.fonts import SourceFont
from fontcomplete.frame import EmFrame
from fontcomplete.outline import Outline, from_json, to_json
from fontcomplete.trace import TraceSettings

CACHE_ENV = "FONTCOMPLETE_CACHE"
FORMAT = 1
logger = logging.getLogger(__name__)


def default_cache_dir() -> Path:
    """$FONTCOMPLETE_CACHE, else $XDG_CACHE_HOME/fontcomplete, else ~/.cache/fontcomplete."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "fontcomplete"


@dataclass(frozen=True)
class OutlineKey:
    """Everything a generated outline depends on."""

    generator: str  # "copy" or the stylizer's model id (weights hash + style)
    source: str  # the source font's fingerprint (sha256 of its bytes and collection index)
    glyph: str  # the source glyph's name
    frame: tuple  # the target em-box frame (left, bottom, side)
    trace: tuple  # trace settings (empty in copy mode: nothing is traced)
    tool: str = __version__

    @cached_property
    def _text(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    def digest(self) -> str:
        return hashlib.sha256(self._text.encode()).hexdigest()

    def as_json(self) -> dict:
        """The key as it reads back from JSON (tuples become lists)."""
        return json.loads(self._text)


def outline_key(generator: str, source_fingerprint: str, glyph: str, frame: EmFrame,
                trace: TraceSettings | None) -> OutlineKey:
    trace_items = () if generator == "copy" or trace is None else tuple(sorted(trace.to_dict().items()))
    return OutlineKey(generator, source_fingerprint, glyph, (frame.left, frame.bottom, frame.side), trace_items)


class OutlineCache:
    """A directory of `<digest[:2]>/<digest>.json` entries. Writes go to a temp file then os.replace (atomic),
    so concurrent builds never see half an entry. An entry is a line with the sha256 of the rest, then JSON
    {"format", "key", "outline"}; one whose checksum or key does not match is ignored (and regenerated)."""

    def __init__(self, directory: str | os.PathLike | None = None):
        self.directory = Path(directory).expanduser() if directory else default_cache_dir()
        self.hits = self.misses = self.corrupt = 0

    def path_for(self, key: OutlineKey) -> Path:
        digest = key.digest()
        return self.directory / digest[:2] / f"{digest}.json"

    def get(self, key: OutlineKey) -> Outline | None:
        path = self.path_for(key)
        try:
            checksum, _, payload = path.read_bytes().partition(b"\n")
            valid = checksum.decode("ascii", "replace") == hashlib.sha256(payload).hexdigest()
            if valid:
                entry = json.loads(payload)
                valid = entry["format"] == FORMAT and entry["key"] == key.as_json()
        except FileNotFoundError:
            self.misses += 1
            return None
        except (OSError, ValueError, KeyError, TypeError):
            valid = False
        if not valid:
            self.corrupt += 1
            self.misses += 1
            logger.warning("fontcomplete cache: ignoring a corrupt entry %s", path)
            return None
        self.hits += 1
        return from_json(entry["outline"])

    def put(self, key: OutlineKey, outline: Outline) -> None:
        path = self.path_for(key)
        payload = json.dumps({"format": FORMAT, "key": key.as_json(), "outline": to_json(outline)},
                             separators=(",", ":")).encode()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_bytes_atomic(path, hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload)
        except OSError as error:  # a read-only or full cache slows builds down but never breaks them
            logger.warning("fontcomplete cache: cannot write %s: %s", path, error)


class NoCache(OutlineCache):
    """cache=False: every outline is generated."""

    def __init__(self):
        self.directory, self.hits, self.misses, self.corrupt = None, 0, 0, 0

    def get(self, key: OutlineKey) -> None:
        self.misses += 1
        return None

    def put(self, key: OutlineKey, outline: Outline) -> None:
        pass


def open_cache(spec: str | os.PathLike | bool | None) -> OutlineCache:
    """None/True: the default directory; False or 'off': no cache; a path: that directory."""
    if spec is False or (isinstance(spec, str) and spec.lower() in ("off", "none", "false")):
        return NoCache()
    return OutlineCache(None if spec in (None, True) else spec)


_FINGERPRINTS: dict[tuple, str] = {}


def source_fingerprint(source: SourceFont) -> str:
    """SourceFont.fingerprint, computed once per file state (path, index, size, mtime) in this process."""
    stat = source.path.stat()
    state = (str(source.path.resolve()), source.index, stat.st_size, stat.st_mtime_ns)
    if state not in _FINGERPRINTS:
        _FINGERPRINTS[state] = source.fingerprint
    return _FINGERPRINTS[state]

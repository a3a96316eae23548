"""Deterministic crash points for the crash trials: `FONTCOMPLETE_CRASH_AT=name[:n]` kills the process there."""

from __future__ import annotations

import os
import signal

CRASH_ENV = "FONTCOMPLETE_CRASH_AT"
_hits: dict[str, int] = {}


def crash_point(name: str) -> None:
    """SIGKILL this process at the n-th time (default first) it passes `name`, when the environment asks for it.

    Unset (every normal run) this is one dictionary lookup. benchmarks/crash_trials.py sets it to kill a fill
    inside the save window at a known moment, as a power cut or an OOM kill would."""
    wanted = os.environ.get(CRASH_ENV)
    if not wanted:
        return
    point, _, count = wanted.partition(":")
    if point != name:
        return
    _hits[name] = _hits.get(name, 0) + 1
    if _hits[name] >= int(count or 1):
        os.kill(os.getpid(), signal.SIGKILL)

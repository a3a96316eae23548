"""A run killed from outside (SIGKILL or SIGTERM on its main pid alone) leaves no process behind, and the next run
of the same target starts at once and completes."""

from __future__ import annotations

import signal
import time

import pytest
from fixtures import make_ufo
from processes import REPO, kill_main_and_wait_for_the_group, start, wait_for_children

from fontcomplete.storage import lock

pytestmark = pytest.mark.slow
EXAMPLE_SOURCE = REPO / "examples" / "zen-maru-gothic-tc" / "sources" / "NotoSansCJKtc-Subset.otf"
EXAMPLE_TARGET = EXAMPLE_SOURCE.with_name("ZenMaruGothic-Regular.ufoz")
KILLS = [signal.SIGKILL, signal.SIGTERM]


def fill_argv(target, *extra) -> list:
    return ["fill", target, "--source", EXAMPLE_SOURCE, "--workers", "2", *extra]


def kill_while_working(process, signum, workers: int, settle: float = 0.0) -> None:
    """Wait until the run has `workers` child processes, let it work `settle` s, kill its main pid alone, and check
    that it was the kill that ended it and that no process of the run is left 5 s later."""
    wait_for_children(process, workers)
    time.sleep(settle)
    left = kill_main_and_wait_for_the_group(process, signum)
    assert process.returncode == -signum, process.stderr.read()[-500:]
    assert left == [], f"processes of the killed run still alive after 5 s: {left}"


def assert_next_fill_completes(target, *extra) -> str:
    second = start(fill_argv(target, *extra))
    out, err = second.communicate(timeout=600)
    assert second.returncode == 0, err[-800:]
    assert "being written by another" not in err
    assert not lock.lock_path(target).exists()
    return out


@pytest.mark.parametrize("signum", KILLS, ids=lambda s: signal.Signals(s).name)
def test_a_killed_copy_fill_leaves_no_tracing_worker_and_no_lock(tmp_path, signum):
    target = tmp_path / "T.ufo"
    make_ufo(target, [0x4E00, 0x4E8C, 0x4E09])
    process = start(fill_argv(target, "--charset", "big5-1"))
    kill_while_working(process, signum, workers=2, settle=1.0)
    out = assert_next_fill_completes(target, "--charset", "big5-1")
    assert "added 5398" in out


@pytest.mark.parametrize("signum", KILLS, ids=lambda s: signal.Signals(s).name)
def test_a_model_fill_killed_while_drafting_reviews_leaves_nothing_behind(tmp_path, tiny_model, signum):
    target = tmp_path / "T.ufo"
    drawn = list(range(0x4E00, 0x4E00 + 120))  # the target's own drawings: the donors each review drafts from
    make_ufo(target, drawn)
    charset = tmp_path / "charset.txt"
    charset.write_text("".join(chr(c) for c in range(0x4E00, 0x4E00 + 300)), encoding="utf-8")
    extra = ["--charset", charset, "--model", tiny_model, "--views", "1"]
    process = start(fill_argv(target, *extra))
    kill_while_working(process, signum, workers=3)  # 2 tracing workers, then the drafting pool
    out = assert_next_fill_completes(target, *extra)
    assert "added " in out and "confidence" in out

"""Real processes for the kill tests: start a command in its own process group, find its children, kill it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def interruptible() -> None:
    """A child's SIGINT at its default, so Ctrl-C reaches it even when the tests run where it is ignored (a shell's
    background job ignores SIGINT, and an ignored signal stays ignored across exec)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start(argv: list[str], **kwargs) -> subprocess.Popen:
    """`python -m fontcomplete ARGV` as the leader of a new process group (its workers join that group)."""
    return subprocess.Popen([sys.executable, "-m", "fontcomplete", *map(str, argv)], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
                            preexec_fn=interruptible, **kwargs)


def _stat(pid: int) -> tuple[str, int, int] | None:
    """(state, parent pid, process group) of a live process, or None."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2:].split()
    return fields[0], int(fields[1]), int(fields[2])


def _processes() -> dict[int, tuple[str, int, int]]:
    found = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (stat := _stat(int(entry))) is not None and stat[0] != "Z":
            found[int(entry)] = stat
    return found


def children(pid: int) -> list[int]:
    return [child for child, (_, parent, _) in _processes().items() if parent == pid]


def group_members(group: int) -> list[int]:
    """Live (not zombie) processes in the process group, orphans included."""
    return [pid for pid, (_, _, pgrp) in _processes().items() if pgrp == group]


def wait_for_children(process: subprocess.Popen, count: int, timeout: float = 120) -> list[int]:
    """Poll until the process has at least `count` children; fails the test if it ends or times out first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the run ended (exit {process.returncode}) before it had {count} workers: "
                                 f"{process.stderr.read()[-500:]}")
        found = children(process.pid)
        if len(found) >= count:
            return found
        time.sleep(0.005)
    raise AssertionError(f"no {count} workers within {timeout} s")


def kill_main_and_wait_for_the_group(process: subprocess.Popen, signum: int, grace: float = 5.0) -> list[int]:
    """Send `signum` to the main pid alone (as the OOM killer or `kill PID` does); reap it; return the processes of
    its group still alive `grace` seconds later (polling, so a clean run returns as soon as the group is gone)."""
    os.kill(process.pid, signum)
    process.wait(timeout=60)
    deadline = time.monotonic() + grace
    while (left := group_members(process.pid)) and time.monotonic() < deadline:
        time.sleep(0.05)
    for pid in left:  # never leave them behind for the next test
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return left

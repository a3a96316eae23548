"""Worker processes that never outlive the run that started them, however it ends (SIGKILL included)."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys
import threading

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
WATCH_SECONDS = 0.5


def exit_with_parent(parent: int | None = None) -> None:
    """End this process as soon as its parent (pid `parent`, by default the present one) ends.

    On Linux the kernel sends SIGKILL when the parent goes (prctl PR_SET_PDEATHSIG); everywhere a daemon thread also
    checks the parent pid twice a second, so a worker whose parent died before this call, or whose parent was a
    thread that has ended, is gone within a second."""
    parent = os.getppid() if parent is None else parent
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # it ended before prctl took hold
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent,), name="exit-with-parent", daemon=True).start()


def _watch_parent(parent: int) -> None:
    event = threading.Event()
    while not event.wait(WATCH_SECONDS):
        if os.getppid() != parent:
            os._exit(1)


def init_worker(parent: int) -> None:
    """The initializer of every pool worker (`initargs=(os.getpid(),)`): Ctrl-C is the parent's to handle, and the
    worker dies with the parent."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    exit_with_parent(parent)

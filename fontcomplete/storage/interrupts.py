"""Ctrl-C held back while work that must not be cut short runs (a save's commit, a training step)."""

from __future__ import annotations

import signal
import threading


class DeferredInterrupt:
    """A context in which SIGINT only sets `requested`.

    With `second_interrupts`, the first Ctrl-C restores the previous handler, so a second one interrupts at once
    (training: the loop checkpoints and stops on the first). Without, every Ctrl-C is held until the block ends
    (a commit). Outside the main thread signals cannot be handled, and the block runs as it is.
    """

    def __init__(self, second_interrupts: bool = False):
        self.second_interrupts = second_interrupts
        self.requested = False
        self._installed = False
        self._previous = None

    def _handle(self, signum, frame) -> None:
        self.requested = True
        if self.second_interrupts:
            self._restore()

    def _restore(self) -> None:
        signal.signal(signal.SIGINT, self._previous if self._previous is not None else signal.SIG_DFL)

    def __enter__(self) -> DeferredInterrupt:
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGINT, self._handle)
            self._installed = True
        return self

    def __exit__(self, *exc) -> bool:
        if self._installed:
            self._restore()
        return False

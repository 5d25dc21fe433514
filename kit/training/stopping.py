"""The Stop button of ``kit.train``: the first Ctrl-C (or Jupyter's Stop) ends training after the batch.

Keras checks between calls of the train function, and one call may run a few
batches (see :mod:`kit.training.batches_per_call`): training stops at the end of
the call under way.

Example
-------
>>> with StopButton() as button:
...     button.requested
False
"""

from __future__ import annotations

import signal
import threading

__all__ = ["StopButton", "StopRequested"]


class StopRequested(Exception):
    """Raised inside ``fit`` between batches once the user pressed Stop."""


class StopButton:
    """While active, the first Ctrl-C / Stop only asks training to stop after the batch.

    A second one stops at once (KeyboardInterrupt). Outside the main thread,
    where Python delivers no signals, the button does nothing.
    """

    def __init__(self):
        self.requested = False
        self._previous = None

    def __enter__(self):
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.getsignal(signal.SIGINT)
            signal.signal(signal.SIGINT, self._handle)
        return self

    def _handle(self, signum, frame):
        if self.requested:  # asked twice: stop right now
            signal.signal(signal.SIGINT, self._previous or signal.default_int_handler)
            raise KeyboardInterrupt
        self.requested = True

    def __exit__(self, *exc):
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)
        return False

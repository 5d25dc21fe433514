"""The Keras callbacks ``kit.train`` adds to ``fit``.

This module imports Keras when it loads, so ``kit.train`` imports it inside the
call. Used through ``kit.train`` in every training notebook, e.g.
``notebooks/01_sequential_to_functional.ipynb``.

Example
-------
>>> history = ResumedHistory(range(2), {"loss": [0.9, 0.7]})
>>> history.epoch, history.history
([0, 1], {'loss': [0.9, 0.7]})
"""

from __future__ import annotations

import threading

import keras

from kit.training.runs import checkpoint_arrays, record_epoch, write_epoch
from kit.training.stopping import StopRequested

__all__ = ["EpochCheckpoint", "Position", "ResumedHistory", "StopAfterBatch"]


class ResumedHistory(keras.callbacks.History):
    """A Keras ``History`` that starts with the epochs already trained."""

    def __init__(self, epochs=(), history=None):
        super().__init__()
        self._resumed = list(epochs), {key: list(values) for key, values in (history or {}).items()}
        self.on_train_begin()

    def on_train_begin(self, logs=None):
        epochs, history = self._resumed
        self.epoch = list(epochs)
        self.history = {key: list(values) for key, values in history.items()}


class EpochCheckpoint(keras.callbacks.Callback):
    """Saves the run after every completed epoch.

    The variables are copied at the end of the epoch; the files are written by
    a background thread while the next epoch trains (:func:`runs.write_epoch`
    keeps the last complete epoch readable at any moment). ``wait()`` blocks
    until the last write is done (and re-raises its error).

    Parameters
    ----------
    run_dir : Path
    state : dict
        The run's state (:func:`runs.new_state`), updated in place.
    history : keras.callbacks.History
        Where the epochs' logs are read from.
    """

    def __init__(self, run_dir, state, history):
        super().__init__()
        self.run_dir, self.state, self.run_history = run_dir, state, history
        self._writer = None
        self._errors = []

    def on_epoch_end(self, epoch, logs=None):
        arrays = checkpoint_arrays(self.model)
        previous = record_epoch(self.state, epoch, self.run_history.history)
        self.wait()
        self._writer = threading.Thread(
            target=self._write, args=(arrays, dict(self.state), previous), name="kit-checkpoint"
        )
        self._writer.start()

    def _write(self, arrays, state, previous):
        try:
            write_epoch(self.run_dir, arrays, state, previous)
        except Exception as error:  # handed to the training thread by wait()
            self._errors.append(error)

    def on_train_end(self, logs=None):
        self.wait()

    def wait(self):
        """Block until the last checkpoint is on disk; raise the error of a failed write."""
        if self._writer is not None:
            self._writer.join()
            self._writer = None
        if self._errors:
            raise self._errors.pop()


class Position(keras.callbacks.Callback):
    """Records the epoch and the last finished batch (put first among the callbacks)."""

    def __init__(self):
        super().__init__()
        self.epoch = 0
        self.batch = 0

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch, self.batch = epoch, 0

    def on_train_batch_end(self, batch, logs=None):
        self.batch = batch + 1


class StopAfterBatch(keras.callbacks.Callback):
    """Ends ``fit`` between batches once ``button`` (a :class:`StopButton`) was pressed (put last)."""

    def __init__(self, button):
        super().__init__()
        self.button = button

    def on_train_batch_begin(self, batch, logs=None):
        if self.button.requested:
            raise StopRequested

    def on_train_batch_end(self, batch, logs=None):
        if self.button.requested:
            raise StopRequested

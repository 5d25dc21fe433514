"""The progress callbacks of ``kit.train``: silent, one line per epoch, or a widget.

This module imports Keras when it loads; :func:`kit.training.progress.make_progress`
imports it when a display is made. Used by every ``kit.train`` cell, e.g. in
``notebooks/01_sequential_to_functional.ipynb``.

Example
-------
>>> progress = TextProgress(model_name="mlp", epochs=2, initial_epoch=0, steps=10, samples=320)
>>> progress.close("Trained 'mlp'.")
Trained 'mlp'.
"""

from __future__ import annotations

import time

import keras

from kit.training.curves import curves_figure, figure_png
from kit.training.progress_panel import ProgressPanel
from kit.training.readouts import EpochClock, format_duration, format_logs

__all__ = ["SilentProgress", "TextProgress", "WidgetProgress"]


class SilentProgress(keras.callbacks.Callback):
    """Shows nothing; ``close`` prints only a message that must be seen (a stop)."""

    def __init__(self, **arguments):
        super().__init__()
        self.arguments = arguments

    def close(self, message=None, always=False):
        if message and always:
            print(message, flush=True)


class TextProgress(keras.callbacks.Callback):
    """One plain line per epoch, for terminals, scripts and logs."""

    def __init__(
        self, *, model_name, epochs, initial_epoch, steps, samples, run_dir=None, notes=(), previous=None
    ):
        super().__init__()
        self.epochs = epochs
        self.clock = EpochClock(epochs, initial_epoch, steps, samples)
        self.notes = list(notes)
        self.run_dir = run_dir

    def on_train_begin(self, logs=None):
        for note in self.notes:
            print(f"kit.train: {note}", flush=True)

    def on_epoch_begin(self, epoch, logs=None):
        self.clock.begin_epoch(epoch)

    def on_epoch_end(self, epoch, logs=None):
        self.clock.end_epoch()
        parts = [f"epoch {epoch + 1}/{self.epochs}", format_logs(logs or {})]
        rate = self.clock.epoch_rate()
        if rate:
            parts.append(f"{rate:,.0f} samples/s")
        parts.append(f"{self.clock.epoch_times[-1]:.1f} s")
        left = self.clock.remaining(self.clock.steps or 0)
        if left and epoch + 1 < self.epochs:
            parts.append(f"ETA {format_duration(left)}")
        print("  ".join(part for part in parts if part), flush=True)

    def close(self, message=None, always=False):
        if message:
            print(message, flush=True)


class WidgetProgress(keras.callbacks.Callback):
    """Epoch bar, batch bar, numbers and curves in a :class:`ProgressPanel`.

    Inside an epoch the bars and numbers refresh at most every ``bar_every``
    seconds; at an epoch's end they always do. Training waits while the curves
    are drawn, so they are redrawn at most every ``curves_every`` seconds
    (inside an epoch or at its end), and once more at the end if they miss a
    point: short epochs do not pay a drawing each (``benchmarks/progress.py``).
    """

    def __init__(
        self,
        *,
        model_name,
        epochs,
        initial_epoch,
        steps,
        samples,
        run_dir=None,
        notes=(),
        previous=None,
        bar_every=0.25,
        curves_every=2.0,
    ):
        from IPython.display import display

        super().__init__()
        self.steps = steps
        self.bar_every, self.curves_every = bar_every, curves_every
        self.clock = EpochClock(epochs, initial_epoch, steps, samples)
        self.history = {name: list(values) for name, values in (previous or {}).items()}
        self.partial = {}
        self.last_bar = 0.0
        self.last_curves = time.perf_counter()
        self.undrawn = False  # values the curves do not show yet
        self.panel = ProgressPanel(
            model_name, epochs=epochs, initial_epoch=initial_epoch, steps=steps, run_dir=run_dir, notes=notes
        )
        display(self.panel.view)
        if self.history:
            self._draw()

    def on_epoch_begin(self, epoch, logs=None):
        self.clock.begin_epoch(epoch)
        self.partial = {}
        self.panel.begin_epoch(epoch)

    def on_train_batch_end(self, batch, logs=None):
        now = time.perf_counter()
        if now - self.last_bar < self.bar_every:
            return
        self.last_bar = now
        done = batch + 1
        self.panel.show_batch(done)
        values = {name: float(value) for name, value in (logs or {}).items()}
        self._show_numbers(values, self.clock.rate(done), self.clock.remaining(done))
        if now - self.last_curves >= self.curves_every and self.steps:
            position = self.clock.epoch + done / self.steps
            for name, value in values.items():
                self.partial.setdefault(name, []).append((position, value))
            self._draw()

    def on_epoch_end(self, epoch, logs=None):
        self.clock.end_epoch()
        for name, value in (logs or {}).items():
            self.history.setdefault(name, []).append(float(value))
        self.partial = {}
        self.panel.end_epoch(epoch)
        self._show_numbers(dict(logs or {}), self.clock.epoch_rate(), self.clock.remaining(self.steps or 0))
        self.undrawn = True
        if time.perf_counter() - self.last_curves >= self.curves_every:
            self._draw()

    def _show_numbers(self, values, rate, left):
        parts = [format_logs(values)]
        if rate:
            parts.append(f"{rate:,.0f} samples/s")
        if left is not None:
            parts.append(f"ETA {format_duration(left)}")
        self.panel.show_numbers("  |  ".join(part for part in parts if part))

    def _draw(self):
        figure = curves_figure(self.history, self.partial)
        try:
            self.panel.show_curves(figure_png(figure))
        finally:
            figure.clear()
        self.last_curves, self.undrawn = time.perf_counter(), False

    def close(self, message=None, always=False):
        if self.undrawn:
            self._draw()
        if message and always:  # a stop: the widget says so too
            self.panel.show_numbers(message)
        if message:
            print(message, flush=True)

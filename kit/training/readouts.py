"""What the progress displays of ``kit.train`` read out: metrics, durations, speed and time left.

Example
-------
>>> format_logs({"accuracy": 0.5, "loss": 1.25}), format_duration(185)
('loss 1.25 - accuracy 0.5', '3:05')
"""

from __future__ import annotations

import time

__all__ = ["EpochClock", "format_duration", "format_logs"]


def format_logs(logs):
    """``loss 0.4123 - accuracy 0.8821`` from a dict of numbers, losses first.

    >>> format_logs({"accuracy": 0.5, "loss": 1.25})
    'loss 1.25 - accuracy 0.5'
    """

    def order(name):
        base = name[4:] if name.startswith("val_") else name
        return (name.startswith("val_"), base != "loss", "loss" not in base)

    names = sorted(logs, key=order)
    return " - ".join(f"{name} {float(logs[name]):.4g}" for name in names)


def format_duration(seconds):
    """``0:07``, ``3:05`` or ``1:02:03``.

    >>> format_duration(3723)
    '1:02:03'
    """
    seconds = int(round(max(0.0, seconds)))
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


class EpochClock:
    """Epoch timing, samples per second and the time left.

    >>> clock = EpochClock(epochs=3, initial_epoch=0, steps=10, samples=320)
    >>> clock.remaining() is None   # nothing measured yet
    True
    """

    def __init__(self, epochs, initial_epoch, steps, samples):
        self.epochs, self.initial_epoch = epochs, initial_epoch
        self.steps, self.samples = steps, samples
        self.epoch_times = []
        self.epoch_started = self.started = time.perf_counter()
        self.epoch = initial_epoch

    def begin_epoch(self, epoch):
        self.epoch = epoch
        self.epoch_started = time.perf_counter()

    def end_epoch(self):
        self.epoch_times.append(time.perf_counter() - self.epoch_started)

    def rate(self, batches_done):
        """Samples per second in the current epoch (None before it means anything)."""
        elapsed = time.perf_counter() - self.epoch_started
        if not self.samples or not self.steps or elapsed <= 0 or batches_done <= 0:
            return None
        return min(self.samples, batches_done * self.samples / self.steps) / elapsed

    def epoch_rate(self):
        """Samples per second of the last finished epoch (None when unknown)."""
        if not self.epoch_times or not self.samples or not self.steps:
            return None
        return self.samples / self.epoch_times[-1]

    def remaining(self, batches_done=0):
        """Seconds left, or None when unknown."""
        left_epochs = self.epochs - self.epoch - 1
        if self.epoch_times:
            per_epoch = sum(self.epoch_times[-3:]) / len(self.epoch_times[-3:])
        elif self.steps and batches_done:
            per_epoch = (time.perf_counter() - self.epoch_started) * self.steps / batches_done
        else:
            return None
        in_epoch = 0.0
        if self.steps:
            in_epoch = per_epoch * max(0, self.steps - batches_done) / self.steps
        return left_epochs * per_epoch + in_epoch

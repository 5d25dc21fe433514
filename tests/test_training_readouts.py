"""Tests of kit.training.readouts: metric lines, durations, speed and time left."""

import pytest

from kit.training.readouts import EpochClock, format_duration, format_logs


def test_format_logs_puts_losses_first():
    logs = {"val_accuracy": 0.5, "accuracy": 0.75, "val_loss": 2.0, "loss": 1.23456}
    assert format_logs(logs) == "loss 1.235 - accuracy 0.75 - val_loss 2 - val_accuracy 0.5"


@pytest.mark.parametrize("seconds, text", [(0, "0:00"), (7.4, "0:07"), (185, "3:05"), (3723, "1:02:03")])
def test_format_duration(seconds, text):
    assert format_duration(seconds) == text


def test_clock_rate_and_time_left_from_measured_epochs(monkeypatch):
    now = [100.0]
    monkeypatch.setattr("kit.training.readouts.time.perf_counter", lambda: now[0])
    clock = EpochClock(epochs=4, initial_epoch=0, steps=10, samples=320)
    clock.begin_epoch(0)
    now[0] += 2.0
    assert clock.rate(5) == pytest.approx(80.0)  # 160 samples in 2 s
    assert clock.remaining(5) == pytest.approx(3 * 4.0 + 2.0)  # 4 s per epoch, half of one left
    clock.end_epoch()  # the whole epoch took those 2 s
    assert clock.epoch_rate() == pytest.approx(160.0)
    clock.begin_epoch(1)
    assert clock.remaining(0) == pytest.approx(2 * 2.0 + 2.0)


def test_clock_knows_nothing_without_steps_or_time():
    clock = EpochClock(epochs=2, initial_epoch=0, steps=None, samples=0)
    assert clock.rate(3) is None and clock.epoch_rate() is None and clock.remaining() is None

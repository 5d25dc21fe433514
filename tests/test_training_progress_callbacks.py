"""Tests of kit.training.progress_callbacks: the plain lines, the silent display and
the widget's state after a real fit."""

import numpy as np
from training_support import keras, tiny_fit

from kit.training import progress as train_progress


def test_text_progress_prints_one_line_per_epoch(capsys):
    progress = train_progress.make_progress(
        "text",
        model_name="m",
        epochs=3,
        initial_epoch=0,
        steps=5,
        samples=72,
        notes=["compiled with something"],
    )
    tiny_fit(progress)
    progress.close("done.")
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "kit.train: compiled with something"
    assert [line.split()[:2] for line in lines[1:4]] == [["epoch", "1/3"], ["epoch", "2/3"], ["epoch", "3/3"]]
    assert all("loss" in line and "samples/s" in line for line in lines[1:4])
    assert "ETA" in lines[1] and "ETA" not in lines[3]
    assert lines[4] == "done." and len(lines) == 5


def test_silent_progress_prints_only_what_must_be_said(capsys):
    progress = train_progress.make_progress(
        None, model_name="m", epochs=1, initial_epoch=0, steps=1, samples=1
    )
    tiny_fit(progress, epochs=1)
    progress.close("finished")
    progress.close("stopped", always=True)
    assert capsys.readouterr().out == "stopped\n"


def test_widget_progress_state_after_training(capsys, monkeypatch):
    monkeypatch.setattr(train_progress, "BAR_EVERY", 0.0)
    monkeypatch.setattr(train_progress, "CURVES_EVERY", 0.0)
    progress = train_progress.make_progress(
        "widget", model_name="mlp", epochs=3, initial_epoch=0, steps=5, samples=72, run_dir="runs/mlp-1234"
    )
    tiny_fit(progress)
    progress.close("Trained 'mlp'.")
    printed = capsys.readouterr().out
    assert "kit.train progress for 'mlp' (widget)" in printed  # text fallback of the display
    assert printed.strip().endswith("Trained 'mlp'.")
    assert progress.panel.epoch_bar.value == progress.panel.epoch_bar.max == 3
    assert progress.panel.epoch_label.value == "3/3"
    assert progress.panel.batch_bar.value == progress.panel.batch_bar.max == 5
    assert progress.panel.batch_label.value == "5/5"
    assert "loss" in progress.panel.numbers.value and "samples/s" in progress.panel.numbers.value
    progress.close("Stopped during epoch 3.", always=True)
    assert progress.panel.numbers.value == "Stopped during epoch 3."
    assert progress.panel.curves.value[:8] == b"\x89PNG\r\n\x1a\n"
    assert progress.history["loss"] and len(progress.history["val_loss"]) == 3
    assert "runs/mlp-1234" in progress.panel.title.value


def test_widget_numbers_show_rate_and_eta_during_an_epoch(monkeypatch):
    monkeypatch.setattr(train_progress, "BAR_EVERY", 0.0)
    progress = train_progress.make_progress(
        "widget", model_name="m", epochs=2, initial_epoch=0, steps=6, samples=96
    )
    seen = []

    class Spy(keras().callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            seen.append(progress.panel.numbers.value)

    layers = keras().layers
    inputs = keras().Input((3,))
    model = keras().Model(inputs, layers.Dense(1)(inputs))
    model.compile("sgd", "mse")
    model.fit(
        np.zeros((96, 3)), np.zeros(96), batch_size=16, epochs=2, callbacks=[progress, Spy()], verbose=0
    )
    assert any("samples/s" in text and "ETA" in text and "loss" in text for text in seen)


def drawings(progress):
    """The PNG images the widget sends to its curves, in order."""
    sent = []
    progress.panel.show_curves = sent.append
    return sent


def test_widget_curves_wait_for_their_interval_and_the_end_draws_what_they_miss(monkeypatch):
    monkeypatch.setattr(train_progress, "CURVES_EVERY", 3600.0)
    progress = train_progress.make_progress(
        "widget", model_name="m", epochs=3, initial_epoch=0, steps=5, samples=72
    )
    sent = drawings(progress)
    tiny_fit(progress)
    assert sent == []  # three short epochs, no drawing while they train
    progress.close("done.")
    assert len(sent) == 1 and sent[0][:8] == b"\x89PNG\r\n\x1a\n"
    assert len(progress.history["loss"]) == 3
    progress.close()
    assert len(sent) == 1  # nothing new to draw


def test_widget_curves_due_at_every_epoch_end_are_not_drawn_again_at_the_end(monkeypatch):
    monkeypatch.setattr(train_progress, "CURVES_EVERY", 0.0)
    progress = train_progress.make_progress(
        "widget", model_name="m", epochs=3, initial_epoch=0, steps=5, samples=72
    )
    sent = drawings(progress)
    at_epoch_ends = []
    progress.on_epoch_end = lambda epoch, logs=None, end=progress.on_epoch_end: (
        end(epoch, logs),
        at_epoch_ends.append(len(sent)),
    )
    tiny_fit(progress)
    assert len(at_epoch_ends) == 3 and at_epoch_ends == sorted(set(at_epoch_ends))  # each end drew
    progress.close("done.")
    assert len(sent) == at_epoch_ends[-1]


def test_widget_of_a_resumed_run_draws_its_earlier_epochs(capsys):
    progress = train_progress.make_progress(
        "widget",
        model_name="m",
        epochs=4,
        initial_epoch=2,
        steps=6,
        samples=96,
        previous={"loss": [1.0, 0.8]},
    )
    assert progress.panel.epoch_bar.value == 2 and progress.panel.epoch_label.value == "2/4"
    assert progress.panel.curves.value[:8] == b"\x89PNG\r\n\x1a\n"
    assert progress.history == {"loss": [1.0, 0.8]}

"""Tests of kit.training.callbacks on real (tiny) Keras fits: the resumed history,
the checkpoint written per epoch, the position and the stop between batches."""

import json

import numpy as np
import pytest
from training_support import keras

from kit.training import callbacks, runs
from kit.training.stopping import StopButton, StopRequested


def tiny_model():
    inputs = keras().Input((3,))
    model = keras().Model(inputs, keras().layers.Dense(1)(inputs))
    model.compile("sgd", "mse")
    return model


def fit(model, extra, epochs=2, initial_epoch=0):
    x, y = np.ones((32, 3), "float32"), np.zeros(32, "float32")
    return model.fit(
        x, y, batch_size=8, epochs=epochs, initial_epoch=initial_epoch, callbacks=extra, verbose=0
    )


def test_resumed_history_starts_with_the_epochs_already_trained():
    history = callbacks.ResumedHistory(range(2), {"loss": [0.9, 0.7]})
    fit(tiny_model(), [history], epochs=3, initial_epoch=2)
    assert history.epoch == [0, 1, 2]
    assert history.history["loss"][:2] == [0.9, 0.7] and len(history.history["loss"]) == 3


def test_epoch_checkpoint_writes_every_epoch_and_waits_for_the_last(tmp_path):
    model = tiny_model()
    history = callbacks.ResumedHistory()
    state = runs.new_state(0, "tiny", 8, "0a1b2c3d", 2)
    saver = callbacks.EpochCheckpoint(tmp_path, state, history)
    fit(model, [history, saver])
    saved = json.loads((tmp_path / runs.STATE_FILE).read_text())
    assert saved["epochs_done"] == 2 and saved["completed"] and len(saved["history"]["loss"]) == 2
    assert sorted(path.name for path in tmp_path.iterdir()) == ["epoch-0002.npz", "state.json"]
    arrays = np.load(tmp_path / "epoch-0002.npz")
    np.testing.assert_array_equal(arrays["model/0"], model.weights[0].numpy())


def test_epoch_checkpoint_hands_a_failed_write_to_the_training_thread(tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    history = callbacks.ResumedHistory()
    saver = callbacks.EpochCheckpoint(blocked, runs.new_state(0, "tiny", 8, None, 1), history)
    with pytest.raises(OSError):
        fit(tiny_model(), [history, saver], epochs=1)


def test_position_and_stop_after_batch():
    button = StopButton()
    position = callbacks.Position()

    class PressStop(keras().callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            if (position.epoch, batch) == (1, 1):
                button.requested = True

    with pytest.raises(StopRequested):
        fit(tiny_model(), [position, PressStop(), callbacks.StopAfterBatch(button)])
    assert (position.epoch, position.batch) == (1, 2)

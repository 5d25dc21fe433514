"""Several batches per call: same training, fewer round trips, learners' choices kept."""

import os
import re
import signal
import threading

import numpy as np
import pytest
from training_support import build_classifier, data, keras

from kit.training.batches_per_call import batches_per_call, several_batches_per_call, watches_batches
from kit.training.devices import setup
from kit.training.trainer import train


@pytest.fixture(scope="module")
def initial_weights():
    return build_classifier().get_weights()


def trained(initial_weights, callbacks):
    x, y = data(384)
    model = build_classifier()
    model.set_weights(initial_weights)
    env = setup(seed=0, verbose=False)  # the same batches in every run
    train(model, x, y, epochs=3, batch_size=32, checkpoint=False, progress=None, callbacks=callbacks, env=env)
    return model


class BatchesPerCall(keras().callbacks.Callback):
    """Records the model's steps_per_execution at every epoch (no batch hook: kit may batch calls)."""

    def __init__(self):
        super().__init__()
        self.counts = []

    def on_epoch_end(self, epoch, logs=None):
        self.counts.append(self.model.steps_per_execution)


class EveryBatch(keras().callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.batches = []

    def on_train_batch_end(self, batch, logs=None):
        self.batches.append(batch)


@pytest.mark.parametrize("steps, expected", [(1, 1), (7, 7), (12, 6), (97, 1), (1000, 10), (360, 10)])
def test_the_number_of_batches_per_call_divides_the_epoch(steps, expected):
    assert batches_per_call(steps) == expected
    assert steps % batches_per_call(steps) == 0


@pytest.mark.parametrize("steps", [0, -3, 2.5, None, True])
def test_a_bad_number_of_steps_is_refused_with_what_was_expected(steps):
    with pytest.raises(ValueError, match="whole number of batches per epoch"):
        batches_per_call(steps)


def test_only_callbacks_with_batch_hooks_watch_batches():
    assert watches_batches(EveryBatch())
    assert not watches_batches(keras().callbacks.History())
    assert not watches_batches(keras().callbacks.EarlyStopping())


def test_several_batches_per_call_train_the_same_weights_as_one_batch_per_call(initial_weights):
    counted, watched = BatchesPerCall(), EveryBatch()
    batched = trained(initial_weights, [counted])  # 12 batches an epoch: 6 per call
    one_by_one = trained(initial_weights, [watched])
    assert counted.counts == [6, 6, 6] and batched.steps_per_execution == 1  # as it was before
    assert watched.batches == list(range(12)) * 3  # the learner's callback sees every batch
    for several, single in zip(batched.get_weights(), one_by_one.get_weights()):
        np.testing.assert_allclose(several, single, rtol=1e-5, atol=1e-6)


def test_a_model_trained_several_batches_per_call_still_predicts_and_evaluates_every_sample(initial_weights):
    model = trained(initial_weights, [])
    x, y = data(205)
    expected = keras().ops.convert_to_numpy(model(x))
    predicted = model.predict(x, batch_size=16, verbose=0)
    assert predicted.shape == (205, 3)
    np.testing.assert_allclose(predicted, expected, rtol=1e-5, atol=1e-6)
    loss = model.evaluate(x, y, batch_size=16, verbose=0, return_dict=True)["loss"]
    by_hand = keras().losses.sparse_categorical_crossentropy(y, expected)
    assert loss == pytest.approx(float(np.mean(by_hand)), rel=1e-4)


class StopsLater(keras().callbacks.Callback):
    """Presses Stop (SIGINT) ``delay`` seconds after training began, whatever the batch."""

    def __init__(self, delay):
        super().__init__()
        self.timer = threading.Timer(delay, os.kill, (os.getpid(), signal.SIGINT))
        self.batches_per_call = None

    def on_train_begin(self, logs=None):
        self.batches_per_call = self.model.steps_per_execution
        self.timer.start()  # kit's Stop button is active from here on


@pytest.mark.skipif(
    threading.current_thread() is not threading.main_thread(), reason="signals need the main thread"
)
@pytest.mark.parametrize("delay", [0.5, 1.5])
def test_stop_during_several_batches_per_call_ends_at_the_end_of_the_call(delay, capsys):
    x, y = data(384)  # 12 batches an epoch: 6 per call
    stopper = StopsLater(delay)
    try:
        history = train(
            build_classifier,
            x,
            y,
            epochs=100_000,
            batch_size=32,
            checkpoint=False,
            progress=None,
            callbacks=[stopper],
        )
    finally:
        stopper.timer.cancel()
    stopped = re.search(r"Stopped during epoch \d+ after batch (\d+)", capsys.readouterr().out)
    assert history.interrupted and stopped and stopper.batches_per_call == 6
    assert int(stopped.group(1)) in (0, 6, 12)  # between calls, never inside one


def test_the_learners_traced_functions_come_back_after_kits_run():
    model = build_classifier()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    x, y = data(384)
    model.fit(x, y, batch_size=32, epochs=1, verbose=0)
    learners = model.train_function
    with several_batches_per_call(model, 12) as count:
        assert count == model.steps_per_execution == 6 and model.train_function is None
        model.fit(x, y, batch_size=32, epochs=1, verbose=0)
        assert model.train_function not in (None, learners)
    assert model.steps_per_execution == 1 and model.train_function is learners
    with several_batches_per_call(model, 7) as count:
        assert count == 7 and model.train_function is None  # traced anew for each run
    with several_batches_per_call(model, None) as count:
        assert count == 1 and model.train_function is learners


def test_the_learners_own_steps_per_execution_is_kept():
    x, y = data(384)
    model = build_classifier()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", steps_per_execution=4)
    train(model, x, y, epochs=1, batch_size=32, checkpoint=False, progress=None)
    assert model.steps_per_execution == 4

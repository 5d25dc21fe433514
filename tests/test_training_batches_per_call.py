"""Several batches per call: same training, fewer round trips, learners' choices kept."""

import keras
import numpy as np
import pytest

from kit.training.batches_per_call import batches_per_call, set_batches_per_call, watches_batches
from kit.training.devices import setup
from kit.training.trainer import train


def data(samples):
    generator = np.random.default_rng(3)
    x = generator.normal(size=(samples, 6)).astype("float32")
    return x, (x[:, 0] > 0).astype("int64")


def build_classifier():
    keras.utils.set_random_seed(7)
    inputs = keras.Input((6,), name="features")
    hidden = keras.layers.Dense(8, activation="relu")(inputs)
    return keras.Model(inputs, keras.layers.Dense(2, activation="softmax")(hidden))


class EveryBatch(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.batches = []

    def on_train_batch_end(self, batch, logs=None):
        self.batches.append(batch)


def trained(callbacks):
    x, y = data(384)
    model = build_classifier()
    env = setup(seed=0, verbose=False)  # the same batches in every run
    train(model, x, y, epochs=3, batch_size=32, checkpoint=False, progress=None, callbacks=callbacks, env=env)
    return model


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
    assert not watches_batches(keras.callbacks.History())
    assert not watches_batches(keras.callbacks.EarlyStopping())


def test_several_batches_per_call_train_the_same_weights_as_one_batch_per_call():
    batched = trained([])  # 12 batches an epoch: 6 per call
    watched = EveryBatch()
    one_by_one = trained([watched])
    assert batched.steps_per_execution == 6 and one_by_one.steps_per_execution == 1
    assert watched.batches == list(range(12)) * 3  # the learner's callback sees every batch
    for several, single in zip(batched.get_weights(), one_by_one.get_weights()):
        np.testing.assert_allclose(several, single, rtol=1e-5, atol=1e-6)


def test_a_model_trained_several_batches_per_call_still_predicts_and_evaluates_every_sample():
    model = trained([])
    x, y = data(205)
    expected = keras.ops.convert_to_numpy(model(x))
    predicted = model.predict(x, batch_size=16, verbose=0)
    assert predicted.shape == (205, 2)
    np.testing.assert_allclose(predicted, expected, rtol=1e-5, atol=1e-6)
    loss = model.evaluate(x, y, batch_size=16, verbose=0, return_dict=True)["loss"]
    by_hand = keras.losses.sparse_categorical_crossentropy(y, expected)
    assert loss == pytest.approx(float(np.mean(by_hand)), rel=1e-4)


def test_a_second_run_with_other_epochs_changes_the_number_kit_chose():
    model = build_classifier()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    assert set_batches_per_call(model, 12) == 6
    assert set_batches_per_call(model, 7) == 7 and model.steps_per_execution == 7
    assert set_batches_per_call(model, None) == 1 and model.train_function is None


def test_the_learners_own_steps_per_execution_is_kept():
    x, y = data(384)
    model = build_classifier()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", steps_per_execution=4)
    train(model, x, y, epochs=1, batch_size=32, checkpoint=False, progress=None)
    assert model.steps_per_execution == 4

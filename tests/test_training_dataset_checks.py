"""Tests of kit.training.dataset_checks: a dataset's spec against the model, never reading it."""

import numpy as np
import pytest
from training_support import keras

from kit.training.dataset_checks import checked_dataset, spec_like, unbatched
from kit.training.ports import Port


def classifier():
    inputs = keras().Input((4,), name="features")
    return keras().Model(inputs, keras().layers.Dense(3, activation="softmax", name="kind")(inputs))


def test_unbatched_datasets_get_batched_and_batched_ones_stay():
    import tensorflow as tf

    x, y = np.zeros((10, 4), "float32"), np.zeros(10, "int64")
    dataset, batched, targets = checked_dataset(
        classifier(), tf.data.Dataset.from_tensor_slices((x, y)), 4, "x"
    )
    assert not batched and [len(b[1]) for b in dataset] == [4, 4, 2]
    assert list(targets) == ["kind"]
    _, batched, _ = checked_dataset(classifier(), tf.data.Dataset.from_tensor_slices((x, y)).batch(5), 4, "x")
    assert batched


def test_the_learners_dataset_runs_without_the_autotuning_thread_unless_it_asks_for_it():
    import tensorflow as tf

    x, y = np.zeros((10, 4), "float32"), np.zeros(10, "int64")
    plain = tf.data.Dataset.from_tensor_slices((x, y))
    assert checked_dataset(classifier(), plain, 4, "x")[0].options().autotune.enabled is False
    options = tf.data.Options()
    options.autotune.enabled = True
    chosen = plain.with_options(options)
    assert checked_dataset(classifier(), chosen, 4, "x")[0].options().autotune.enabled is True


def test_a_dataset_of_the_wrong_shape_or_text_is_refused():
    import tensorflow as tf

    wrong = tf.data.Dataset.from_tensor_slices((np.zeros((4, 5), "float32"), np.zeros(4)))
    with pytest.raises(ValueError, match=r"x's input 'features' has shape .* but the model expects"):
        checked_dataset(classifier(), wrong, 2, "x")
    text = tf.data.Dataset.from_tensor_slices((np.zeros((4, 4), "float32"), np.array(["a"] * 4)))
    with pytest.raises(TypeError, match=r"x's target 'kind' holds text labels"):
        checked_dataset(classifier(), text, 2, "x")


def test_spec_helpers():
    import tensorflow as tf

    spec = unbatched(tf.TensorSpec((3,), tf.int64), batched=False)
    assert spec.shape.as_list() == [None, 3]
    stand_in = spec_like(Port("kind", (None, 3), "float32"), spec)
    assert stand_in.shape == (1, 3) and stand_in.dtype == np.int64
    assert spec_like(None, None) is None

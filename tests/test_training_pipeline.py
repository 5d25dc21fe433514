"""Tests of kit.training.pipeline: reproducible batches from arrays, epoch after epoch."""

import gc
import weakref

import numpy as np

from kit.training.pipeline import array_dataset, validation_dataset


def test_epoch_order_depends_only_on_seed_and_epoch():
    x = np.arange(20, dtype="float32")[:, None]
    y = np.arange(20)

    def batches(first_epoch, count):
        dataset = array_dataset(x, y, 8, seed=5, first_epoch=first_epoch)
        return [batch[1].numpy().tolist() for batch in dataset.take(count)]

    from_start = batches(0, 9)  # 3 batches per epoch (8, 8, 4)
    assert batches(2, 3) == from_start[6:9]
    epochs = [sorted(sum(from_start[i : i + 3], [])) for i in (0, 3, 6)]
    assert all(epoch == list(range(20)) for epoch in epochs)
    assert from_start[0:3] != from_start[3:6]  # reshuffled every epoch


def test_batches_cover_dicts_and_lists_of_arrays_in_step():
    x = {"a": np.arange(10, dtype="float32")[:, None], "b": [np.arange(10), np.arange(10) * 2]}
    y = np.arange(10)
    for inputs, targets in array_dataset(x, y, 4, seed=1).take(3):
        np.testing.assert_array_equal(inputs["a"].numpy()[:, 0], targets.numpy())
        np.testing.assert_array_equal(inputs["b"][1].numpy(), 2 * targets.numpy())


def test_without_shuffle_the_order_is_the_arrays_order():
    y = np.arange(7)
    stream = array_dataset(np.zeros((7, 1)), y, 3, shuffle=False)
    assert [batch[1].numpy().tolist() for batch in stream.take(4)] == [[0, 1, 2], [3, 4, 5], [6], [0, 1, 2]]


def test_validation_batches_are_finite_and_in_order():
    y = np.arange(5)
    batches = [targets.numpy().tolist() for _, targets in validation_dataset(np.zeros((5, 2)), y, 2)]
    assert batches == [[0, 1], [2, 3], [4]]


def test_no_pipeline_starts_the_autotuning_thread_that_iterator_deletion_waits_for():
    numbers, words = np.zeros((4, 1)), np.array(["a", "b", "c", "d"])
    datasets = [
        array_dataset(numbers, np.arange(4), 2),
        validation_dataset(numbers, np.arange(4), 2),
        validation_dataset(words, np.arange(4), 2),  # the TensorFlow path
    ]
    assert [dataset.options().autotune.enabled for dataset in datasets] == [False, False, False]
    assert [len(y) for _, y in datasets[0].take(3)] == [2, 2, 2]  # prefetch still runs


def test_numeric_arrays_are_read_in_place_not_copied():
    x = np.zeros((6, 3), dtype="float32")
    stream = array_dataset(x, np.arange(6), 6, shuffle=False)
    x[4] = 7.0  # a copy made when the stream was built would not see this
    inputs, _ = next(iter(stream))
    np.testing.assert_array_equal(inputs.numpy()[4], [7.0, 7.0, 7.0])
    assert stream.element_spec[0].shape.as_list() == [None, 3]


def test_string_arrays_take_the_tensorflow_path():
    x = np.array(["a", "b", "c", "d"])
    batches = [inputs.numpy().tolist() for inputs, _ in validation_dataset(x, np.arange(4), 3)]
    assert batches == [[b"a", b"b", b"c"], [b"d"]]


def test_the_arrays_are_freed_with_the_last_dataset_that_reads_them():
    # TensorFlow keeps every function that a tf.data map calls through numpy_function for the life
    # of the process; a pipeline that kept its arrays in that function would never let them go.
    x, y = np.zeros((6, 2), dtype="float32"), np.arange(6)
    x_alive, y_alive = weakref.ref(x), weakref.ref(y)
    stream = array_dataset(x, y, 4).take(2)
    del x, y
    gc.collect()
    assert [len(targets) for _, targets in stream] == [4, 2]  # the dataset still holds them
    assert x_alive() is not None and y_alive() is not None
    del stream
    gc.collect()
    assert x_alive() is None and y_alive() is None


def test_an_iterator_keeps_its_arrays_after_the_dataset_name_is_gone():
    batches = iter(validation_dataset(np.ones((5, 1), dtype="float32"), np.arange(5), 2))
    gc.collect()
    assert [targets.numpy().tolist() for _, targets in batches] == [[0, 1], [2, 3], [4]]

"""Tests of kit.training.values: checks of one array's values, each message naming the array."""

import numpy as np
import pytest

from kit.training.ports import Port
from kit.training.values import (
    as_array,
    check_finite,
    check_input,
    check_text,
    count_samples,
    first_bad,
    flat_arrays,
    integer_valued,
    is_dataset,
    looks_one_hot,
    shape_matches,
)


def test_flat_arrays_and_count_samples_walk_nested_structures():
    a, b, c = np.zeros((4, 1)), np.ones(4), np.ones((4, 2))
    assert [len(array) for array in flat_arrays({"a": a, "rest": [b, (c,)]})] == [4, 4, 4]
    assert flat_arrays(None) == [] and count_samples([a, b]) == 4


def test_is_dataset_only_for_tf_data():
    import tensorflow as tf

    assert is_dataset(tf.data.Dataset.range(3)) and not is_dataset(np.zeros(3))


def test_as_array_refuses_single_values_ragged_rows_and_nested_datasets():
    import tensorflow as tf

    assert as_array([[1, 2], [3, 4]], "x").shape == (2, 2)
    with pytest.raises(
        ValueError, match=r"x should be an array with one row per sample, got the single value 3"
    ):
        as_array(3, "x")
    with pytest.raises(ValueError, match=r"different lengths.*pad_sequences"):
        as_array([[1, 2], [3]], "x")
    with pytest.raises(TypeError, match=r"x\['a'\] is a tf.data.Dataset inside a list or dict"):
        as_array(tf.data.Dataset.range(3), "x['a']")


def test_check_finite_counts_and_locates_bad_values():
    array = np.array([[0.0, np.inf], [np.nan, np.nan]])
    with pytest.raises(
        ValueError,
        match=r"x has 2 NaN \(first at sample 1, position \(0,\)\) and 1 infinite \(first at sample 0, position \(1,\)\)",
    ):
        check_finite(array, "x")
    check_finite(np.array([1, 2]), "x")  # integers cannot be NaN
    assert first_bad(array, np.isnan(array)) == "sample 1, position (0,)"
    assert first_bad(np.array([1, -1]), np.array([False, True])) == "sample 1"


def test_check_text_for_inputs_and_targets():
    with pytest.raises(TypeError, match=r"y holds text labels \('cat', 'dog', \.\.\.\).*np.unique"):
        check_text(np.array(["cat", "dog", "cat"]), "y", "target")
    with pytest.raises(TypeError, match=r"x holds text .*TextVectorization"):
        check_text(np.array(["a b"]), "x", "input")


def test_check_input_converts_to_the_inputs_dtype_and_suggests_reshapes():
    port = Port("pixels", (None, 4), "float32")
    assert check_input(np.zeros((2, 4), "float64"), port, "x").dtype == np.float32
    with pytest.raises(ValueError, match=r"Fix: x = x.reshape\(len\(x\), 4\)"):
        check_input(np.zeros((2, 2, 2)), port, "x")
    words = Port("words", (None, 3), "int32")
    assert check_input(np.array([[1.0, 2.0, 3.0]]), words, "x").dtype == np.int32
    with pytest.raises(TypeError, match=r"non-integer values \(1.5 at sample 0, position \(1,\)\)"):
        check_input(np.array([[1.0, 1.5, 3.0]]), words, "x")


def test_shapes_labels_and_one_hot_rows():
    assert shape_matches((3, 4), (None, 4)) and not shape_matches((3,), (None, 4))
    assert integer_valued(np.array([1.0, 2.0])) and not integer_valued(np.array([1.5]))
    assert looks_one_hot(np.eye(3)) and not looks_one_hot(np.ones((3, 3)))

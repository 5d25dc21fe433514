import keras
import pytest
from keras import layers

from kit import nodes


@pytest.fixture
def shared_lstm():
    lstm = layers.LSTM(32, name="lstm")
    a = keras.Input((280, 256), name="tweet_a")
    b = keras.Input((280, 256), name="tweet_b")
    encoded_a, encoded_b = lstm(a), lstm(b)
    model = keras.Model([a, b], layers.concatenate([encoded_a, encoded_b]), name="tweets")
    return lstm, a, b, encoded_a, encoded_b, model


def test_outputs_and_inputs_by_node_index(shared_lstm):
    lstm, a, b, encoded_a, encoded_b, _ = shared_lstm
    assert nodes.get_output_at(lstm, 0) is encoded_a
    assert nodes.get_output_at(lstm, 1) is encoded_b
    assert nodes.get_input_at(lstm, 0) is a and nodes.get_input_at(lstm, 1) is b
    # Keras 3's own answer is always the first call's output: the reason for this module.
    assert lstm.output is encoded_a


def test_shapes_by_node_index_for_conv_called_on_two_sizes():
    conv = layers.Conv2D(16, (3, 3), padding="same", name="conv")
    small = conv(keras.Input((32, 32, 3)))
    large = conv(keras.Input((64, 64, 3)))
    assert nodes.get_input_shape_at(conv, 0) == (None, 32, 32, 3)
    assert nodes.get_input_shape_at(conv, 1) == (None, 64, 64, 3)
    assert nodes.get_output_shape_at(conv, 1) == (None, 64, 64, 16)
    assert nodes.get_output_at(conv, 0) is small and nodes.get_output_at(conv, 1) is large


def test_several_inputs_and_outputs_come_back_as_lists():
    merge = layers.Concatenate(name="merge")
    x, y = keras.Input((2,)), keras.Input((3,))
    merge([x, y])
    assert nodes.get_input_shape_at(merge, 0) == [(None, 2), (None, 3)]
    lstm = layers.LSTM(4, return_state=True)
    outputs = lstm(keras.Input((5, 2)))
    assert nodes.get_output_at(lstm, 0) == list(outputs)
    assert nodes.get_output_shape_at(lstm, 0) == [(None, 4)] * 3


def test_table_lists_every_call_and_its_model(shared_lstm):
    lstm, *_, model = shared_lstm
    solo = keras.Input((280, 256), name="solo")
    other = keras.Model(solo, lstm(solo), name="other")
    table = nodes.table(lstm, [model, other])
    assert [row.node_index for row in table] == [0, 1, 2]
    assert [row.models for row in table] == [["tweets"], ["tweets"], ["other"]]
    assert table.rows[1].input_shapes == [(None, 280, 256)]
    assert table.rows[1].output_shapes == [(None, 32)]
    text = str(table)
    assert "3 calls" in text and "in model" in text and "other" in text
    assert "<table>" in table._repr_html_() and "tweets" in table._repr_html_()
    assert "in model" not in str(nodes.table(lstm))


def test_never_called_layer_is_a_clear_error():
    with pytest.raises(ValueError, match="never been called"):
        nodes.get_output_at(layers.Dense(3, name="lonely"), 0)
    with pytest.raises(ValueError, match="never been called"):
        nodes.table(layers.Dense(3))


@pytest.mark.parametrize("index", [2, 7, -1])
def test_index_out_of_range_says_how_many_nodes_exist(shared_lstm, index):
    lstm = shared_lstm[0]
    with pytest.raises(ValueError, match="has 2 nodes: valid indices are 0 to 1"):
        nodes.get_output_shape_at(lstm, index)


@pytest.mark.parametrize("bad", [None, "lstm", 3.5, keras.Input((3,))])
def test_not_a_layer_is_a_type_error(bad):
    with pytest.raises(TypeError, match="expected a Keras layer"):
        nodes.get_input_at(bad, 0)


def test_non_integer_index_is_a_type_error(shared_lstm):
    with pytest.raises(TypeError, match="integer node index"):
        nodes.get_output_at(shared_lstm[0], "1")


def test_an_input_layer_has_one_node_its_input_tensor():
    x = keras.Input((3,), name="node_input")
    input_layer = x._keras_history.operation
    assert nodes.get_output_at(input_layer, 0) is x
    assert nodes.get_output_shape_at(input_layer, 0) == (None, 3)

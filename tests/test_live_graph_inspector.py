import keras
import pytest
from keras import layers

import kit
from kit.live_graph.inspector import inspect_layer
from kit.live_graph.widget import LiveGraph


def shared_lstm_model():
    """The guide's shared LSTM over two tweets, at a small size."""
    tweet_a = keras.Input((12, 8), name="insp_tweet_a")
    tweet_b = keras.Input((12, 8), name="insp_tweet_b")
    shared_lstm = layers.LSTM(6, name="insp_shared_lstm")
    encoded_a = shared_lstm(tweet_a)
    encoded_b = shared_lstm(tweet_b)
    merged = layers.concatenate([encoded_a, encoded_b], name="insp_merged")
    prediction = layers.Dense(1, activation="sigmoid", name="insp_prediction")(merged)
    return keras.Model([tweet_a, tweet_b], prediction, name="insp_tweets")


def test_node_table_of_a_shared_layer_lists_each_call():
    with LiveGraph(ipython=False) as graph:
        shared_lstm_model()
    report = graph.inspect("insp_shared_lstm")
    assert report.class_name == "LSTM"
    assert report.params == 4 * 6 * (8 + 6 + 1)
    assert report.config["units"] == 6
    assert [c.node_index for c in report.calls] == [0, 1]
    assert [c.sources for c in report.calls] == [("insp_tweet_a",), ("insp_tweet_b",)]
    assert [c.input_shapes for c in report.calls] == [((None, 12, 8),), ((None, 12, 8),)]
    assert [c.output_shapes for c in report.calls] == [((None, 6),), ((None, 6),)]
    assert report.calls[0].origin.code == "encoded_a = shared_lstm(tweet_a)"
    assert report.calls[1].origin.code == "encoded_b = shared_lstm(tweet_b)"
    assert report.calls[1].origin.line == report.calls[0].origin.line + 1
    assert str(report.calls[1].origin).startswith("test_live_graph_inspector.py, line ")
    assert "called 2 times" in report.notes[0]


def test_text_and_html_show_the_same_table():
    with LiveGraph(ipython=False) as graph:
        shared_lstm_model()
    report = graph.inspect("insp_shared_lstm")
    text = str(report)
    assert text.splitlines()[0] == "insp_shared_lstm (LSTM): 360 parameters, 2 calls"
    assert "node  inputs from" in text
    assert "1     insp_tweet_b  (None, 12, 8)  (None, 6)" in text
    page = report.html()
    assert page.count("<tr>") == 3  # header + two calls
    assert "<code>encoded_b = shared_lstm(tweet_b)</code>" in page


def test_a_consumer_of_a_later_call_names_the_producer_node():
    with LiveGraph(ipython=False) as graph:
        x = keras.Input((4,), name="insp_x")
        dense = layers.Dense(4, name="insp_twice")
        y = dense(dense(x))
        layers.Dense(1, name="insp_after")(y)
    report = graph.inspect("insp_after")
    assert report.calls[0].sources == ("insp_twice [node 1]",)
    twice = graph.inspect("insp_twice")
    assert [c.sources for c in twice.calls] == [("insp_x",), ("insp_twice [node 0]",)]


def test_works_on_a_graph_of_a_model_without_code_lines():
    report = inspect_layer(kit.graph_of(shared_lstm_model()), "insp_shared_lstm")
    assert [c.node_index for c in report.calls] == [0, 1]
    assert [c.origin for c in report.calls] == [None, None]
    assert str(report).splitlines()[-1].rstrip().endswith("(None, 6)")


def test_unknown_layer_is_a_clear_error():
    with LiveGraph(ipython=False) as graph:
        keras.Input((2,), name="insp_lonely")
    with pytest.raises(ValueError, match="expected the name of a layer in this graph, got 'nope'"):
        graph.inspect("nope")

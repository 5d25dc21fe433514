"""Turning what check() was given into a checkable subject."""

import numpy as np

from kit.exercises.subject import Port, Problem, Subject, describe, first_line, resolve
from kit.quiet import import_keras_quietly

keras = import_keras_quietly()
layers = keras.layers


def chain_model():
    x = keras.Input((6,), name="x")
    h = layers.Dense(4, name="h")(x)
    a = layers.Activation("relu", name="act")(h)
    s = layers.Dense(3, name="s")(a)
    out = layers.Softmax(name="soft")(s)
    return keras.Model(x, out)


def test_resolve_accepts_a_model_and_a_builder():
    model = chain_model()
    assert isinstance(resolve(model), Subject)
    subject = resolve(chain_model)
    assert isinstance(subject, Subject) and subject.label == "chain_model()"
    assert resolve(lambda: model).label == "your function()"


def test_activation_is_found_in_the_layer_or_the_activation_layer_after_it():
    subject = resolve(chain_model())
    assert subject.activation("h") == "relu"
    assert subject.activation("s") == "softmax"
    assert subject.activation("act") == "relu"


def test_keys_producers_and_consumers_follow_the_graph():
    subject = resolve(chain_model())
    assert subject.keys() == ["h", "act", "s", "soft"]
    assert subject.keys("Dense") == ["h", "s"]
    assert subject.producers("s") == ["act"]
    assert subject.consumers("x") == ["h"]


def test_sample_batches_are_seeded_and_respect_integer_ranges():
    ids = keras.Input((None,), dtype="int32", name="ids")
    model = keras.Model(ids, layers.Embedding(50, 2)(ids))
    subject = resolve(model)
    spec = [Port("ids", (None, 7), "int32", low=1, high=50)]
    first, again = subject.sample(spec)[0], subject.sample(spec)[0]
    assert first.shape == (2, 7) and first.dtype == np.int32
    assert first.min() >= 1 and first.max() < 50
    assert np.array_equal(first, again)


def test_forward_runs_once_and_is_cached():
    subject = resolve(chain_model())
    spec = [Port("x", (None, 6))]
    outputs = subject.forward(spec)
    assert subject.forward(spec) is outputs
    assert outputs[0].shape == (2, 3)
    assert np.allclose(outputs[0].sum(axis=1), 1.0, atol=1e-5)


def test_pairs_are_resolved_by_role():
    encoder, other = chain_model(), chain_model()
    subject = resolve((encoder, other), expects="pair")
    assert subject.parts == {"encoder": encoder, "autoencoder": other}
    assert subject.model is other
    same = resolve((encoder, encoder), expects="pair")
    assert isinstance(same, Problem) and "the same model twice" in same.message
    single = resolve(encoder, expects="pair")
    assert "expected the pair (encoder, autoencoder)" in single.message
    returns_none = resolve(lambda: None, expects="pair")
    assert "`return encoder, autoencoder`" in returns_none.message


def test_describe_and_first_line():
    assert describe(None) == "None"
    assert describe([1, 2]) == "a list of 2 items"
    assert describe(3) == "an int (3)"
    assert describe(int) == "the class int"
    assert first_line(ValueError("first\nsecond")) == "first"
    assert first_line(ValueError("x" * 400)).endswith("...")

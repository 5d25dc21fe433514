"""The requirement engine: each requirement gives one checklist item, never a traceback."""

from kit.exercises.catalogue import EXERCISES, FUNCTIONAL_MLP, SIAMESE_LSTM
from kit.exercises.engine import (
    Requirement,
    Unmet,
    other_exercise,
    run_requirements,
    subject_signature,
    wrong_exercise_problem,
)
from kit.exercises.subject import resolve
from kit.quiet import import_keras_quietly

keras = import_keras_quietly()


def test_each_requirement_gives_one_item_in_order():
    requirements = [
        Requirement("holds", lambda s: None),
        Requirement("returns a message", lambda s: "it is 3, expected 4"),
        Requirement("raises Unmet", lambda s: (_ for _ in ()).throw(Unmet("no LSTM layer"))),
    ]
    items = run_requirements(requirements, subject=None)
    assert [(i.text, i.passed, i.message) for i in items] == [
        ("holds", True, ""),
        ("returns a message", False, "it is 3, expected 4"),
        ("raises Unmet", False, "no LSTM layer"),
    ]


def test_an_unexpected_error_in_a_test_becomes_a_cross_with_its_message():
    def broken(subject):
        return subject.graph.nodes["missing"]

    [item] = run_requirements([Requirement("probe", broken)], subject=None)
    assert not item.passed
    assert item.message.startswith("could not check this on your model: AttributeError:")


def siamese_model():
    a = keras.Input((280, 256), name="tweet_a")
    b = keras.Input((280, 256), name="tweet_b")
    lstm = keras.layers.LSTM(64)
    merged = keras.layers.concatenate([lstm(a), lstm(b)])
    return keras.Model([a, b], keras.layers.Dense(1, activation="sigmoid")(merged))


def test_signatures_are_computed_from_the_spec_and_match_the_solution():
    subject = resolve(siamese_model())
    assert subject_signature(subject) == SIAMESE_LSTM.signature()
    assert SIAMESE_LSTM.signature() == (((280, 256), (280, 256)), ((1,),))


def test_every_exercise_has_its_own_signature():
    signatures = [e.signature() for e in EXERCISES]
    assert len(set(signatures)) == len(signatures)


def test_another_exercises_model_is_found_and_named():
    subject = resolve(siamese_model())
    assert other_exercise(SIAMESE_LSTM, subject, EXERCISES) is None
    found = other_exercise(FUNCTIONAL_MLP, subject, EXERCISES)
    assert found is SIAMESE_LSTM
    message = wrong_exercise_problem(FUNCTIONAL_MLP, found).message
    assert "the model of the exercise 'siamese_lstm'" in message
    assert "'functional_mlp' asks for a functional MLP" in message

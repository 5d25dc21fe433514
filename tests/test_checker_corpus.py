"""The checker on a class's worth of answers: every wrong one fails, and its first ✗ line
names the mistake; every right one, written in another style than the solution, passes."""

import pytest
from checker_corpus import ANSWERS, run

from kit.exercises import names
from kit.exercises.feedback import reset_hints


def test_the_corpus_covers_every_exercise():
    for name in names():
        wrong = [a for a in ANSWERS if a.exercise == name and not a.passes]
        right = [a for a in ANSWERS if a.exercise == name and a.passes]
        assert len(wrong) >= 6 and len(right) >= 2, name
    assert sum(not a.passes for a in ANSWERS) >= 80
    assert len({a.key for a in ANSWERS}) == len(ANSWERS)


@pytest.mark.parametrize("answer", [a for a in ANSWERS if not a.passes], ids=lambda a: a.key)
def test_a_wrong_answer_fails_and_its_first_cross_names_the_mistake(answer):
    result, first = run(answer)
    assert not result, f"{answer.key} passed:\n{result}"
    missing = [word for word in answer.words if word.lower() not in first.lower()]
    assert not missing, f"the first ✗ line lacks {missing}:\n{first}"


@pytest.mark.parametrize("answer", [a for a in ANSWERS if a.passes], ids=lambda a: a.key)
def test_a_right_answer_in_another_style_passes(answer):
    result, _ = run(answer)
    assert result, f"{answer.key} failed:\n{result}"


@pytest.mark.parametrize(
    "answer",
    [a for a in ANSWERS if not a.passes and a.exercise in ("vqa", "node_indexing")],
    ids=lambda a: a.key,
)
def test_the_first_hint_is_about_the_first_cross(answer):
    result, _ = run(answer)
    reset_hints(answer.exercise)
    failing = next((item for item in result.items if not item.passed), None)
    first, second = result.hint(), result.hint()
    if failing is None:  # nothing could be checked: the exercise's own hints
        assert first.text == result.hints[0]
    else:
        assert first.text == f"about ✗ {failing.text}: {failing.hints[0]}"
        assert second.text == f"about ✗ {failing.text}: {failing.hints[1]}"

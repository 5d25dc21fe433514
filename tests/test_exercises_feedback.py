"""The checklist display and the hints revealed one at a time."""

import pytest

from kit.exercises.engine import Item
from kit.exercises.feedback import CROSS, TICK, CheckResult, Hint, ProgressReport, reset_hints


@pytest.fixture(autouse=True)
def fresh_hints():
    reset_hints()
    yield
    reset_hints()


def result(*items, problem=None, hints=("First.", "Second.")):
    return CheckResult("demo", "A demo exercise", list(items), problem, hints)


def test_a_result_is_truthy_only_when_every_requirement_holds():
    assert result(Item("a", True), Item("b", True))
    assert not result(Item("a", True), Item("b", False, "b is wrong"))
    assert not result(problem="nothing here")
    assert not result()


def test_the_text_has_one_line_per_requirement_and_the_message_under_each_cross():
    text = str(result(Item("one input", True), Item("softmax output", False, "'dense' uses relu")))
    assert text.splitlines() == [
        "demo: 1 of 2 requirements hold",
        f"  {TICK} one input",
        f"  {CROSS} softmax output",
        "      'dense' uses relu",
        "Fix the ✗ lines and check again; result.hint() reveals a hint.",
    ]
    assert repr(result(Item("x", True))) == str(result(Item("x", True)))


def test_a_passed_result_says_so_and_points_to_progress():
    text = str(result(Item("one input", True)))
    assert text.startswith("demo: passed, all 1 requirements hold")
    assert "kit.progress()" in text


def test_a_problem_is_shown_as_the_single_cross():
    text = str(result(problem="got None instead of a model."))
    assert text.splitlines()[:3] == [
        "demo: nothing to check yet",
        f"  {CROSS} a model to check",
        "      got None instead of a model.",
    ]
    assert result(problem="p").failures == ["p"]


def test_the_html_escapes_messages_and_is_deterministic():
    first = result(Item("<b>", False, "x < y & 'z'"))._repr_html_()
    second = result(Item("<b>", False, "x < y & 'z'"))._repr_html_()
    assert first == second
    assert "&lt;b&gt;" in first and "x &lt; y &amp; &#x27;z&#x27;" in first
    assert "<b>" not in first.replace("<b>demo</b>", "")


def test_hints_are_revealed_one_at_a_time_and_then_run_out():
    failed = result(Item("a", False, "m"))
    assert str(failed.hint()) == "Hint 1 of 2 for demo: First."
    again = result(Item("a", False, "m"))  # re-running the check keeps the count
    assert str(again.hint()) == "Hint 2 of 2 (the last one) for demo: Second."
    assert str(again.hint()).startswith("No more hints for demo: all 2 are shown above")
    assert str(again.hint()).startswith("No more hints")
    reset_hints("demo")
    assert failed.hint().number == 1


def test_a_hint_renders_as_html_too():
    hint = Hint("demo", 1, 3, "Use <softmax>.")
    assert "Use &lt;softmax&gt;." in hint._repr_html_()
    assert repr(hint) == "Hint 1 of 3 for demo: Use <softmax>."


def test_the_progress_report_counts_and_marks_each_exercise():
    report = ProgressReport(
        [
            ("a", "First", {"passed": True, "attempts": 2, "first_passed": "2025-01-02T03:04:05+00:00"}),
            ("b", "Second", {"passed": False, "attempts": 3}),
            ("c", "Third", {}),
        ],
        "/tmp/progress.json",
    )
    assert len(report) == 1 and report.passed == ["a"]
    assert str(report).splitlines() == [
        "Exercises passed: 1 of 3",
        f"  {TICK} a  passed on 2025-01-02",
        "  · b  not yet (3 checks)",
        "  · c  not started",
        "(progress file: /tmp/progress.json)",
    ]


def test_hints_start_from_the_first_failing_line_and_go_from_nudge_to_change():
    from kit.exercises.engine import Item

    failing = Item(
        "an output Dense(10)", False, "found Dense(3)", hints=("Look at the last layer.", "Use Dense(10).")
    )
    other = Item("one input", False, "found 2", hints=("Count the inputs.",))
    result = CheckResult(
        "demo", "A demo exercise", [Item("built", True), failing, other], None, ("General.",)
    )
    shown = [str(result.hint()) for _ in range(4)]
    assert shown[0] == "Hint 1 of 3 for demo: about ✗ an output Dense(10): Look at the last layer."
    assert shown[1] == "Hint 2 of 3 for demo: about ✗ an output Dense(10): Use Dense(10)."
    assert shown[2] == "Hint 3 of 3 (the last one) for demo: General."
    assert shown[3].startswith("No more hints")
    # Once that line holds, the hints start again from the next failing one.
    fixed = CheckResult("demo", "A demo exercise", [Item("built", True), other], None, ("General.",))
    assert str(fixed.hint()) == "Hint 1 of 2 for demo: about ✗ one input: Count the inputs."


def test_kit_check_hints_name_the_failing_requirement():
    import keras

    import kit

    reset_hints()
    model = keras.Sequential([keras.Input((784,)), keras.layers.Dense(10, activation="softmax")])
    result = kit.check("functional_mlp", lambda: model, save=False)
    assert "about ✗ built with the functional API" in str(result.hint())
    assert "keras.Model(inputs=x, outputs=y)" in str(result.hint())

"""Self-study exercises that check a learner's model and say what is wrong.

Each notebook in ``exercises/`` ends with::

    result = kit.check("functional_mlp", build_model)
    result            # the checklist: one ✓ or ✗ line per requirement
    result.hint()     # the next hint, one per call

``check`` takes the zero-argument function that builds the model (or the model
itself), never raises for a bad answer, and records passed exercises in the
progress file shown by ``kit.progress()``.
"""

from __future__ import annotations

import difflib

from kit.exercises import record
from kit.exercises.feedback import CheckResult, ProgressReport

__all__ = ["check", "progress", "names", "CheckResult"]


def names() -> list[str]:
    """The exercise names, in course order.

    Example
    -------
    >>> names()[0]
    'functional_mlp'
    """
    from kit.exercises.catalogue import EXERCISES

    return [exercise.name for exercise in EXERCISES]


def exercise(name: str):
    """The :class:`~kit.exercises.engine.Exercise` called ``name``.

    Raises
    ------
    TypeError, ValueError
        When ``name`` is not a string, or names no exercise.
    """
    from kit.exercises.catalogue import BY_NAME

    if not isinstance(name, str):
        raise TypeError(
            f"expected the exercise name as a string, e.g. 'functional_mlp'; got "
            f"{type(name).__name__}: {name!r:.60}"
        )
    if name not in BY_NAME:
        close = difflib.get_close_matches(name, list(BY_NAME), n=1)
        suggestion = f" Did you mean {close[0]!r}?" if close else ""
        raise ValueError(
            f"there is no exercise {name!r}.{suggestion} The exercises are: {', '.join(BY_NAME)}."
        )
    return BY_NAME[name]


def check(exercise_name: str, obj, *, save: bool = True) -> CheckResult:
    """Check a model against an exercise; the result is truthy only if all holds.

    Parameters
    ----------
    exercise_name : str
        One of :func:`names`, e.g. ``"siamese_lstm"``.
    obj : callable or keras.Model
        The function that builds the model (called with no arguments), or the
        model. For ``"reusable_encoder"`` the pair ``(encoder, autoencoder)``.
        Anything else (None, the untouched stub, a layer, ...) gives a failing
        result whose message says what was expected.
    save : bool
        Record the attempt in the progress file (default ``True``).

    Returns
    -------
    CheckResult
        ``str(result)`` is a checklist; ``result.hint()`` reveals a hint.

    Example
    -------
    >>> bool(check("functional_mlp", None, save=False))
    False
    """
    from kit.exercises.catalogue import EXERCISES
    from kit.exercises.engine import other_exercise, run_requirements, wrong_exercise_problem
    from kit.exercises.subject import Problem, resolve

    spec = exercise(exercise_name)
    subject = resolve(obj, spec.expects)
    problem = None
    items = []
    tried = not (isinstance(subject, Problem) and subject.stub)
    if isinstance(subject, Problem):
        problem = subject.message + _advice(spec, subject.message)
    else:
        other = other_exercise(spec, subject, EXERCISES)
        if other is not None:
            problem = wrong_exercise_problem(spec, other).message
        else:
            items = run_requirements(spec.requirements, subject)
    result = CheckResult(spec.name, spec.title, items, problem, spec.hints)
    if save and not record.grading():
        try:
            record.record_attempt(spec.name, result.passed, tried)
        except OSError as error:
            result.notes.append(f"(progress not saved: {error})")
    return result


def progress() -> ProgressReport:
    """Where you stand: which exercises passed, as a printable report.

    Example
    -------
    >>> print(progress())  # doctest: +SKIP
    Exercises passed: 1 of 10
      ✓ functional_mlp       passed on 2025-01-31
      · multi_io             not started
    """
    from kit.exercises.catalogue import EXERCISES

    data, note = record.load_or_reset()
    table = data["exercises"]
    rows = [(e.name, e.title, table.get(e.name, {})) for e in EXERCISES]
    return ProgressReport(rows, record.path(), note)


def _advice(spec, message: str) -> str:
    import re

    for pattern, advice in spec.build_advice:
        if re.search(pattern, message):
            text = advice(message) if callable(advice) else advice
            return ("" if message.rstrip().endswith((".", "!", "?")) else ".") + " " + text
    return ""

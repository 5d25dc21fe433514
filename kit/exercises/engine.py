"""The checklist engine: an exercise is a list of requirements run on a model.

A requirement has a fixed text (what must hold, shown with a tick or a cross)
and a test that returns ``None`` when it holds, or a message about this
learner's model when it does not. Tests may also raise :class:`Unmet` from
helpers. Used by ``kit.check`` for every exercise notebook in ``exercises/``.

Example
-------
>>> req = Requirement("two is even", lambda subject: None if 2 % 2 == 0 else "odd")
>>> run_requirements([req], subject=None)[0].passed
True
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from kit.exercises.subject import Port, Problem, Subject, first_line


class Unmet(Exception):
    """Raised inside a requirement's test: the message says what is wrong."""


@dataclass(frozen=True)
class Requirement:
    """One line of the checklist.

    Attributes
    ----------
    text : str
        What must hold, independent of the learner's model.
    test : callable
        ``test(subject) -> None | str``: ``None`` when it holds, otherwise a
        message naming what was found in the learner's model.
    hints : tuple of str
        What to look at when it fails, from a nudge to the concrete change;
        ``result.hint()`` starts with them when this is the first failing line.
    """

    text: str
    test: Callable
    hints: tuple = ()


@dataclass(frozen=True)
class Item:
    """A requirement's outcome on one model."""

    text: str
    passed: bool
    message: str = ""
    hints: tuple = ()


@dataclass(frozen=True)
class Exercise:
    """A self-study exercise: its spec, its requirements and its hints.

    Attributes
    ----------
    name : str
        The short snake_case name passed to ``kit.check``.
    title : str
        One line saying what to build.
    inputs, outputs : tuple of Port
        The model's inputs and outputs as the spec gives them (for the pair
        exercise, those of the second model).
    requirements : tuple of Requirement
    hints : tuple of str
        Revealed one at a time, most general first. Never the solution code.
    expects : {"model", "pair"}
        What the builder returns.
    build_advice : tuple of (str, str or callable)
        ``(regex, advice)``: when building raises an error whose message
        matches ``regex``, ``advice`` (or ``advice(message)``) follows the
        error in the feedback.
    """

    name: str
    title: str
    inputs: tuple
    outputs: tuple
    requirements: tuple
    hints: tuple
    expects: str = "model"
    build_advice: tuple = field(default=())

    def signature(self) -> tuple:
        """Input and output shapes (without the batch axis), to recognise the model."""
        return _signature([p.shape for p in self.inputs], [p.shape for p in self.outputs])


def run_requirements(requirements, subject) -> list[Item]:
    """Run each requirement on ``subject``; one :class:`Item` per requirement.

    A test that fails unexpectedly gives a cross that says so, never a traceback.
    """
    items = []
    for requirement in requirements:
        try:
            message = requirement.test(subject)
        except Unmet as unmet:
            message = str(unmet)
        except Exception as error:  # a broken learner model can break any probe
            message = f"could not check this on your model: {type(error).__name__}: {first_line(error)}"
        items.append(Item(requirement.text, message is None, message or "", requirement.hints))
    return items


def subject_signature(subject: Subject) -> tuple:
    """The signature of a learner's model, comparable to :meth:`Exercise.signature`."""
    return _signature([p.shape for p in subject.inputs()], [p.shape for p in subject.outputs()])


def other_exercise(exercise: Exercise, subject: Subject, catalogue) -> Exercise | None:
    """The other exercise whose model ``subject`` is, judged by its signature."""
    found = subject_signature(subject)
    if found == exercise.signature():
        return None
    for other in catalogue:
        if other.name != exercise.name and other.expects == exercise.expects and other.signature() == found:
            return other
    return None


def wrong_exercise_problem(exercise: Exercise, other: Exercise) -> Problem:
    """The message for a model that belongs to another exercise."""
    return Problem(
        f"this looks like the model of the exercise {other.name!r} ({other.title}): "
        f"its inputs and outputs are those of {other.name!r}. The exercise "
        f"{exercise.name!r} asks for {exercise.title[0].lower()}{exercise.title[1:]}; "
        f"check that you passed the model built in this notebook."
    )


def _signature(inputs, outputs) -> tuple:
    def strip(shapes):
        return tuple(sorted((tuple(s[1:]) for s in shapes), key=repr))

    return strip(inputs), strip(outputs)


__all__ = [
    "Exercise",
    "Item",
    "Port",
    "Problem",
    "Requirement",
    "Unmet",
    "other_exercise",
    "run_requirements",
    "subject_signature",
    "wrong_exercise_problem",
]

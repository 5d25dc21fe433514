"""How a check answers: a checklist of ticks and crosses, and hints on request.

Plain text (``str``) works in a terminal; ``_repr_html_`` renders the same
lines in a notebook. Both are deterministic, since nbval compares the stored
outputs of ``exercises/source/*.ipynb``.

Example
-------
>>> from kit.exercises.engine import Item
>>> result = CheckResult("demo", "A demo", [Item("one input", True)], hints=("Look up.",))
>>> bool(result), str(result).splitlines()[1]
(True, '  ✓ one input')
"""

from __future__ import annotations

import html
from dataclasses import dataclass

__all__ = ["CheckResult", "Hint", "ProgressReport", "reset_hints"]

TICK, CROSS = "✓", "✗"

#: Hints revealed so far in this Python session, per exercise name and first
#: failing line. Kept here rather than on a result, so that re-running the
#: check does not hide them.
_REVEALED: dict[tuple[str, str], int] = {}


def reset_hints(exercise: str | None = None) -> None:
    """Forget which hints were shown (for one exercise, or all)."""
    for key in [key for key in _REVEALED if exercise is None or key[0] == exercise]:
        del _REVEALED[key]


@dataclass(frozen=True)
class Hint:
    """One revealed hint; ``number`` counts from 1."""

    exercise: str
    number: int
    total: int
    text: str

    def __str__(self):
        if self.number > self.total:
            return (
                f"No more hints for {self.exercise}: all {self.total} are shown above. "
                "Compare each ✗ line with your code."
            )
        last = " (the last one)" if self.number == self.total else ""
        return f"Hint {self.number} of {self.total}{last} for {self.exercise}: {self.text}"

    __repr__ = __str__

    def _repr_html_(self):
        return (
            '<div class="kit-hint" style="border-left:3px solid #bf8700;padding-left:0.5em">'
            f"{html.escape(str(self))}</div>"
        )


class CheckResult:
    """The outcome of ``kit.check``: truthy only when every requirement holds.

    Attributes
    ----------
    exercise, title : str
    items : list of Item
        One per requirement, in the catalogue's order.
    problem : str or None
        Set when the object could not be checked at all (stub, None, ...).
    notes : list of str
        Extra lines (e.g. progress not saved).
    """

    def __init__(self, exercise, title, items, problem=None, hints=(), notes=()):
        self.exercise = exercise
        self.title = title
        self.items = list(items)
        self.problem = problem
        self.hints = tuple(hints)
        self.notes = list(notes)

    @property
    def passed(self) -> bool:
        return self.problem is None and bool(self.items) and all(i.passed for i in self.items)

    def __bool__(self):
        return self.passed

    @property
    def failures(self) -> list[str]:
        """The messages of the unmet requirements (or the problem)."""
        if self.problem is not None:
            return [self.problem]
        return [item.message for item in self.items if not item.passed]

    @property
    def first_failure(self) -> str:
        """The first ✗ line and its message, as one line (``""`` when all hold).

        Example
        -------
        >>> from kit.exercises.engine import Item
        >>> CheckResult("demo", "A demo", [Item("one input", False, "none found")]).first_failure
        '✗ one input: none found'
        """
        for mark, text, message in self._lines():
            if mark == CROSS:
                return f"{CROSS} {text}: {message}" if message else f"{CROSS} {text}"
        return ""

    def hint(self) -> Hint:
        """Reveal the next hint (one more per call).

        The hints start from the first ✗ line, from a nudge to the concrete
        change, then go on with the exercise's general hints.
        """
        failing = next((item for item in self.items if not item.passed), None)
        about = failing.text if failing is not None and self.problem is None else ""
        hints = tuple(dict.fromkeys((failing.hints if about else ()) + self.hints))
        key = (self.exercise, about)
        shown = _REVEALED.get(key, 0) + 1
        _REVEALED[key] = min(shown, len(hints) + 1)
        text = hints[shown - 1] if shown <= len(hints) else ""
        if about and shown <= len(failing.hints):
            text = f"about ✗ {about}: {text}"
        return Hint(self.exercise, shown, len(hints), text)

    def _summary(self) -> str:
        if self.problem is not None:
            return "nothing to check yet"
        held = sum(item.passed for item in self.items)
        if self.passed:
            return f"passed, all {len(self.items)} requirements hold"
        return f"{held} of {len(self.items)} requirements hold"

    def _lines(self):
        """``(mark, text, message)`` per line of the checklist."""
        if self.problem is not None:
            return [(CROSS, "a model to check", self.problem)]
        return [(TICK if i.passed else CROSS, i.text, i.message) for i in self.items]

    def _footer(self) -> str:
        if self.passed:
            return "Well done: recorded in your progress (kit.progress())."
        return "Fix the ✗ lines and check again; result.hint() reveals a hint."

    def __str__(self):
        lines = [f"{self.exercise}: {self._summary()}"]
        for mark, text, message in self._lines():
            lines.append(f"  {mark} {text}")
            if message:
                lines.append(f"      {message}")
        lines += [f"  {note}" for note in self.notes]
        lines.append(self._footer())
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_html_(self):
        rows = []
        for mark, text, message in self._lines():
            colour = "#1a7f37" if mark == TICK else "#cf222e"
            detail = (
                f'<div style="margin-left:1.6em;color:#57606a">{html.escape(message)}</div>'
                if message
                else ""
            )
            rows.append(
                f'<li style="list-style:none"><span style="color:{colour};font-weight:bold">'
                f"{mark}</span> {html.escape(text)}{detail}</li>"
            )
        notes = "".join(f'<li style="list-style:none">{html.escape(n)}</li>' for n in self.notes)
        return (
            f'<div class="kit-check"><b>{html.escape(self.exercise)}</b>: '
            f'{html.escape(self._summary())}<ul style="padding-left:0.5em">{"".join(rows)}{notes}</ul>'
            f"<i>{html.escape(self._footer())}</i></div>"
        )


class ProgressReport:
    """Where the learner stands: one line per exercise, passed or not yet.

    Returned by ``kit.progress()``.
    """

    def __init__(self, rows, path, note=None):
        #: ``(name, title, entry)`` with ``entry`` the record of that exercise (or {}).
        self.rows = list(rows)
        self.path = path
        self.note = note

    @property
    def passed(self) -> list[str]:
        return [name for name, _, entry in self.rows if entry.get("passed")]

    def __len__(self):
        return len(self.passed)

    def _summary(self) -> str:
        return f"Exercises passed: {len(self.passed)} of {len(self.rows)}"

    @staticmethod
    def _status(entry) -> str:
        attempts = entry.get("attempts", 0)
        if entry.get("passed"):
            return f"passed on {entry.get('first_passed', '?')[:10]}"
        if attempts:
            return f"not yet ({attempts} check{'s' if attempts != 1 else ''})"
        return "not started"

    def __str__(self):
        width = max((len(name) for name, _, _ in self.rows), default=0)
        lines = [self._summary()]
        for name, _title, entry in self.rows:
            mark = TICK if entry.get("passed") else "·"
            lines.append(f"  {mark} {name.ljust(width)}  {self._status(entry)}")
        if self.note:
            lines.append(self.note)
        lines.append(f"(progress file: {self.path})")
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_html_(self):
        body = "".join(
            f"<tr><td>{TICK if entry.get('passed') else '·'}</td><td>{html.escape(name)}</td>"
            f"<td>{html.escape(title)}</td><td>{html.escape(self._status(entry))}</td></tr>"
            for name, title, entry in self.rows
        )
        note = f"<p>{html.escape(self.note)}</p>" if self.note else ""
        return (
            f'<div class="kit-progress"><b>{html.escape(self._summary())}</b>'
            f"<table>{body}</table>{note}<small>progress file: {html.escape(str(self.path))}</small></div>"
        )

"""What the learner's own code says: their lines, read with ``ast``.

Some instructions of an exercise are about how the model is written, not about
the model itself ("fetch the outputs by node index", "call the encoder you
built"). These helpers read the source of the learner's builder function (a
notebook cell's code is kept by IPython, so ``inspect`` finds it) and report
lines in the learner's own numbering.

Example
-------
>>> def build_model():
...     conv = make_layer()
...     kept = conv(small)
...     return kept
>>> code = LearnerCode.of(build_model)
>>> [(line.target, line.callee) for line in code.call_results()]
[('conv', 'make_layer'), ('kept', 'conv')]
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from dataclasses import dataclass

__all__ = ["Assignment", "LearnerCode"]

#: Calls that build a model, by the last part of their name.
MODEL_BUILDERS = ("Model", "Sequential", "Functional")


@dataclass(frozen=True)
class Assignment:
    """``target = callee(...)`` on ``line`` of the learner's cell."""

    target: str
    callee: str
    line: int
    text: str


class LearnerCode:
    """The parsed source of one function, with the cell's line numbers."""

    def __init__(self, tree: ast.AST, first_line: int, lines: list[str]):
        self.tree = tree
        self.first_line = first_line
        self.lines = lines

    @classmethod
    def of(cls, function) -> LearnerCode | None:
        """The code of ``function``, or ``None`` when its source cannot be read."""
        try:
            source = inspect.getsource(function)
            first_line = function.__code__.co_firstlineno
        except (OSError, TypeError, AttributeError):
            return None
        source = textwrap.dedent(source)
        try:
            tree = ast.parse(source)
        except SyntaxError:
            return None
        return cls(tree, first_line, source.splitlines())

    def cell_line(self, node: ast.AST) -> int:
        """The line of ``node`` in the learner's cell."""
        return self.first_line + node.lineno - 1

    def text(self, node: ast.AST) -> str:
        return self.lines[node.lineno - 1].strip()

    def call_results(self) -> list[Assignment]:
        """Every ``name = something(...)`` in the function, in line order."""
        found = []
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
                callee = _dotted(node.value.func)
                for target in node.targets:
                    if isinstance(target, ast.Name) and callee:
                        found.append(Assignment(target.id, callee, self.cell_line(node), self.text(node)))
        return sorted(found, key=lambda a: a.line)

    def called_names(self) -> set[str]:
        """Names the function calls as functions: ``name(...)``."""
        return {
            node.func.id
            for node in ast.walk(self.tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
        }

    def lines_calling(self, name: str) -> list[tuple[int, str]]:
        """``(cell line, text)`` of each line calling something whose name ends with ``name``."""
        found = {
            (self.cell_line(node), self.text(node))
            for node in ast.walk(self.tree)
            if isinstance(node, ast.Call) and _dotted(node.func).split(".")[-1] == name
        }
        return sorted(found)

    def last_line(self) -> int:
        """The cell line where the function ends."""
        return self.first_line + len(self.lines) - 1

    def returned_names(self) -> set[str]:
        """Names that appear in the function's ``return`` statements."""
        return {
            name.id
            for node in ast.walk(self.tree)
            if isinstance(node, ast.Return) and node.value is not None
            for name in ast.walk(node.value)
            if isinstance(name, ast.Name)
        }

    def first_arguments(self, function_name: str) -> set[str]:
        """Names passed first to calls of ``function_name`` (e.g. ``get_output_at(conv, 1)``)."""
        return {
            node.args[0].id
            for node in ast.walk(self.tree)
            if isinstance(node, ast.Call)
            and _dotted(node.func).split(".")[-1] == function_name
            and node.args
            and isinstance(node.args[0], ast.Name)
        }

    def models_built(self) -> list[Assignment]:
        """``name = keras.Model(...)`` (or ``Sequential``) assignments."""
        return [a for a in self.call_results() if a.callee.split(".")[-1] in MODEL_BUILDERS]


def _dotted(node) -> str:
    """``"keras.layers.Dense"`` for an attribute chain, ``""`` for anything else."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return f"{base}.{node.attr}" if base else ""
    return ""

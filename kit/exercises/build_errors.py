"""An error raised while the learner's code builds a model, told in one line.

The line says where in the learner's cell it happened (line number and the line
itself), what was raised, and, when the error is one Keras raises for a known
mistake, what it means in the learner's terms. Used by
:mod:`kit.exercises.subject` when calling the learner's builder fails.

Example
-------
>>> def build_model():
...     return undefined_name
>>> try:
...     build_model()
... except NameError as error:
...     print(explain(error, "build_model()"))
build_model() raised NameError at line 2 of your code (`return undefined_name`): name 'undefined_name' is not defined
"""

from __future__ import annotations

import re
import traceback
from pathlib import Path

from kit import graph as kgraph
from kit._text import format_shape

__all__ = ["explain", "first_line", "learner_frame", "meaning"]

_LIBRARY = re.compile(r"site-packages|dist-packages|/lib/python\d")
_KIT = str(Path(__file__).resolve().parents[1])


def learner_frame(error: BaseException):
    """The deepest traceback frame in the learner's own code, or ``None``."""
    frames = [
        frame
        for frame in traceback.extract_tb(error.__traceback__)
        if not _LIBRARY.search(frame.filename) and not frame.filename.startswith(_KIT)
    ]
    return frames[-1] if frames else None


def explain(error: BaseException, label: str) -> str:
    """``"<label> raised <Error> at line N of your code (`line`): <message>[. <meaning>]"``."""
    frame = learner_frame(error)
    where = ""
    if frame is not None:
        shown = f" (`{frame.line.strip()}`)" if frame.line else ""
        where = f" at line {frame.lineno} of your code{shown}"
    text = f"{label} raised {type(error).__name__}{where}: {first_line(error)}"
    extra = meaning(error)
    if extra:
        text += ("" if text.rstrip().endswith((".", "!", "?")) else ".") + " " + extra
    return text


def first_line(error: BaseException, limit: int = 300) -> str:
    """The first line of an exception's message, shortened."""
    plain = re.sub(r"\x1b\[[0-9;]*m", "", str(error))
    text = [line.strip() for line in plain.strip().splitlines() if line.strip()]
    line = text[0] if text else type(error).__name__
    wrapped = re.match(r"Exception encountered when calling (.+?)\.?$", line)
    if wrapped and len(text) > 1:
        # Keras wraps errors raised in call(); the learner's own message comes next.
        line = f"{text[1]} (in {wrapped.group(1)})"
    return line if len(line) <= limit else line[: limit - 3] + "..."


def meaning(error: BaseException) -> str:
    """What a Keras build error means for the learner's model ('' when unknown)."""
    for diagnose in (_input_left_out, _sequence_merged, _layer_reused):
        try:
            found = diagnose(error)
        except Exception:  # a diagnosis must never hide the learner's own error
            continue
        if found:
            return found
    return ""


def _input_left_out(error) -> str:
    if "is not connected to `inputs`" not in str(error):
        return ""
    given, outputs = _model_arguments(error)
    if outputs is None:
        return ""
    listed = {id(t) for t in _flat(given)}
    missing = [t for t in kgraph.inputs_behind(_flat(outputs)) if id(t) not in listed]
    if not missing:
        return ""
    names = " and ".join(repr(t.name) for t in missing)
    every = ", ".join(t.name for t in kgraph.inputs_behind(_flat(outputs)))
    return (
        f"The outputs are computed from the input {names}, which keras.Model(inputs=...) leaves out: "
        f"list every input the outputs depend on, inputs=[{every}]."
    )


def _model_arguments(error):
    """The ``inputs`` and ``outputs`` that the failing ``keras.Model(...)`` call received."""
    tb = error.__traceback__
    found = (None, None)
    while tb is not None:
        local = tb.tb_frame.f_locals
        if tb.tb_frame.f_code.co_name == "__init__" and "outputs" in local and "inputs" in local:
            found = (local["inputs"], local["outputs"])
        tb = tb.tb_next
    return found


def _flat(structure) -> list:
    if isinstance(structure, dict):
        structure = list(structure.values())
    if isinstance(structure, (list, tuple)):
        return [t for item in structure for t in _flat(item)]
    return [] if structure is None else [structure]


def _sequence_merged(error) -> str:
    text = str(error)
    if "Concatenate" not in text:
        return ""
    shapes = [
        tuple(None if d == "None" else int(d) for d in re.split(r",\s*", s.strip(", ")))
        for s in re.findall(r"\(((?:None|\d+)(?:,\s*(?:None|\d+))*,?)\)", text)
    ]
    ranks = {len(s) for s in shapes}
    sequences = [s for s in shapes if len(s) == 3]
    if len(ranks) < 2 or not sequences:
        return ""
    return (
        f"One of the joined tensors is a sequence, {format_shape(sequences[0])}: one vector per step. "
        "A recurrent layer with return_sequences=True gives that; without it, the LSTM returns only "
        "its last output, one vector per example."
    )


def _layer_reused(error) -> str:
    found = re.search(
        r"of layer '(\w+)' is incompatible with the layer: expected axis -1 of input shape to have "
        r"value (\d+), but received input with shape (\([^)]*\))",
        str(error),
    )
    if not found:
        return ""
    layer, size, shape = found.groups()
    return (
        f"The layer {layer!r} already has weights for inputs of size {size}, from its first call: "
        f"calling the same layer object again shares those weights, so it cannot take {shape}. "
        "For a layer of its own, create another one, e.g. layers.Dense(...)(x), instead of "
        "calling the same object again."
    )

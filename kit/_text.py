"""Wording shared by every part of the kit: shapes, counts, plain and HTML tables.

Example
-------
>>> format_shape((None, 32))
'(None, 32)'
>>> plural(1, "layer"), plural(1200, "parameter")
('1 layer', '1,200 parameters')
"""

from __future__ import annotations

import html

__all__ = ["format_shape", "format_shapes", "html_table", "plural", "size_phrase", "text_table"]


def format_shape(shape) -> str:
    """A shape as Python writes a tuple, with ``None`` for the batch.

    >>> format_shape((None, 5)), format_shape((7,)), format_shape(())
    ('(None, 5)', '(7,)', '()')
    """
    dims = ", ".join("None" if dim is None else str(dim) for dim in shape)
    return f"({dims},)" if len(shape) == 1 else f"({dims})"


def format_shapes(shapes, separator: str = ", ") -> str:
    """Several shapes in a row.

    >>> format_shapes([(None, 3), (None, 4)])
    '(None, 3), (None, 4)'
    """
    return separator.join(format_shape(shape) for shape in shapes)


def plural(count: int, word: str) -> str:
    """``count`` and ``word``, with an ``s`` unless there is exactly one.

    >>> plural(0, "call"), plural(1, "call"), plural(2, "call")
    ('0 calls', '1 call', '2 calls')
    """
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def size_phrase(layers: int, inputs: int) -> str:
    """How the kit states a model's size: layers without inputs, then inputs.

    ``layers + inputs`` is ``len(model.layers)`` for a functional model, which
    lists its ``InputLayer`` objects too. Without inputs, only the layers.

    >>> size_phrase(2, 1), size_phrase(5, 2), size_phrase(0, 0)
    ('2 layers + 1 input', '5 layers + 2 inputs', '0 layers')
    """
    if not inputs:
        return plural(layers, "layer")
    return f"{plural(layers, 'layer')} + {plural(inputs, 'input')}"


def text_table(header, rows) -> str:
    """Columns aligned with spaces, a rule under the header.

    >>> print(text_table(["node", "shape"], [["0", "(None, 3)"], ["1", "(None, 4)"]]))
    node  shape
    ----  ---------
    0     (None, 3)
    1     (None, 4)
    """
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]

    def line(cells):
        return "  ".join(str(cell).ljust(width) for cell, width in zip(cells, widths)).rstrip()

    return "\n".join([line(header), "  ".join("-" * width for width in widths), *map(line, rows)])


def html_table(header, rows, *, caption: str | None = None, render=None) -> str:
    """The same table in HTML, left-aligned; ``render(column, text)`` may format a cell.

    >>> html_table(["a"], [["<b>"]])
    "<table><thead><tr><th style='text-align:left;padding:0 8px'>a</th></tr></thead><tbody><tr><td style='text-align:left;padding:0 8px'>&lt;b&gt;</td></tr></tbody></table>"
    """
    render = render or (lambda column, text: html.escape(str(text)))
    style = "style='text-align:left;padding:0 8px'"
    head = "".join(f"<th {style}>{html.escape(str(name))}</th>" for name in header)
    body = "".join(
        "<tr>" + "".join(f"<td {style}>{render(i, cell)}</td>" for i, cell in enumerate(row)) + "</tr>"
        for row in rows
    )
    top = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return f"<table>{top}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"

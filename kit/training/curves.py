"""Loss and metric curves of a training run, as a matplotlib Figure (no pyplot).

The widget of ``kit.train`` redraws them during training (see
``notebooks/01_sequential_to_functional.ipynb``).

Example
-------
>>> figure = curves_figure({"loss": [1.0, 0.8], "accuracy": [0.5, 0.6]})
>>> [axes.get_title() for axes in figure.axes]
['loss', 'metrics']
"""

from __future__ import annotations

import io

__all__ = ["curves_figure", "figure_png"]

#: Up to this many points, each value gets a marker.
MARKERS_BELOW = 30


def curves_figure(history, partial=None, width=6.4, height=2.6):
    """A matplotlib Figure of the loss (left) and the other metrics (right).

    Parameters
    ----------
    history : dict of str -> list of float
        Per-epoch values, ``val_`` names for validation (dashed lines).
    partial : dict of str -> list of (float, float), optional
        Points inside the running epoch as (fractional epoch, value).

    Example
    -------
    >>> figure = curves_figure({"loss": [1.0]}, {"loss": [(1.5, 0.9)]})
    >>> [float(x) for x in figure.axes[0].lines[0].get_xdata()]
    [1.0, 1.5]
    """
    from matplotlib.figure import Figure

    partial = partial or {}
    figure = Figure(figsize=(width, height), dpi=80, layout="constrained")
    panels = _panels(history, partial)
    for axes, (title, names) in zip(figure.subplots(1, len(panels), squeeze=False)[0], panels):
        for index, name in enumerate(names):
            _plot_metric(axes, name, history, partial.get(name, []), color=f"C{index % 10}")
        _style(axes, title, legend=bool(names))
    return figure


def _panels(history, partial):
    """``[("loss", names), ("metrics", names)]``; the second only when there are metrics."""
    losses = [name for name in history if "loss" in name and not name.startswith("val_")]
    others = [name for name in history if "loss" not in name and not name.startswith("val_")]
    for name in partial:
        if name not in history:
            (losses if "loss" in name else others).append(name)
    return [("loss", losses)] + ([("metrics", others)] if others else [])


def _plot_metric(axes, name, history, partial_points, color):
    """One metric: a solid line through its epochs (and the running one), a dashed validation line."""
    values = history.get(name, [])
    xs = [epoch + 1 for epoch in range(len(values))] + [point[0] for point in partial_points]
    ys = list(values) + [point[1] for point in partial_points]
    if xs:
        marker = "o" if len(values) < MARKERS_BELOW else None
        axes.plot(xs, ys, color=color, marker=marker, markersize=3, label=name)
    validation = history.get("val_" + name, [])
    if validation:
        marker = "o" if len(validation) < MARKERS_BELOW else None
        axes.plot(
            range(1, len(validation) + 1),
            validation,
            color=color,
            linestyle="--",
            marker=marker,
            markersize=3,
            label="val_" + name,
        )


def _style(axes, title, legend):
    axes.set_title(title, fontsize=10)
    axes.set_xlabel("epoch", fontsize=9)
    axes.tick_params(labelsize=8)
    axes.grid(alpha=0.3)
    if legend:
        axes.legend(fontsize=7)


def figure_png(figure):
    """PNG bytes of a Figure, drawn without pyplot.

    >>> figure_png(curves_figure({"loss": [1.0]}))[:4]
    b'\\x89PNG'
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()

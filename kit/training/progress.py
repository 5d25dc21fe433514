"""Progress display of ``kit.train``: a widget in notebooks, one line per epoch elsewhere.

The widget shows an epoch bar, a batch bar, live loss and metric curves, samples
per second and the time left; it updates through widget messages only, so a
notebook's stored outputs hold a stable one-line placeholder and the short final
line that ``kit.train`` prints. Used by the training notebooks
(every ``kit.train`` cell, e.g. in ``notebooks/01_sequential_to_functional.ipynb``).
The displays themselves are in :mod:`kit.training.progress_callbacks`.

Example
-------
>>> callback = make_progress("text", model_name="mlp", epochs=2, initial_epoch=0,
...                          steps=10, samples=320)
>>> type(callback).__name__
'TextProgress'
"""

from __future__ import annotations

import sys

__all__ = ["BAR_EVERY", "CURVES_EVERY", "MODES", "in_notebook", "make_progress"]

#: Accepted values of ``kit.train(progress=...)``.
MODES = ("auto", "widget", "text", None)
#: Seconds between widget refreshes inside an epoch (bars, numbers / curves).
BAR_EVERY, CURVES_EVERY = 0.25, 2.0


def in_notebook():
    """True inside a Jupyter kernel (where the widget can show)."""
    shell = sys.modules.get("IPython") and sys.modules["IPython"].get_ipython()
    return bool(shell) and any(cls.__name__ == "ZMQInteractiveShell" for cls in type(shell).__mro__)


def make_progress(
    mode, *, model_name, epochs, initial_epoch, steps, samples, run_dir=None, notes=(), previous=None
):
    """The progress callback for ``mode`` ("auto", "widget", "text" or None).

    ``previous`` is the history of epochs trained before (a resumed run), so
    the curves start with them. The callback has ``close(message=None, always=False)``: it ends the display
    and prints ``message`` as the final line (the silent one only when
    ``always``).
    """
    from kit.training import progress_callbacks

    if mode == "auto":
        mode = "widget" if in_notebook() and _widgets_available() else "text"
    arguments = {
        "model_name": model_name,
        "epochs": epochs,
        "initial_epoch": initial_epoch,
        "steps": steps,
        "samples": samples,
        "run_dir": run_dir,
        "notes": list(notes),
        "previous": dict(previous or {}),
    }
    if mode == "widget":
        return progress_callbacks.WidgetProgress(**arguments, bar_every=BAR_EVERY, curves_every=CURVES_EVERY)
    if mode == "text":
        return progress_callbacks.TextProgress(**arguments)
    return progress_callbacks.SilentProgress(**arguments)


def _widgets_available():
    try:
        import ipywidgets  # noqa: F401
    except ImportError:
        return False
    return True

"""The ipywidgets panel of ``kit.train``'s widget display: bars, numbers and curves.

It only shows what it is told; :class:`kit.training.progress_callbacks.WidgetProgress`
decides what and when. A notebook's stored output keeps a stable one-line text
in place of the widget (see ``notebooks/01_sequential_to_functional.ipynb``).

Example
-------
>>> panel = ProgressPanel("mlp", epochs=3, initial_epoch=0, steps=5)
>>> panel.show_batch(2)
>>> panel.batch_bar.value, panel.batch_label.value
(2, '2/5')
"""

from __future__ import annotations

__all__ = ["ProgressPanel", "WidgetView"]

#: Width of the progress bars and of the curves.
BAR_WIDTH, CURVES_WIDTH = "420px", "520px"


class WidgetView:
    """Displays a widget with a stable text/plain fallback for stored outputs."""

    def __init__(self, widget, text):
        self.widget, self.text = widget, text

    def __repr__(self):
        return self.text

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.widget._repr_mimebundle_(**kwargs)
        data = bundle[0] if isinstance(bundle, tuple) else bundle
        data = dict(data or {})
        data["text/plain"] = self.text
        return data


class ProgressPanel:
    """Title, epoch bar, batch bar, a line of numbers and a curves image in one box.

    Parameters
    ----------
    model_name : str
    epochs, initial_epoch : int
    steps : int or None
        Batches per epoch, None when unknown.
    run_dir : Path, optional
    notes : list of str
    """

    def __init__(self, model_name, *, epochs, initial_epoch, steps, run_dir=None, notes=()):
        import ipywidgets as widgets

        self.epochs, self.steps = epochs, steps
        self.title = widgets.HTML(
            f"<b>kit.train</b> {model_name}"
            + (f" &middot; <code>{run_dir}</code>" if run_dir else "")
            + "".join(f"<br><small>{note}</small>" for note in notes)
        )
        bar_layout = {"layout": widgets.Layout(width=BAR_WIDTH)}
        self.epoch_bar = widgets.IntProgress(
            value=initial_epoch, min=0, max=epochs, description="epochs", **bar_layout
        )
        self.epoch_label = widgets.Label(f"{initial_epoch}/{epochs}")
        self.batch_bar = widgets.IntProgress(
            value=0, min=0, max=steps or 1, description="batches", **bar_layout
        )
        self.batch_label = widgets.Label("")
        self.numbers = widgets.Label("starting...")
        self.curves = widgets.Image(format="png", layout=widgets.Layout(width=CURVES_WIDTH))
        self.box = widgets.VBox(
            [
                self.title,
                widgets.HBox([self.epoch_bar, self.epoch_label]),
                widgets.HBox([self.batch_bar, self.batch_label]),
                self.numbers,
                self.curves,
            ]
        )
        self.view = WidgetView(self.box, f"kit.train progress for {model_name!r} (widget)")

    def begin_epoch(self, epoch):
        """An empty batch bar for ``epoch`` (0-based)."""
        self.batch_bar.value = 0
        self.epoch_label.value = f"{epoch}/{self.epochs}"

    def show_batch(self, done):
        """``done`` batches of the current epoch finished."""
        self.batch_bar.value = min(done, self.batch_bar.max)
        self.batch_label.value = f"{done}/{self.steps}" if self.steps else str(done)

    def end_epoch(self, epoch):
        """Epoch ``epoch`` (0-based) finished: both bars move on."""
        self.epoch_bar.value = epoch + 1
        self.epoch_label.value = f"{epoch + 1}/{self.epochs}"
        self.batch_bar.value = self.batch_bar.max
        if self.steps:
            self.batch_label.value = f"{self.steps}/{self.steps}"

    def show_numbers(self, text):
        self.numbers.value = text

    def show_curves(self, png):
        self.curves.value = png

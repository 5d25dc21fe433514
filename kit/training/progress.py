"""Progress display of ``kit.train``: a widget in notebooks, one line per epoch elsewhere.

The widget shows an epoch bar, a batch bar, live loss and metric curves, samples
per second and the time left; it updates through widget messages only, so a
notebook's stored outputs hold a stable one-line placeholder and the short final
line that ``kit.train`` prints. Used by the training notebooks
(every ``kit.train`` cell, e.g. in ``notebooks/01_sequential_to_functional.ipynb``).

Example
-------
>>> callback = make_progress("text", model_name="mlp", epochs=2, initial_epoch=0,
...                          steps=10, samples=320)   # doctest: +SKIP
"""

from __future__ import annotations

import io
import sys
import time

#: Accepted values of ``kit.train(progress=...)``.
MODES = ("auto", "widget", "text", None)
#: Seconds between widget refreshes inside an epoch (bars, numbers / curves).
BAR_EVERY, CURVES_EVERY = 0.25, 2.0


def in_notebook():
    """True inside a Jupyter kernel (where the widget can show)."""
    shell = sys.modules.get("IPython") and sys.modules["IPython"].get_ipython()
    return bool(shell) and any(cls.__name__ == "ZMQInteractiveShell" for cls in type(shell).__mro__)


def format_logs(logs):
    """``loss 0.4123 - accuracy 0.8821`` from a dict of numbers, losses first.

    >>> format_logs({"accuracy": 0.5, "loss": 1.25})
    'loss 1.25 - accuracy 0.5'
    """

    def order(name):
        base = name[4:] if name.startswith("val_") else name
        return (name.startswith("val_"), base != "loss", "loss" not in base)

    names = sorted(logs, key=order)
    return " - ".join(f"{name} {float(logs[name]):.4g}" for name in names)


def format_duration(seconds):
    """``0:07``, ``3:05`` or ``1:02:03``."""
    seconds = int(round(max(0.0, seconds)))
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


class _Clock:
    """Epoch timing, samples per second and the time left."""

    def __init__(self, epochs, initial_epoch, steps, samples):
        self.epochs, self.initial_epoch = epochs, initial_epoch
        self.steps, self.samples = steps, samples
        self.epoch_times = []
        self.epoch_started = self.started = time.perf_counter()
        self.epoch = initial_epoch

    def begin_epoch(self, epoch):
        self.epoch = epoch
        self.epoch_started = time.perf_counter()

    def end_epoch(self):
        self.epoch_times.append(time.perf_counter() - self.epoch_started)

    def rate(self, batches_done):
        """Samples per second in the current epoch (None before it means anything)."""
        elapsed = time.perf_counter() - self.epoch_started
        if not self.samples or not self.steps or elapsed <= 0 or batches_done <= 0:
            return None
        return min(self.samples, batches_done * self.samples / self.steps) / elapsed

    def epoch_rate(self):
        if not self.epoch_times or not self.samples or not self.steps:
            return None
        return self.samples / self.epoch_times[-1]

    def remaining(self, batches_done=0):
        """Seconds left, or None when unknown."""
        left_epochs = self.epochs - self.epoch - 1
        if self.epoch_times:
            per_epoch = sum(self.epoch_times[-3:]) / len(self.epoch_times[-3:])
        elif self.steps and batches_done:
            per_epoch = (time.perf_counter() - self.epoch_started) * self.steps / batches_done
        else:
            return None
        in_epoch = 0.0
        if self.steps:
            in_epoch = per_epoch * max(0, self.steps - batches_done) / self.steps
        return left_epochs * per_epoch + in_epoch


def _callback_base():
    import keras

    return keras.callbacks.Callback


def make_progress(
    mode, *, model_name, epochs, initial_epoch, steps, samples, run_dir=None, notes=(), previous=None
):
    """The progress callback for ``mode`` ("auto", "widget", "text" or None).

    ``previous`` is the history of epochs trained before (a resumed run), so
    the curves start with them. The callback has ``close(message=None, always=False)``: it ends the display
    and prints ``message`` as the final line (the silent one only when
    ``always``).
    """
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
        return _widget_progress_class()(**arguments)
    if mode == "text":
        return _text_progress_class()(**arguments)
    return _silent_progress_class()(**arguments)


def _widgets_available():
    try:
        import ipywidgets  # noqa: F401
    except ImportError:
        return False
    return True


def _silent_progress_class():
    class SilentProgress(_callback_base()):
        def __init__(self, **arguments):
            super().__init__()
            self.arguments = arguments

        def close(self, message=None, always=False):
            if message and always:
                print(message, flush=True)

    return SilentProgress


def _text_progress_class():
    class TextProgress(_callback_base()):
        """One plain line per epoch, for terminals, scripts and logs."""

        def __init__(self, *, model_name, epochs, initial_epoch, steps, samples, run_dir, notes, previous):
            super().__init__()
            self.epochs = epochs
            self.clock = _Clock(epochs, initial_epoch, steps, samples)
            self.notes = notes
            self.run_dir = run_dir

        def on_train_begin(self, logs=None):
            for note in self.notes:
                print(f"kit.train: {note}", flush=True)

        def on_epoch_begin(self, epoch, logs=None):
            self.clock.begin_epoch(epoch)

        def on_epoch_end(self, epoch, logs=None):
            self.clock.end_epoch()
            parts = [f"epoch {epoch + 1}/{self.epochs}", format_logs(logs or {})]
            rate = self.clock.epoch_rate()
            if rate:
                parts.append(f"{rate:,.0f} samples/s")
            parts.append(f"{self.clock.epoch_times[-1]:.1f} s")
            left = self.clock.remaining(self.clock.steps or 0)
            if left and epoch + 1 < self.epochs:
                parts.append(f"ETA {format_duration(left)}")
            print("  ".join(part for part in parts if part), flush=True)

        def close(self, message=None, always=False):
            if message:
                print(message, flush=True)

    return TextProgress


def curves_figure(history, partial=None, width=6.4, height=2.6):
    """A matplotlib Figure of the loss (left) and the other metrics (right).

    Parameters
    ----------
    history : dict of str -> list of float
        Per-epoch values, ``val_`` names for validation (dashed lines).
    partial : dict of str -> list of (float, float), optional
        Points inside the running epoch as (fractional epoch, value).
    """
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), dpi=80, layout="constrained")
    losses = [name for name in history if "loss" in name and not name.startswith("val_")]
    others = [name for name in history if "loss" not in name and not name.startswith("val_")]
    for name in partial or {}:
        if name not in history:
            (losses if "loss" in name else others).append(name)
    panels = [("loss", losses)] + ([("metrics", others)] if others else [])
    axes_list = figure.subplots(1, len(panels), squeeze=False)[0]
    colors = [f"C{index}" for index in range(10)]
    for axes, (title, names) in zip(axes_list, panels):
        for index, name in enumerate(names):
            color = colors[index % len(colors)]
            values = history.get(name, [])
            xs = [epoch + 1 for epoch in range(len(values))]
            ys = list(values)
            extra = (partial or {}).get(name, [])
            xs += [point[0] for point in extra]
            ys += [point[1] for point in extra]
            if xs:
                axes.plot(
                    xs, ys, color=color, marker="o" if len(values) < 30 else None, markersize=3, label=name
                )
            validation = history.get("val_" + name, [])
            if validation:
                axes.plot(
                    range(1, len(validation) + 1),
                    validation,
                    color=color,
                    linestyle="--",
                    marker="o" if len(validation) < 30 else None,
                    markersize=3,
                    label="val_" + name,
                )
        axes.set_title(title, fontsize=10)
        axes.set_xlabel("epoch", fontsize=9)
        axes.tick_params(labelsize=8)
        axes.grid(alpha=0.3)
        if names:
            axes.legend(fontsize=7)
    return figure


def figure_png(figure):
    """PNG bytes of a Figure, drawn without pyplot."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


class _WidgetView:
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


def _widget_progress_class():
    class WidgetProgress(_callback_base()):
        """Epoch bar, batch bar, numbers and curves in one ipywidgets box."""

        def __init__(self, *, model_name, epochs, initial_epoch, steps, samples, run_dir, notes, previous):
            import ipywidgets as widgets
            from IPython.display import display

            super().__init__()
            self.epochs, self.steps = epochs, steps
            self.clock = _Clock(epochs, initial_epoch, steps, samples)
            self.history = {name: list(values) for name, values in previous.items()}
            self.partial = {}
            self.last_bar = self.last_curves = 0.0
            self.title = widgets.HTML(
                f"<b>kit.train</b> {model_name}"
                + (f" &middot; <code>{run_dir}</code>" if run_dir else "")
                + "".join(f"<br><small>{note}</small>" for note in notes)
            )
            self.epoch_bar = widgets.IntProgress(
                value=initial_epoch,
                min=0,
                max=epochs,
                description="epochs",
                layout=widgets.Layout(width="420px"),
            )
            self.epoch_label = widgets.Label(f"{initial_epoch}/{epochs}")
            self.batch_bar = widgets.IntProgress(
                value=0,
                min=0,
                max=steps or 1,
                description="batches",
                layout=widgets.Layout(width="420px"),
            )
            self.batch_label = widgets.Label("")
            self.numbers = widgets.Label("starting...")
            self.curves = widgets.Image(format="png", layout=widgets.Layout(width="520px"))
            self.box = widgets.VBox(
                [
                    self.title,
                    widgets.HBox([self.epoch_bar, self.epoch_label]),
                    widgets.HBox([self.batch_bar, self.batch_label]),
                    self.numbers,
                    self.curves,
                ]
            )
            display(_WidgetView(self.box, f"kit.train progress for {model_name!r} (widget)"))
            if self.history:
                self._draw()

        # -- callbacks
        def on_epoch_begin(self, epoch, logs=None):
            self.clock.begin_epoch(epoch)
            self.partial = {}
            self.batch_bar.value = 0
            self.epoch_label.value = f"{epoch}/{self.epochs}"

        def on_train_batch_end(self, batch, logs=None):
            now = time.perf_counter()
            if now - self.last_bar < BAR_EVERY:
                return
            self.last_bar = now
            done = batch + 1
            self.batch_bar.value = min(done, self.batch_bar.max)
            self.batch_label.value = f"{done}/{self.steps}" if self.steps else str(done)
            values = {name: float(value) for name, value in (logs or {}).items()}
            self._show_numbers(values, self.clock.rate(done), self.clock.remaining(done))
            if now - self.last_curves >= CURVES_EVERY and self.steps:
                self.last_curves = now
                position = self.clock.epoch + done / self.steps
                for name, value in values.items():
                    self.partial.setdefault(name, []).append((position, value))
                self._draw()

        def on_epoch_end(self, epoch, logs=None):
            self.clock.end_epoch()
            for name, value in (logs or {}).items():
                self.history.setdefault(name, []).append(float(value))
            self.partial = {}
            self.epoch_bar.value = epoch + 1
            self.epoch_label.value = f"{epoch + 1}/{self.epochs}"
            self.batch_bar.value = self.batch_bar.max
            if self.steps:
                self.batch_label.value = f"{self.steps}/{self.steps}"
            self._show_numbers(
                dict(logs or {}), self.clock.epoch_rate(), self.clock.remaining(self.steps or 0)
            )
            self._draw()

        # -- drawing
        def _show_numbers(self, values, rate, left):
            parts = [format_logs(values)]
            if rate:
                parts.append(f"{rate:,.0f} samples/s")
            if left is not None:
                parts.append(f"ETA {format_duration(left)}")
            self.numbers.value = "  |  ".join(part for part in parts if part)

        def _draw(self):
            figure = curves_figure(self.history, self.partial)
            try:
                self.curves.value = figure_png(figure)
            finally:
                figure.clear()

        def close(self, message=None, always=False):
            if self.history or self.partial:
                self._draw()
            if message and always:  # a stop: the widget says so too
                self.numbers.value = message
            if message:
                print(message, flush=True)

    return WidgetProgress

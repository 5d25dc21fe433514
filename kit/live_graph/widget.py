"""The live layer graph: it grows in a widget while the learner builds a model.

``kit.live()`` listens to every symbolic layer call (and every ``keras.Input``)
until ``.stop()``, across notebook cells. Recording is cheap; drawing is
coalesced: a frame is drawn at most ``max_fps`` times a second (and never takes
more than a ``budget`` share of the time) while a cell runs, and once at the end
of the cell. Each frame draws a window that follows the newest layer plus an
overview of the whole graph (:func:`kit.live_graph.frames.draw_frame`), from
positions that never move (:class:`kit.drawing.layout.IncrementalLayout`).

The widget (ipywidgets only, nothing to build): a status line, a history
slider with a play button, a filter (one independent graph, or what one model's
outputs reach), the picture, and a layer chooser that opens the inspector.
Exported notebooks keep a static picture of the graph: the widget's output also
carries a PNG, refreshed at the end of every cell.

Used by ``%load_ext kit`` (``kit/live_graph/extension.py``) and ``notebooks/00_start_here.ipynb``.
"""

from __future__ import annotations

import base64
import contextlib
import sys
import time
import traceback
import uuid

from kit import graph as kgraph
from kit._text import plural, size_phrase
from kit.live_graph.frames import WINDOW_ROWS, draw_frame, png_bytes
from kit.live_graph.inspector import inspect_layer
from kit.live_graph.state import LiveState, find_origin

__all__ = ["LIVE_TEXT", "FrameThrottle", "LiveGraph", "live"]

#: The text/plain part of the widget's output (what nbval and plain-text viewers see).
LIVE_TEXT = "kit live graph: layers appear here as they are created (a picture is kept for exports)"
#: Up to this many layers, the picture kept for exports is the full drawing (kit.draw).
EXPORT_FULL_LAYERS = 80
ALL = "all"
#: Errors of the live graph kept in ``state.errors`` (the newest).
MAX_ERRORS = 20
#: The layer chooser's "no layer" entry (Keras names are never empty).
NO_LAYER = ""
DPI = 80


class FrameThrottle:
    """When may the next frame be drawn?

    A change is drawn once it has waited ``1 / max_fps`` seconds (so a burst of
    layer calls shows as one frame, and a cell that adds a layer or two is drawn
    only at its end), at most ``max_fps`` frames a second, and drawing may take
    at most ``budget`` of the wall time (a 40 ms frame with budget 0.2 is
    followed by 160 ms without drawing).

    Example
    -------
    >>> now = [0.0]
    >>> throttle = FrameThrottle(max_fps=10, budget=0.5, clock=lambda: now[0])
    >>> throttle.changed()  # a layer arrives: wait for more
    False
    >>> now[0] = 0.1; throttle.changed()
    True
    >>> throttle.drawn(started=0.1, finished=0.12)
    >>> now[0] = 0.15; throttle.changed()
    False
    """

    def __init__(self, max_fps: float = 10.0, budget: float = 0.05, clock=time.perf_counter):
        if not max_fps > 0:
            raise ValueError(f"max_fps expects a positive number of frames per second, got {max_fps!r}")
        if not 0 < budget <= 1:
            raise ValueError(f"budget expects a share of the time in (0, 1], got {budget!r}")
        self.max_fps, self.budget, self.clock = max_fps, budget, clock
        self.next_time = float("-inf")
        self.pending_since = None

    def changed(self) -> bool:
        """Note a change; True if a frame is due now."""
        now = self.clock()
        if self.pending_since is None:
            self.pending_since = now
        return now >= max(self.next_time, self.pending_since + 1.0 / self.max_fps)

    def drawn(self, started: float, finished: float):
        """Note a frame drawn between ``started`` and ``finished`` (clock times)."""
        took = max(0.0, finished - started)
        self.next_time = max(started + 1.0 / self.max_fps, finished + took * (1 / self.budget - 1))
        self.pending_since = None


class LiveGraph:
    """A live layer graph: the recorded state, the widget, and the hook that feeds them.

    Create it with :func:`live`. ``state`` holds the data (a networkx graph),
    ``widget`` the ipywidgets view. Use ``stop()`` (or a ``with`` block) to
    stop listening; ``flush()`` draws what arrived since the last frame (IPython
    does it at the end of each cell).

    Example
    -------
    >>> import keras
    >>> with LiveGraph(ipython=False) as graph:
    ...     x = keras.Input((4,), name="x")
    ...     y = keras.layers.Dense(2, name="y")(x)
    >>> str(graph)
    'live graph: 1 layer + 1 input (x, y) (stopped)'
    >>> graph.state.graph.has_edge("x", "y")
    True
    """

    def __init__(
        self,
        *,
        rows: int = WINDOW_ROWS,
        max_fps: float = 10.0,
        budget: float = 0.05,
        name: str = "live graph",
        ipython=None,
        dpi: int = DPI,
        clock=time.perf_counter,
        renderer=draw_frame,
    ):
        if isinstance(rows, bool) or not isinstance(rows, int) or rows < 1:
            raise ValueError(f"rows expects a positive integer (rows of layers in view), got {rows!r}")
        self.state = LiveState(name)
        self.throttle = FrameThrottle(max_fps, budget, clock)
        self.rows, self.dpi, self.clock = rows, dpi, clock
        self.frames = 0
        self.last_png = b""
        self.panel = None
        self._renderer = renderer
        self._ipython = _current_ipython() if ipython is None else (ipython or None)
        self._remove_listener = None
        self._figure = None
        self._drawn_version = None
        self._exported_version = None
        self._displays: list[str] = []
        self._panel_displays: set[str] = set()
        self._skip_display_count = None
        self._focus_override = None
        self._updating = False
        self._build_widget()

    # --- life cycle -----------------------------------------------------------

    @property
    def active(self) -> bool:
        """True while layer calls are being recorded."""
        return self._remove_listener is not None

    def start(self) -> LiveGraph:
        """Start (or resume) recording every symbolic layer call."""
        if not self.active:
            if "keras" not in sys.modules:
                from kit.quiet import import_keras_quietly

                import_keras_quietly()  # TensorFlow's start-up lines would land in the notebook
            self._remove_listener = kgraph.node_listener(self._on_call)
            if self._ipython is not None:
                self._ipython.events.register("post_run_cell", self._after_cell)
        self._update_status()
        return self

    def stop(self) -> LiveGraph:
        """Stop recording, restore Keras exactly, and draw the final picture."""
        if self._remove_listener is not None:
            self._remove_listener()
            self._remove_listener = None
            if self._ipython is not None:
                with contextlib.suppress(ValueError):
                    self._ipython.events.unregister("post_run_cell", self._after_cell)
        self.flush()
        self._export()
        self._update_status()
        return self

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()
        return False

    # --- recording --------------------------------------------------------------

    def _on_call(self, operation, inputs, outputs):
        """The listener: record, and draw a frame if the throttle allows. Never raises."""
        try:
            origin = find_origin(self._ipython)
            event = self.state.record(operation, inputs, outputs, origin)
            if event is not None:
                self._focus_override = None
                if self.throttle.changed():
                    self.refresh(controls=False)
        except Exception as error:  # the learner's model must build anyway
            self._fail("recording a layer call", error)

    def _after_cell(self, result=None):
        """IPython's post_run_cell: list the notebook's models, draw, keep the export picture fresh."""
        try:
            if self._ipython is not None:
                self.state.watch_namespace(self._ipython.user_ns)
            self.flush()
            self._export()
        except Exception as error:
            self._fail("updating the picture after the cell", error)

    # --- drawing ------------------------------------------------------------------

    def flush(self) -> bool:
        """Bring the widget up to date: a frame if anything changed since the last one (then True)."""
        self.state.read_pending_settings()
        self._sync_controls()
        if self._version() == self._drawn_version:
            return False
        self.refresh()
        return True

    def refresh(self, controls: bool = True):
        """Draw the current view now (latest step unless the history slider was moved back).

        ``controls=False`` (frames drawn while a cell is still running) leaves
        the layer and filter menus alone: they cannot be used before the cell
        ends, and rebuilding them for every frame would slow the learner's code.
        """
        started = self.clock()
        try:
            self._sync_controls(menus=controls)
            step = self.slider.value
            keys = self._filtered_keys()
            snapshot = self.state.snapshot(step, keys)
            focus = self._focus_override or self.state.newest(step)
            if focus not in snapshot:
                focus = max(snapshot, key=lambda k: snapshot.nodes[k]["step"], default=None)
            self._figure = self._renderer(
                snapshot,
                self.state.layout.positions,
                focus=focus,
                rows=self.rows,
                title=self._title(step, focus, snapshot),
                figure=self._figure,
                dpi=self.dpi,
            )
            png = png_bytes(self._figure)
            self.image.value = png
            self.image.layout.width = f"{round(self._figure.get_figwidth() * self.dpi)}px"
            self.last_png = png
            self.frames += 1
            self._drawn_version = self._version()
        except Exception as error:
            self._drawn_version = self._version()
            self._figure = None
            self._fail("drawing the graph", error)
        finally:
            self.throttle.drawn(started, self.clock())
            self._update_status()

    def _version(self):
        return (
            self.state.steps,
            self.slider.value,
            self.filter.value,
            self._focus_override,
            self.slider.value == self.slider.max,
            tuple(self.state.models()),
        )

    def _title(self, step, focus, snapshot):
        text = f"{self.state.graph.graph['name']}: {kgraph.size_of(snapshot)}"
        if self.state.steps:
            text += f", step {step} of {self.state.steps}"
        if focus is not None:
            text += f" · {focus} ({snapshot.nodes[focus]['class_name']})"
        return text

    def _filtered_keys(self):
        choice = self.filter.value
        if choice in (None, ALL):
            return None
        kind, _, name = choice.partition(":")
        if kind == "component":
            for part in self.state.components():
                if name in part:
                    return part
            return None
        return self.state.members(name) or None

    # --- the widget -----------------------------------------------------------------

    def _build_widget(self):
        import ipywidgets as widgets

        self.status = widgets.Label(value=size_phrase(0, 0))
        self.image = widgets.Image(
            format="png", value=b"", layout=widgets.Layout(width="320px", max_width="100%")
        )
        self.slider = widgets.IntSlider(
            value=0,
            min=0,
            max=0,
            description="step",
            continuous_update=True,
            layout=widgets.Layout(width="420px"),
        )
        self.play = widgets.Play(value=0, min=0, max=0, interval=300, description="replay")
        widgets.jslink((self.play, "value"), (self.slider, "value"))
        self.filter = widgets.Dropdown(
            options=[("all layers", ALL)], value=ALL, description="show", layout=widgets.Layout(width="360px")
        )
        self.layer = widgets.Dropdown(
            options=[("(choose a layer)", NO_LAYER)],
            value=NO_LAYER,
            description="layer",
            layout=widgets.Layout(width="360px"),
        )
        self.inspector = widgets.HTML(value="")
        self.error = widgets.HTML(value="")
        self.slider.observe(self._on_slider, names="value")
        self.filter.observe(self._on_filter, names="value")
        self.layer.observe(self._on_layer, names="value")
        self.widget = widgets.VBox(
            [
                self.status,
                widgets.HBox([self.play, self.slider]),
                self.filter,
                self.image,
                self.layer,
                self.inspector,
                self.error,
            ]
        )

    def _sync_controls(self, menus: bool = True):
        """Bring the slider (and with ``menus``, the filter and the layer chooser) up to date."""
        self._updating = True
        try:
            steps = self.state.steps
            following = self.slider.value == self.slider.max
            if self.slider.max != steps:
                self.slider.max = steps
                self.play.max = steps
                self.slider.min = min(1, steps)
            if following:
                self.slider.value = steps
            if menus:
                self._sync_menus()
        finally:
            self._updating = False

    def _sync_menus(self):
        """The filter's choices (graphs, models) and the layer chooser's names; called with ``_updating`` set."""
        options = [("all layers", ALL)]
        components = self.state.components()
        if len(components) > 1:
            options += [
                (
                    f"graph {i + 1}: {part[0]} → {part[-1]} ({kgraph.size_of(self.state.graph.subgraph(part))})",
                    f"component:{part[0]}",
                )
                for i, part in enumerate(components)
            ]
        options += [
            (f"model {label}: what its outputs reach", f"model:{label}") for label in self.state.models()
        ]
        if [value for _, value in options] != [value for _, value in self.filter.options]:
            current = self.filter.value
            self.filter.options = options
            self.filter.value = current if current in [v for _, v in options] else ALL
        names = self.state.names()
        if len(names) + 1 != len(self.layer.options):
            current = self.layer.value
            self.layer.options = [("(choose a layer)", NO_LAYER)] + [(n, n) for n in names]
            self.layer.value = current if current in names else NO_LAYER
        if self.layer.value:
            self._show_inspector(self.layer.value)

    def _on_slider(self, change):
        if not self._updating:
            self._focus_override = None
            self.refresh()

    def _on_filter(self, change):
        if not self._updating:
            self.refresh()

    def _on_layer(self, change):
        if self._updating:
            return
        key = change["new"]
        self._show_inspector(key)
        if key:
            self._focus_override = key
            self.refresh()

    def _show_inspector(self, key):
        if not key or key not in self.state.graph:
            self.inspector.value = ""
            return
        try:
            self.inspector.value = self.inspect(key).html()
        except Exception as error:
            self._fail("inspecting a layer", error)

    def inspect(self, key):
        """The inspector's report on layer ``key`` (printable; HTML in notebooks)."""
        if key in self.state.graph:
            self.state.settings(key)
        return inspect_layer(self.state.graph, key)

    def _update_status(self):
        parts = [kgraph.size_of(self.state.graph)]
        components = len(self.state.components()) if self.state.graph else 0
        if components > 1:
            parts.append(f"{components} separate graphs")
        parts.append("live" if self.active else "stopped")
        if self.state.errors:
            parts.append(f"{plural(len(self.state.errors), 'error')}, see below")
        self.status.value = " · ".join(parts)

    def _fail(self, what, error):
        """Keep and show an error of the live graph itself; never raises."""
        import html

        message = f"{what} failed: {type(error).__name__}: {error}"
        details = "".join(traceback.format_exception(type(error), error, error.__traceback__))
        self.state.errors.append(message + "\n" + details)
        del self.state.errors[:-MAX_ERRORS]
        try:
            self.error.value = (
                f"<div style='color:#b00020'><b>kit.live: {html.escape(message)}</b>"
                f" (your model is not affected)<details><pre>{html.escape(details)}</pre>"
                "</details></div>"
            )
            self._update_status()
        except Exception:  # showing the error failed too: it stays in state.errors
            pass

    # --- display ----------------------------------------------------------------------

    def show(self, panel: bool = False):
        """Display the widget in the notebook, or in a JupyterLab side panel with ``panel=True``."""
        if self._ipython is None:
            return
        from IPython.display import display

        self.flush()
        if panel:
            self.panel = _side_panel(self)
            display_id = self._new_display()
            self._panel_displays.add(display_id)
            display(self._bundle(with_widget=False), raw=True, display_id=display_id)
        else:
            display(self._bundle(), raw=True, display_id=self._new_display())
        self._skip_display_count = getattr(self._ipython, "execution_count", None)

    def _ipython_display_(self):
        count = getattr(self._ipython, "execution_count", None)
        if count is not None and count == self._skip_display_count:
            self._skip_display_count = None  # the result of kit.live(): it is on screen already
            return
        from IPython.display import display

        self.flush()
        display(self._bundle(), raw=True, display_id=self._new_display())

    def _new_display(self) -> str:
        display_id = uuid.uuid4().hex
        self._displays.append(display_id)
        self._exported_version = self.state.steps
        return display_id

    def _bundle(self, with_widget: bool = True, png: bytes | None = None) -> dict:
        data = {"text/plain": LIVE_TEXT}
        png = self.last_png if png is None else png
        if png:
            data["image/png"] = base64.b64encode(png).decode("ascii")
        if with_widget:
            data["application/vnd.jupyter.widget-view+json"] = {
                "version_major": 2,
                "version_minor": 0,
                "model_id": self.widget.model_id,
            }
        return data

    def _export(self):
        """Refresh the picture kept in the notebook for exports (nbconvert, static viewers)."""
        if (
            not self._displays
            or self._exported_version == self.state.steps
            or not _shows_pictures(self._ipython)
        ):
            return
        from IPython.display import update_display

        self._exported_version = self.state.steps
        try:
            png = self.last_png
            if 0 < self.state.graph.number_of_nodes() <= EXPORT_FULL_LAYERS:
                png = png_bytes(self.picture())
            for display_id in self._displays:
                with_widget = display_id not in self._panel_displays
                update_display(
                    self._bundle(with_widget=with_widget, png=png), raw=True, display_id=display_id
                )
        except Exception as error:
            self._fail("keeping a picture for exports", error)

    def picture(self, **options):
        """The whole recorded graph drawn by :func:`kit.draw` (every label, a fresh layout)."""
        from kit.drawing.static import draw

        options.setdefault("title", f"{self.state.graph.graph['name']}: {kgraph.size_of(self.state.graph)}")
        return draw(self.state.snapshot(), **options)

    def __str__(self):
        return self.state.summary() + ("" if self.active else " (stopped)")

    __repr__ = __str__


def live(
    *, panel: bool = False, rows: int = WINDOW_ROWS, max_fps: float = 10.0, display: bool = True
) -> LiveGraph:
    """Start the live layer graph: every layer call from now on is drawn, until ``.stop()``.

    Parameters
    ----------
    panel : bool
        Show the widget in a JupyterLab side panel (the ``sidecar`` package), so
        that it stays in view while the notebook scrolls.
    rows : int
        Rows of labelled layers in view; an overview shows the whole graph.
    max_fps : float
        At most this many pictures a second while a cell runs.
    display : bool
        Display the widget (in a notebook).

    Returns
    -------
    LiveGraph
        ``.stop()`` it, or use it as a context manager.

    Example
    -------
    >>> import keras, kit
    >>> graph = kit.live()
    >>> x = keras.Input((784,), name="pixels")
    >>> y = keras.layers.Dense(10, name="digits")(x)
    >>> print(graph.stop())
    live graph: 1 layer + 1 input (pixels, digits) (stopped)
    """
    graph = LiveGraph(rows=rows, max_fps=max_fps).start()
    if display:
        graph.show(panel=panel)
    return graph


# --- internals -------------------------------------------------------------


def _current_ipython():
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    return get_ipython()


def _shows_pictures(ipython) -> bool:
    """False for a terminal IPython, whose plain display publisher would print the text again."""
    if ipython is None:
        return False
    from IPython.core.displaypub import DisplayPublisher

    return type(getattr(ipython, "display_pub", None)) is not DisplayPublisher


def _side_panel(graph):
    try:
        from sidecar import Sidecar
    except ImportError as error:
        raise ImportError(
            "kit.live(panel=True) needs the sidecar package (JupyterLab side panels): "
            "pip install sidecar, or use kit.live() to show the graph in the notebook"
        ) from error
    panel = Sidecar(title="Layer graph")
    view = graph.widget._repr_mimebundle_()
    panel.outputs = ({"output_type": "display_data", "data": view, "metadata": {}},)
    return panel

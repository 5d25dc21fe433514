"""``%load_ext kit``: the live layer graph for a whole notebook, and the ``%kit_live`` magic.

Loading the extension starts a :class:`kit.live_graph.widget.LiveGraph`, shows it, and
draws it at the end of every cell. ``%kit_live off`` stops listening (Keras is
restored exactly), ``%kit_live on`` resumes, ``%kit_live show`` (or
``%kit_live panel``) shows the widget again (in a JupyterLab side panel), and
``%kit_live`` alone prints a one-line summary. Loading twice changes nothing;
``%unload_ext kit`` removes the hook, the cell callbacks and the magic.

Used by ``notebooks/00_start_here.ipynb`` and every notebook of the course.
"""

from __future__ import annotations

from kit.live_graph.widget import LiveGraph

__all__ = ["MAGIC", "USAGE", "load_ipython_extension", "unload_ipython_extension", "live_graph"]

MAGIC = "kit_live"
USAGE = "%kit_live [on | off | show | panel | status]"

#: id(shell) -> the live graph of that IPython shell.
_GRAPHS: dict[int, LiveGraph] = {}


def load_ipython_extension(ipython):
    """Turn the live graph on for this notebook (idempotent)."""
    graph = _GRAPHS.get(id(ipython))
    if graph is not None:
        graph.start()
        return
    graph = LiveGraph(ipython=ipython)
    _GRAPHS[id(ipython)] = graph
    ipython.register_magic_function(_magic_for(ipython), magic_kind="line", magic_name=MAGIC)
    graph.start()
    graph.show()


def unload_ipython_extension(ipython):
    """Stop the live graph of this notebook and remove the magic."""
    graph = _GRAPHS.pop(id(ipython), None)
    if graph is not None:
        graph.stop()
    ipython.magics_manager.magics["line"].pop(MAGIC, None)


def live_graph(ipython) -> LiveGraph | None:
    """The live graph the extension started in ``ipython``, if any."""
    return _GRAPHS.get(id(ipython))


def _magic_for(ipython):
    def kit_live(line=""):
        """Control the live layer graph: %kit_live [on | off | show | panel | status]."""
        from IPython.core.error import UsageError

        graph = _GRAPHS.get(id(ipython))
        if graph is None:
            raise UsageError("the live graph is not loaded: run %load_ext kit first")
        command = line.strip().lower() or "status"
        if command == "on":
            graph.start()
            print("kit live graph: recording on")
            return None
        if command == "off":
            graph.stop()
            print("kit live graph: recording off (Keras is back to normal)")
            return None
        if command == "show":
            graph.show()
            return None
        if command == "panel":
            graph.show(panel=True)
            return None
        if command != "status":
            raise UsageError(
                f"{MAGIC} expects one of on, off, show, panel, status; got {line.strip()!r}. Usage: {USAGE}"
            )
        print(f"{graph.state.summary()}; recording {'on' if graph.active else 'off'}")
        return None

    return kit_live

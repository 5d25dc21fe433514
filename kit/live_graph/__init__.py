"""The live layer graph: recorded state, frames, the widget, the inspector and ``%load_ext kit``."""

from kit.live_graph.widget import LiveGraph, live

__all__ = ["LiveGraph", "live"]

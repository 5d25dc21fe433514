"""kit: an interactive teaching kit for the Keras functional API.

``import kit`` is cheap and changes nothing: TensorFlow and Keras load on first
use of a name below.
"""

import sys
from importlib import import_module

__version__ = "0.1.0"

#: Public name -> module that defines it.
_EXPORTS = {
    "graph_of": "kit.graph",
    "draw": "kit.drawing",
    "live": "kit.live_graph",
    "setup": "kit.training",
    "train": "kit.training",
    "check": "kit.exercises",
    "progress": "kit.exercises",
}
_SUBMODULES = {"nodes", "datasets", "exercises", "graph", "drawing", "live_graph", "training"}

__all__ = sorted(_EXPORTS) + sorted(_SUBMODULES)


def __getattr__(name):
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    if name in _SUBMODULES:
        return import_module(f"kit.{name}")
    raise AttributeError(f"module 'kit' has no attribute {name!r}")


def load_ipython_extension(ipython):
    """``%load_ext kit``: use oneDNN, return freed memory promptly, load Keras quietly, show the live
    graph and, in a notebook's first cell, keep the garbage collector off what is loaded."""
    first_cell = "keras" not in sys.modules  # so the learner has no model yet to freeze
    import_module("kit.onednn").use_onednn()
    import_module("kit.memory").release_large_blocks()
    import_module("kit.quiet").import_keras_quietly()
    import_module("kit.live_graph.extension").load_ipython_extension(ipython)
    if first_cell:
        import_module("kit.garbage").freeze_loaded_objects()


def unload_ipython_extension(ipython):
    """``%unload_ext kit``: stop the live graph and remove the magics' hooks."""
    import_module("kit.live_graph.extension").unload_ipython_extension(ipython)

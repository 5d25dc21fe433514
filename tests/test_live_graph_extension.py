import keras
import pytest
from IPython import get_ipython
from IPython.testing.globalipapp import start_ipython
from IPython.utils.capture import capture_output

import kit
from kit.live_graph import extension as extension
from kit.live_graph.widget import LIVE_TEXT

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


@pytest.fixture
def shell(monkeypatch):
    """A real IPython shell (no kernel): cells run with pre/post_run_cell events and cell file names.

    ``%load_ext kit`` does not freeze this test process's objects here: that would last for every
    later test of the process. tests/test_garbage.py checks the freezing in fresh interpreters.
    """
    monkeypatch.setattr("kit.garbage.freeze_loaded_objects", lambda: 0)
    ipython = start_ipython() or get_ipython()  # the first call starts it, later ones return None
    yield ipython
    if extension.live_graph(ipython) is not None:
        extension.unload_ipython_extension(ipython)
    ipython.extension_manager.loaded.discard("kit")


def run(shell, source):
    result = shell.run_cell(source, store_history=True)
    result.raise_error()
    return result


def node_init():
    from keras.src.ops.node import Node

    return Node.__dict__["__init__"]


def our_callbacks(shell):
    return [
        cb
        for cb in shell.events.callbacks["post_run_cell"]
        if getattr(cb, "__self__", None) is extension.live_graph(shell)
    ]


def test_load_ext_turns_live_mode_on_and_shows_the_widget(shell):
    original = node_init()
    with capture_output() as captured:
        run(shell, "%load_ext kit")
    graph = extension.live_graph(shell)
    assert graph is not None and graph.active
    assert node_init() is not original
    (shown,) = [o for o in captured.outputs if WIDGET_VIEW in o.data]
    assert shown.data[WIDGET_VIEW]["model_id"] == graph.widget.model_id
    assert shown.data["text/plain"] == LIVE_TEXT
    assert "kit_live" in shell.magics_manager.magics["line"]
    assert len(our_callbacks(shell)) == 1


def test_layers_record_their_cell_and_line_and_the_picture_is_kept_for_exports(shell):
    run(shell, "%load_ext kit")
    graph = extension.live_graph(shell)
    with capture_output() as captured:
        result = run(
            shell,
            "import keras\n"
            "ext_in = keras.Input((6,), name='ext_in')\n"
            "ext_out = keras.layers.Dense(2, name='ext_out')(ext_in)\n"
            "ext_model = keras.Model(ext_in, ext_out, name='ext_model')\n",
        )
    (origin,) = graph.state.graph.nodes["ext_out"]["origins"]
    assert origin.cell == result.execution_count
    assert origin.line == 3 and origin.code == "ext_out = keras.layers.Dense(2, name='ext_out')(ext_in)"
    assert f"cell [{result.execution_count}], line 3" in str(graph.inspect("ext_out"))
    # the end of the cell drew the graph and refreshed the picture kept in the notebook
    assert set(graph._figure.labels) == {"ext_in", "ext_out"}
    updates = [o for o in captured.outputs if o.update]
    assert updates and updates[-1].data["image/png"]
    assert updates[-1].data["text/plain"] == LIVE_TEXT
    # models bound to notebook variables can be chosen in the filter
    assert "model:ext_model" in [value for _, value in graph.filter.options]


def test_kit_live_magic_toggles_recording(shell):
    run(shell, "%load_ext kit")
    with capture_output() as captured:
        run(shell, "%kit_live off")
        original_when_off = node_init()
        run(shell, "import keras\n_ = keras.Input((2,), name='ext_ignored')")
        run(shell, "%kit_live on")
        run(shell, "_ = keras.Input((2,), name='ext_seen')")
        run(shell, "%kit_live")
    assert captured.stdout.splitlines() == [
        "kit live graph: recording off (Keras is back to normal)",
        "kit live graph: recording on",
        "live graph: 0 layers + 1 input (ext_seen); recording on",
    ]
    assert original_when_off.__module__ == "keras.src.ops.node"
    with capture_output() as captured:
        result = shell.run_cell("%kit_live sideways")
    assert result.error_in_exec is not None
    assert "kit_live expects one of on, off, show, panel, status; got 'sideways'" in str(result.error_in_exec)


def test_loading_twice_is_harmless(shell):
    run(shell, "%load_ext kit")
    graph = extension.live_graph(shell)
    kit.load_ipython_extension(shell)
    run(shell, "%load_ext kit")
    assert extension.live_graph(shell) is graph
    assert len(our_callbacks(shell)) == 1
    run(shell, "%kit_live off")
    kit.load_ipython_extension(shell)  # loading again turns recording back on
    assert graph.active and len(our_callbacks(shell)) == 1


def test_unload_removes_the_hook_callbacks_and_magic(shell):
    original = node_init()
    callbacks_before = list(shell.events.callbacks["post_run_cell"])
    run(shell, "%load_ext kit")
    graph = extension.live_graph(shell)
    run(shell, "%unload_ext kit")
    assert extension.live_graph(shell) is None
    assert not graph.active
    assert node_init() is original
    assert shell.events.callbacks["post_run_cell"] == callbacks_before
    assert "kit_live" not in shell.magics_manager.magics["line"]
    keras.Input((2,), name="ext_after_unload")
    assert "ext_after_unload" not in graph.state.graph


def test_magic_without_the_extension_says_what_to_do(shell):
    run(shell, "%load_ext kit")
    magic = shell.magics_manager.magics["line"]["kit_live"]
    extension.unload_ipython_extension(shell)
    from IPython.core.error import UsageError

    with pytest.raises(UsageError, match="run %load_ext kit first"):
        magic("status")

"""Tests of kit.training.progress: the plain lines, the widget's state and figure,
and what a real notebook kernel stores as the output of a training cell."""

import pytest

from kit.training import progress as train_progress


def test_outside_a_notebook_auto_means_text():
    assert not train_progress.in_notebook()
    progress = train_progress.make_progress(
        "auto", model_name="m", epochs=1, initial_epoch=0, steps=1, samples=1
    )
    assert type(progress).__name__ == "TextProgress"


NOTEBOOK_CELLS = [
    "import numpy as np, keras\nfrom kit.training.devices import setup\nfrom kit.training.trainer import train\nenv = setup(seed=0, verbose=False)",
    "inputs = keras.Input((4,), name='features')\n"
    "outputs = keras.layers.Dense(3, activation='softmax')(keras.layers.Dense(8, activation='relu')(inputs))\n"
    "model = keras.Model(inputs, outputs, name='mlp')\n"
    "x = np.random.default_rng(0).normal(size=(400, 4)).astype('float32')\n"
    "y = (x[:, 0] > 0).astype(int) + (x[:, 1] > 0)",
    "history = train(model, x, y, epochs=3, batch_size=16, validation=0.2)",
]


@pytest.mark.slow
def test_training_cell_in_a_real_kernel_stores_a_widget_and_one_line(tmp_path, monkeypatch):
    import nbformat
    from nbclient import NotebookClient

    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "3")
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in NOTEBOOK_CELLS]
    client = NotebookClient(
        notebook,
        timeout=240,
        kernel_name="python3",
        store_widget_state=True,
        resources={"metadata": {"path": str(tmp_path)}},
    )
    client.execute()

    outputs = notebook.cells[-1].outputs
    streams = [output for output in outputs if output.output_type == "stream"]
    displays = [output for output in outputs if output.output_type == "display_data"]
    assert [stream.name for stream in streams] == ["stdout"]  # nothing on stderr
    assert streams[0].text.count("\n") == 1 and streams[0].text.startswith("Trained 'mlp', epochs 1-3")
    assert len(displays) == 1
    assert displays[0].data["text/plain"] == "kit.train progress for 'mlp' (widget)"
    assert "application/vnd.jupyter.widget-view+json" in displays[0].data

    states = notebook.metadata.widgets["application/vnd.jupyter.widget-state+json"]["state"]
    bars = [state["state"] for state in states.values() if state["model_name"] == "IntProgressModel"]
    assert {(bar["description"], bar["value"], bar["max"]) for bar in bars} >= {("epochs", 3, 3)}
    images = [state for state in states.values() if state["model_name"] == "ImageModel"]
    assert images
    assert (tmp_path / "runs").is_dir()

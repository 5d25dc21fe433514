"""Tests of kit.training.progress: the plain lines, the widget's state and figure,
and what a real notebook kernel stores as the output of a training cell."""

import numpy as np
import pytest

from kit.training import progress as train_progress


def keras():
    import keras as module

    return module


def tiny_fit(callback, epochs=3, samples=96, batch_size=16):
    layers = keras().layers
    inputs = keras().Input((3,))
    model = keras().Model(inputs, layers.Dense(2, activation="softmax")(layers.Dense(4)(inputs)))
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    x = np.random.default_rng(0).normal(size=(samples, 3)).astype("float32")
    y = (x[:, 0] > 0).astype("int64")
    return model.fit(
        x, y, epochs=epochs, batch_size=batch_size, validation_split=0.25, callbacks=[callback], verbose=0
    )


def test_format_logs_puts_losses_first():
    logs = {"val_accuracy": 0.5, "accuracy": 0.75, "val_loss": 2.0, "loss": 1.23456}
    assert train_progress.format_logs(logs) == "loss 1.235 - accuracy 0.75 - val_loss 2 - val_accuracy 0.5"


@pytest.mark.parametrize("seconds, text", [(0, "0:00"), (7.4, "0:07"), (185, "3:05"), (3723, "1:02:03")])
def test_format_duration(seconds, text):
    assert train_progress.format_duration(seconds) == text


def test_outside_a_notebook_auto_means_text():
    assert not train_progress.in_notebook()
    progress = train_progress.make_progress(
        "auto", model_name="m", epochs=1, initial_epoch=0, steps=1, samples=1
    )
    assert type(progress).__name__ == "TextProgress"


def test_text_progress_prints_one_line_per_epoch(capsys):
    progress = train_progress.make_progress(
        "text",
        model_name="m",
        epochs=3,
        initial_epoch=0,
        steps=5,
        samples=72,
        notes=["compiled with something"],
    )
    tiny_fit(progress)
    progress.close("done.")
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "kit.train: compiled with something"
    assert [line.split()[:2] for line in lines[1:4]] == [["epoch", "1/3"], ["epoch", "2/3"], ["epoch", "3/3"]]
    assert all("loss" in line and "samples/s" in line for line in lines[1:4])
    assert "ETA" in lines[1] and "ETA" not in lines[3]
    assert lines[4] == "done." and len(lines) == 5


def test_silent_progress_prints_only_what_must_be_said(capsys):
    progress = train_progress.make_progress(
        None, model_name="m", epochs=1, initial_epoch=0, steps=1, samples=1
    )
    tiny_fit(progress, epochs=1)
    progress.close("finished")
    progress.close("stopped", always=True)
    assert capsys.readouterr().out == "stopped\n"


def test_widget_progress_state_after_training(capsys, monkeypatch):
    monkeypatch.setattr(train_progress, "BAR_EVERY", 0.0)
    monkeypatch.setattr(train_progress, "CURVES_EVERY", 0.0)
    progress = train_progress.make_progress(
        "widget", model_name="mlp", epochs=3, initial_epoch=0, steps=5, samples=72, run_dir="runs/mlp-1234"
    )
    tiny_fit(progress)
    progress.close("Trained 'mlp'.")
    printed = capsys.readouterr().out
    assert "kit.train progress for 'mlp' (widget)" in printed  # text fallback of the display
    assert printed.strip().endswith("Trained 'mlp'.")
    assert progress.epoch_bar.value == progress.epoch_bar.max == 3
    assert progress.epoch_label.value == "3/3"
    assert progress.batch_bar.value == progress.batch_bar.max == 5
    assert progress.batch_label.value == "5/5"
    assert "loss" in progress.numbers.value and "samples/s" in progress.numbers.value
    progress.close("Stopped during epoch 3.", always=True)
    assert progress.numbers.value == "Stopped during epoch 3."
    assert progress.curves.value[:8] == b"\x89PNG\r\n\x1a\n"
    assert progress.history["loss"] and len(progress.history["val_loss"]) == 3
    assert "runs/mlp-1234" in progress.title.value


def test_widget_numbers_show_rate_and_eta_during_an_epoch(monkeypatch):
    monkeypatch.setattr(train_progress, "BAR_EVERY", 0.0)
    progress = train_progress.make_progress(
        "widget", model_name="m", epochs=2, initial_epoch=0, steps=6, samples=96
    )
    seen = []

    class Spy(keras().callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            seen.append(progress.numbers.value)

    layers = keras().layers
    inputs = keras().Input((3,))
    model = keras().Model(inputs, layers.Dense(1)(inputs))
    model.compile("sgd", "mse")
    model.fit(
        np.zeros((96, 3)), np.zeros(96), batch_size=16, epochs=2, callbacks=[progress, Spy()], verbose=0
    )
    assert any("samples/s" in text and "ETA" in text and "loss" in text for text in seen)


def test_curves_figure_draws_train_and_validation():
    history = {"loss": [1.0, 0.8], "val_loss": [1.1, 0.9], "accuracy": [0.5, 0.6], "val_accuracy": [0.4, 0.5]}
    partial = {"loss": [(2.5, 0.7)]}
    figure = train_progress.curves_figure(history, partial)
    loss_axes, metric_axes = figure.axes
    lines = {line.get_label(): line for line in loss_axes.lines}
    assert list(lines["loss"].get_xdata()) == [1, 2, 2.5]
    assert list(lines["val_loss"].get_ydata()) == [1.1, 0.9] and lines["val_loss"].get_linestyle() == "--"
    assert {line.get_label() for line in metric_axes.lines} == {"accuracy", "val_accuracy"}
    assert train_progress.figure_png(figure)[:4] == b"\x89PNG"


def test_curves_figure_without_metrics_has_one_panel():
    assert len(train_progress.curves_figure({"loss": [1.0]}).axes) == 1


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

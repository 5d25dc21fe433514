"""Tests of kit.train: training, named inputs and outputs, datasets, run
directories, resuming after SIGKILL, the Stop button and out-of-memory."""

import gc
import json
import os
import signal
import subprocess
import sys
import threading
import time
import weakref
from pathlib import Path

import numpy as np
import pytest
from training_support import build_classifier, data, keras

from kit.training.trainer import train

SCRIPTS = Path(__file__).parent / "train_scripts"


def build_two_headed():
    """A small version of the guide's headline model: two inputs, two outputs."""
    layers = keras().layers
    words = keras().Input((10,), dtype="int32", name="main_input")
    extra = keras().Input((5,), name="aux_input")
    encoded = layers.LSTM(8)(layers.Embedding(50, 8)(words))
    aux_output = layers.Dense(1, activation="sigmoid", name="aux_output")(encoded)
    merged = layers.concatenate([encoded, extra])
    main_output = layers.Dense(1, activation="sigmoid", name="main_output")(
        layers.Dense(8, activation="relu")(merged)
    )
    return keras().Model([words, extra], [main_output, aux_output], name="headline")


def headline_data(samples=128):
    generator = np.random.default_rng(2)
    words = generator.integers(0, 50, size=(samples, 10))
    extra = generator.normal(size=(samples, 5)).astype("float32")
    labels = (words[:, 0] > 25).astype("float32")
    return {"main_input": words, "aux_input": extra}, {"main_output": labels, "aux_output": labels}


def test_train_builds_compiles_and_returns_history(tmp_path, capsys):
    x, y = data()
    history = train(
        build_classifier,
        x,
        y,
        epochs=3,
        batch_size=32,
        validation=0.25,
        run_dir=tmp_path / "run",
        progress="text",
    )
    printed = capsys.readouterr().out.splitlines()
    assert set(history.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert history.epoch == [0, 1, 2] and not history.interrupted
    assert history.history["loss"][-1] < history.history["loss"][0]
    model = history.model
    assert model.loss == "sparse_categorical_crossentropy" and model.history is history
    epoch_lines = [line for line in printed if line.startswith("epoch ")]
    assert [line.split()[1] for line in epoch_lines] == ["1/3", "2/3", "3/3"]
    assert "samples/s" in epoch_lines[0] and "val_loss" in epoch_lines[0]
    assert printed[-1].startswith("Trained 'classifier', epochs 1-3")
    assert any(
        "compiled with optimizer='adam', loss='sparse_categorical_crossentropy'" in line for line in printed
    )


def test_a_sequential_model_trains_and_gets_a_loss_for_its_output():
    layers = keras().layers
    model = keras().Sequential(
        [keras().Input((4,)), layers.Dense(8, activation="relu"), layers.Dense(1, activation="sigmoid")]
    )
    x = np.random.default_rng(0).normal(size=(64, 4)).astype("float32")
    history = train(model, x, (x[:, 0] > 0).astype("float32"), epochs=2, checkpoint=False, progress=None)
    assert history.epoch == [0, 1] and model.loss == "binary_crossentropy"


def test_a_freshly_compiled_model_traces_its_train_step_once():
    model = build_two_headed()
    model.compile(optimizer="rmsprop", loss="binary_crossentropy")
    traces = []
    step = model.train_step
    model.train_step = lambda batch: traces.append(1) or step(batch)
    x, y = headline_data()
    train(model, x, y, epochs=2, batch_size=32, checkpoint=False, progress=None)
    assert len(traces) == 1  # Keras alone traces it twice: see kit.graph.build_for_fit


def test_the_training_arrays_are_freed_once_the_learner_lets_them_go(tmp_path):
    x, y = data()
    x_alive = weakref.ref(x)
    model = build_classifier()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.fit(x[:64].copy(), y[:64], verbose=0)
    learners = model.train_function  # the model keeps the learner's traced function
    train(model, x, y, epochs=2, batch_size=32, validation=0.25, checkpoint=False)
    del x
    gc.collect()
    assert x_alive() is None  # neither the model nor TensorFlow keeps them
    assert model.train_function is learners is not None


def test_named_inputs_and_outputs_as_dicts(tmp_path):
    x, y = headline_data()
    history = train(build_two_headed, x, y, epochs=2, batch_size=32, run_dir=tmp_path / "run", progress=None)
    assert {"main_output_loss", "aux_output_loss", "loss"} <= set(history.history)
    assert history.model.loss == ["binary_crossentropy", "binary_crossentropy"]


def test_named_inputs_as_list_in_model_order(tmp_path):
    x, y = headline_data()
    history = train(
        build_two_headed,
        [x["main_input"], x["aux_input"]],
        [y["main_output"], y["aux_output"]],
        epochs=1,
        batch_size=32,
        run_dir=tmp_path / "run",
        progress=None,
    )
    assert len(history.epoch) == 1


def test_compiled_model_keeps_its_loss_and_rejects_new_ones(tmp_path):
    x, y = data()
    model = build_classifier()
    model.compile("sgd", keras().losses.SparseCategoricalCrossentropy(), metrics=["accuracy"])
    history = train(model, x, y, epochs=1, run_dir=tmp_path / "run", progress=None)
    assert history.model is model and type(model.optimizer).__name__ == "SGD"
    with pytest.raises(ValueError, match="already compiled"):
        train(model, x, y, epochs=1, loss="mse", run_dir=tmp_path / "other", progress=None)


def test_tf_data_dataset_is_batched_when_needed(tmp_path):
    import tensorflow as tf

    x, y = data()
    unbatched = tf.data.Dataset.from_tensor_slices((x, y))
    validation = tf.data.Dataset.from_tensor_slices((x[:64], y[:64])).batch(32)
    history = train(
        build_classifier,
        unbatched,
        epochs=2,
        batch_size=64,
        validation=validation,
        run_dir=tmp_path / "run",
        progress=None,
    )
    assert len(history.epoch) == 2 and "val_loss" in history.history
    batched = tf.data.Dataset.from_tensor_slices((x, y)).batch(16)
    history = train(build_classifier, batched, epochs=1, run_dir=tmp_path / "run2", progress=None)
    assert len(history.epoch) == 1


def test_validation_pair_of_arrays(tmp_path):
    x, y = data()
    history = train(
        build_classifier,
        x[:200],
        y[:200],
        validation=(x[200:], y[200:]),
        epochs=1,
        run_dir=tmp_path / "run",
        progress=None,
    )
    assert "val_accuracy" in history.history


def test_default_run_dir_is_under_runs_in_the_current_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    x, y = data(64)
    history = train(lambda: build_classifier(name="mlp_3"), x, y, epochs=1, progress=None)
    runs = list((tmp_path / "runs").iterdir())
    assert len(runs) == 1 and runs[0].name.startswith("mlp-")
    assert history.epoch == [0]


def test_same_call_again_loads_the_finished_run(tmp_path, capsys):
    x, y = data()
    run = tmp_path / "run"
    first = train(build_classifier, x, y, epochs=2, run_dir=run, progress=None)
    trained = first.model.get_weights()
    capsys.readouterr()
    again = train(build_classifier, x, y, epochs=2, run_dir=run, progress=None)
    assert "Already trained" in capsys.readouterr().out
    assert again.history == first.history and again.epoch == [0, 1]
    assert all(np.array_equal(a, b) for a, b in zip(again.model.get_weights(), trained))
    files = sorted(path.name for path in run.iterdir())
    assert files == ["epoch-0002.npz", "state.json"]
    state = json.loads((run / "state.json").read_text())
    assert state["completed"] and state["epochs_done"] == 2


def test_more_epochs_continue_and_restart_starts_over(tmp_path, capsys):
    x, y = data()
    run = tmp_path / "run"
    train(build_classifier, x, y, epochs=1, run_dir=run, progress="text")
    capsys.readouterr()
    history = train(build_classifier, x, y, epochs=3, run_dir=run, progress="text")
    printed = capsys.readouterr().out
    assert "resuming after epoch 1" in printed and "epoch 1/3" not in printed and "epoch 3/3" in printed
    assert history.epoch == [0, 1, 2] and len(history.history["loss"]) == 3
    history = train(build_classifier, x, y, epochs=2, run_dir=run, restart=True, progress="text")
    printed = capsys.readouterr().out
    assert "epoch 1/2" in printed and history.epoch == [0, 1]


def test_run_dir_of_another_call_is_refused_and_restart_keeps_other_files(tmp_path):
    x, y = data()
    run = tmp_path / "run"
    train(build_classifier, x, y, epochs=1, run_dir=run, progress=None)
    (run / "notes.txt").write_text("mine")
    with pytest.raises(ValueError, match=r"holds a run of a different call .* restart=True"):
        train(build_classifier, x, y, epochs=1, batch_size=8, run_dir=run, progress=None)
    history = train(build_classifier, x, y, epochs=1, batch_size=8, run_dir=run, restart=True, progress=None)
    assert history.epoch == [0] and (run / "notes.txt").read_text() == "mine"


def test_checkpoint_off_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    x, y = data(64)
    train(build_classifier, x, y, epochs=1, checkpoint=False, progress=None)
    assert not (tmp_path / "runs").exists()


def test_kit_train_stays_the_function_after_its_module_is_imported(tmp_path):
    import kit
    import kit.training.trainer

    assert callable(kit.train) and kit.train.__module__ == "kit.training.trainer"
    x, y = data(64)
    history = kit.train(build_classifier, x, y, epochs=1, run_dir=tmp_path / "run", progress=None)
    assert history.epoch == [0]


def test_the_keyword_api_is_unchanged():
    import inspect

    parameters = inspect.signature(train).parameters
    assert [name for name, p in parameters.items() if p.kind is p.POSITIONAL_OR_KEYWORD] == [
        "model_or_builder",
        "x",
        "y",
    ]
    defaults = {name: p.default for name, p in parameters.items() if p.kind is p.KEYWORD_ONLY}
    assert defaults == {
        "epochs": 1,
        "batch_size": 32,
        "validation": None,
        "shuffle": True,
        "optimizer": None,
        "loss": None,
        "metrics": None,
        "callbacks": None,
        "run_dir": None,
        "restart": False,
        "checkpoint": True,
        "progress": "auto",
        "env": None,
    }


def test_options_group_the_keywords_and_are_frozen():
    import dataclasses

    from kit.training.trainer import CompileOptions, DataOptions, DisplayOptions, RunOptions

    run = RunOptions(epochs=np.int64(3), callbacks=None)
    assert run.epochs == 3 and type(run.epochs) is int and run.callbacks == ()
    assert DataOptions(batch_size=np.int32(8)).batch_size == 8
    assert DisplayOptions(None).progress is None and CompileOptions(loss="mse").given
    with pytest.raises(dataclasses.FrozenInstanceError):
        run.epochs = 4


def test_bad_arguments_are_named():
    x, y = data(64)
    with pytest.raises(TypeError, match="epochs should be an int >= 1, got 0"):
        train(build_classifier, x, y, epochs=0)
    with pytest.raises(TypeError, match="batch_size should be an int >= 1, got 2.5"):
        train(build_classifier, x, y, batch_size=2.5)
    with pytest.raises(TypeError, match="expects a keras.Model or a function that builds one"):
        train("model", x, y)
    with pytest.raises(
        TypeError, match="builder passed to kit.train should return a keras.Model, it returned int"
    ):
        train(lambda: 3, x, y)
    with pytest.raises(ValueError, match="progress should be one of"):
        train(build_classifier, x, y, progress="bar")


# ----------------------------------------------------------- Stop button


class _Counter:
    """Keras callback factory: counts batches, and acts at one (epoch, batch)."""

    def __new__(cls, epoch, batch, action):
        class Counter(keras().callbacks.Callback):
            def __init__(self):
                super().__init__()
                self.batches = {}

            def on_epoch_begin(self, current, logs=None):
                self.epoch = current

            def on_train_batch_end(self, current, logs=None):
                self.batches[self.epoch] = self.batches.get(self.epoch, 0) + 1
                if (self.epoch, current) == (epoch, batch):
                    self.saved = [w.copy() for w in self.model.get_weights()]
                    action()

        return Counter()


@pytest.mark.skipif(
    threading.current_thread() is not threading.main_thread(), reason="signals need the main thread"
)
def test_stop_button_ends_after_the_batch_and_keeps_weights_and_history(tmp_path, capsys):
    x, y = data(512)
    handler = signal.getsignal(signal.SIGINT)
    counter = _Counter(1, 3, lambda: os.kill(os.getpid(), signal.SIGINT))
    history = train(
        build_classifier,
        x,
        y,
        epochs=4,
        batch_size=32,
        run_dir=tmp_path / "run",
        callbacks=[counter],
        progress="text",
    )
    printed = capsys.readouterr().out
    assert history.interrupted
    assert counter.batches == {0: 16, 1: 4}  # stopped right after the 4th batch of epoch 2
    assert history.epoch == [0] and len(history.history["loss"]) == 1
    assert all(np.array_equal(a, b) for a, b in zip(history.model.get_weights(), counter.saved))
    assert "Stopped during epoch 2 after batch 4" in printed and "continue from epoch 2" in printed
    state = json.loads((tmp_path / "run" / "state.json").read_text())
    assert state["epochs_done"] == 1 and not state["completed"]
    assert signal.getsignal(signal.SIGINT) is handler


def test_keyboard_interrupt_inside_training_keeps_weights_and_history(tmp_path, capsys):
    def interrupt():
        raise KeyboardInterrupt

    x, y = data(512)
    counter = _Counter(2, 0, interrupt)
    history = train(
        build_classifier,
        x,
        y,
        epochs=4,
        batch_size=64,
        run_dir=tmp_path / "run",
        callbacks=[counter],
        progress=None,
    )
    assert history.interrupted and history.epoch == [0, 1]
    assert all(np.array_equal(a, b) for a, b in zip(history.model.get_weights(), counter.saved))
    assert "Stopped during epoch 3 after batch 1" in capsys.readouterr().out


# ------------------------------------------------------------- subprocesses


def _environment():
    environment = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    environment.pop("TF_CONFIG", None)
    return environment


def _run(arguments, cwd, timeout=120):
    completed = subprocess.run(
        [sys.executable, *map(str, arguments)],
        cwd=cwd,
        env=_environment(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return completed.stdout


@pytest.mark.slow
def test_resume_after_sigkill_matches_an_uninterrupted_run(tmp_path):
    script = SCRIPTS / "resumable.py"
    _run([script, tmp_path / "straight", tmp_path / "straight.npz"], tmp_path)

    marker = tmp_path / "marker"
    process = subprocess.Popen(
        [
            sys.executable,
            str(script),
            str(tmp_path / "killed"),
            str(tmp_path / "unused.npz"),
            "--hang-in-epoch",
            "3",
            "--marker",
            str(marker),
        ],
        cwd=tmp_path,
        env=_environment(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 90
        while not marker.exists() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        assert marker.exists(), "the training subprocess never reached epoch 3"
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    state = json.loads((tmp_path / "killed" / "state.json").read_text())
    assert state["epochs_done"] == 2 and not state["completed"]

    printed = _run([script, tmp_path / "killed", tmp_path / "resumed.npz"], tmp_path)
    assert "resuming after epoch 2" in printed and "epoch 1/4" not in printed and "epoch 3/4" in printed
    straight, resumed = np.load(tmp_path / "straight.npz"), np.load(tmp_path / "resumed.npz")
    np.testing.assert_array_equal(resumed["epochs"], [0, 1, 2, 3])
    np.testing.assert_array_equal(resumed["loss"], straight["loss"])
    np.testing.assert_array_equal(resumed["val_loss"], straight["val_loss"])
    weights = [name for name in straight.files if name.startswith("weight")]
    assert weights and all(np.array_equal(straight[name], resumed[name]) for name in weights)


@pytest.mark.slow
def test_out_of_memory_gets_a_short_message(tmp_path):
    printed = _run([SCRIPTS / "out_of_memory.py", tmp_path / "run"], tmp_path, timeout=150)
    assert "OutOfMemoryError: Out of memory on CPU:0 while training with batch_size=64" in printed
    assert "batch_size=32" in printed
    assert "context suppressed: True" in printed


STOP_BUTTON_SETUP = """
import time, numpy as np, keras
from pathlib import Path
from kit.training.trainer import train
x = np.random.default_rng(0).normal(size=(2000, 6)).astype('float32')
y = (x[:, 0] > 0).astype(int)
inputs = keras.Input((6,))
model = keras.Model(inputs, keras.layers.Dense(2, activation='softmax')(inputs), name='stoppable')

class SlowFromEpochTwo(keras.callbacks.Callback):
    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch
    def on_train_batch_end(self, batch, logs=None):
        if self.epoch == 1:
            if batch == 2:
                Path('marker').write_text('in epoch 2')
            time.sleep(0.05)
"""


@pytest.mark.slow
def test_stop_button_of_a_real_kernel(tmp_path):
    from jupyter_client.manager import start_new_kernel

    environment = dict(_environment(), PYTHONUNBUFFERED="1")
    manager, client = start_new_kernel(kernel_name="python3", cwd=str(tmp_path), env=environment)
    outputs = []

    def collect(message):
        if message["msg_type"] == "stream":
            outputs.append(message["content"]["text"])

    def press_stop():
        deadline = time.monotonic() + 120
        while not (tmp_path / "marker").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        manager.interrupt_kernel()

    try:
        reply = client.execute_interactive(STOP_BUTTON_SETUP, timeout=120)
        assert reply["content"]["status"] == "ok"
        stopper = threading.Thread(target=press_stop)
        stopper.start()
        reply = client.execute_interactive(
            "history = train(model, x, y, epochs=6, batch_size=16, callbacks=[SlowFromEpochTwo()])",
            output_hook=collect,
            timeout=180,
        )
        stopper.join(timeout=130)
        assert reply["content"]["status"] == "ok"  # no KeyboardInterrupt traceback
        printed = "".join(outputs)
        assert "Stopped during epoch 2 after batch" in printed
        assert "history keeps epochs 1-1" in printed
        outputs.clear()
        client.execute_interactive(
            "print(history.interrupted, history.epoch, len(history.history['loss']))",
            output_hook=collect,
            timeout=60,
        )
        assert "".join(outputs).strip() == "True [0] 1"
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)

"""The training helper: ``kit.train``.

One call that checks the data, builds a tf.data pipeline, builds and compiles
the model under the strategy of :func:`kit.setup`, trains with a checkpoint per
epoch and a quiet progress display, and returns Keras's ``History``. Used by the
training notebooks of the course (``notebooks/*train*``) and the exercises that
fit a model.

Runs live in ``runs/<model name>-<fingerprint>`` under the current directory
(``run_dir=`` changes it). The fingerprint covers the architecture, the data,
the batch size and the loss, so running the same call again - after a crash or
a kernel restart - finds the checkpoint and continues from the last completed
epoch. A run that already finished is not trained again: its weights and
history are loaded (``restart=True`` trains from scratch).

Example
-------
>>> import kit
>>> history = kit.train(model, x, y, epochs=5, batch_size=64, validation=0.2)  # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import sys
import threading
import time
import types
from pathlib import Path

import numpy as np

from kit import devices, train_checks, train_progress

#: Files of a run directory.
STATE_FILE = "state.json"
CHECKPOINT_PATTERN = "epoch-{epoch:04d}.npz"
STATE_VERSION = 2


class OutOfMemoryError(MemoryError):
    """The device ran out of memory while training (the message says what to try)."""


class _StopRequested(Exception):
    """Raised inside ``fit`` by :class:`_StopAfterBatch` once the user asked to stop."""


# --------------------------------------------------------------------------- data


def _tf():
    import tensorflow as tf

    return tf


def array_dataset(x, y, batch_size, *, seed=0, shuffle=True, first_epoch=0):
    """An endless tf.data stream of batches, epoch after epoch, from arrays.

    The order of epoch ``e`` depends only on ``(seed, e)``, so a run resumed at
    epoch ``e`` sees the same batches as one that never stopped. Batches are cut
    from index permutations with one ``gather`` per batch (as Keras does for
    arrays), then prefetched.

    Parameters
    ----------
    x, y : array or list/dict of arrays
        Same number of samples everywhere.
    batch_size : int
    seed : int
    shuffle : bool
    first_epoch : int
        The epoch the stream starts with.

    Example
    -------
    >>> ds = array_dataset(np.zeros((10, 2)), np.zeros(10), 4)   # doctest: +SKIP
    """
    tf = _tf()
    n = train_checks.count_samples(x)
    data = tf.data.Dataset.from_tensors(_tuples((x, y))).repeat()

    def epoch_batches(epoch):
        order = tf.range(n, dtype=tf.int64)
        if shuffle:
            key = tf.stack([tf.constant(seed, tf.int64), epoch])
            order = tf.random.experimental.stateless_shuffle(order, seed=key)
        return tf.data.Dataset.from_tensor_slices(order).batch(batch_size)

    indices = tf.data.Dataset.counter(first_epoch).flat_map(epoch_batches)
    batches = tf.data.Dataset.zip((indices, data)).map(
        lambda index, pair: tf.nest.map_structure(lambda array: tf.gather(array, index), pair),
        num_parallel_calls=tf.data.AUTOTUNE,
    )
    return _with_data_sharding(batches.prefetch(tf.data.AUTOTUNE))


def validation_dataset(x, y, batch_size):
    """A finite, unshuffled tf.data dataset of validation batches."""
    tf = _tf()
    n = train_checks.count_samples(x)
    indices = tf.data.Dataset.range(n).batch(batch_size)
    data = tf.data.Dataset.from_tensors(_tuples((x, y))).repeat()
    batches = tf.data.Dataset.zip((indices, data)).map(
        lambda index, pair: tf.nest.map_structure(lambda array: tf.gather(array, index), pair),
        num_parallel_calls=tf.data.AUTOTUNE,
    )
    return _with_data_sharding(batches.prefetch(tf.data.AUTOTUNE))


def _tuples(structure):
    """Lists become tuples: tf.data reads a list as one tensor, a tuple as parts."""
    if isinstance(structure, (list, tuple)):
        return tuple(_tuples(item) for item in structure)
    if isinstance(structure, dict):
        return {key: _tuples(value) for key, value in structure.items()}
    return structure


def _with_data_sharding(dataset):
    """Several workers split batches, not files (there are none)."""
    tf = _tf()
    options = tf.data.Options()
    options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.DATA
    return dataset.with_options(options)


# ------------------------------------------------------------------- run directory


def _architecture(model):
    """Layer classes and settings (without auto-generated names), nested models unfolded."""
    parts = []
    for layer in model.layers:
        if hasattr(layer, "layers") and layer.layers:
            parts.append([type(layer).__name__, _architecture(layer)])
            continue
        try:
            config = dict(layer.get_config())
        except NotImplementedError:
            config = {}
        config.pop("name", None)
        parts.append([type(layer).__name__, config, [list(w.shape) for w in layer.weights]])
    return parts


def _data_signature(data):
    """Shapes, dtypes and a strided sample of the bytes of every array."""
    signature = []
    for array in train_checks.flat_arrays(data):
        if not isinstance(array, np.ndarray):
            signature.append(repr(array))
            continue
        step = max(1, len(array) // 256)
        sample = np.ascontiguousarray(array[::step])
        signature.append([list(array.shape), str(array.dtype), hashlib.blake2b(sample.tobytes(), digest_size=8).hexdigest()])
    return signature


def run_fingerprint(model, x, y, batch_size, loss, optimizer):
    """Eight hex digits that change when the model, data, batch size or loss do."""
    described = {
        "model": _architecture(model),
        "inputs": [list(t.shape) for t in model.inputs],
        "x": _data_signature(x),
        "y": _data_signature(y),
        "batch_size": batch_size,
        "loss": _describe(loss),
        "optimizer": _describe(optimizer),
    }
    text = json.dumps(described, sort_keys=True, default=str)
    return hashlib.blake2b(text.encode(), digest_size=4).hexdigest()


def _describe(thing):
    if thing is None or isinstance(thing, (str, int, float)):
        return thing
    if isinstance(thing, dict):
        return {key: _describe(value) for key, value in thing.items()}
    if isinstance(thing, (list, tuple)):
        return [_describe(value) for value in thing]
    if hasattr(thing, "get_config"):
        try:
            config = dict(thing.get_config())
        except Exception:  # an object without a usable config is named by class only
            config = {}
        config.pop("name", None)
        return [type(thing).__name__, config]
    return getattr(thing, "__name__", type(thing).__name__)


def default_run_dir(model, fingerprint):
    """``runs/<model name>-<fingerprint>``; Keras's ``_1`` name suffixes dropped."""
    name = re.sub(r"_\d+$", "", model.name) or "model"
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", name)
    return Path(devices.RUNS_DIR) / f"{name}-{fingerprint}"


def _write_atomically(path, write):
    """Write through a temporary file in the same directory, then rename."""
    path = Path(path)
    temporary = path.with_name(f".tmp-{os.getpid()}-{path.name}")
    try:
        write(temporary)
        os.replace(temporary, path)
    finally:
        if temporary.exists():
            temporary.unlink()


def checkpoint_variables(model):
    """Everything a checkpoint holds, by group, in a fixed order.

    ``model``: the weights; ``optimizer``: its slots and step count (and loss
    scale); ``random``: the seed states of dropout & co, which
    ``model.weights`` leaves out but an exact resume needs.
    """
    weights = {id(variable) for variable in model.weights}
    return {
        "model": list(model.weights),
        "optimizer": list(model.optimizer.variables) if model.optimizer is not None else [],
        "random": [variable for variable in model.variables if id(variable) not in weights],
    }


def save_checkpoint(model, path):
    """Write all checkpoint variables to one ``.npz`` file, atomically.

    Faster than ``model.save_weights`` (which walks the whole Keras object
    tree each time), so a checkpoint per epoch costs next to nothing.
    """
    arrays = {
        f"{group}/{index}": np.asarray(variable.numpy())
        for group, variables in checkpoint_variables(model).items()
        for index, variable in enumerate(variables)
    }
    _write_atomically(path, lambda temporary: _save_npz(temporary, arrays))


def load_checkpoint(model, path):
    """Assign the variables saved by :func:`save_checkpoint` to ``model``."""
    with model.distribute_strategy.scope():
        if model.optimizer is not None and not model.optimizer.built:
            model.optimizer.build(model.trainable_variables)
    groups = checkpoint_variables(model)
    with np.load(path) as saved:
        for group, variables in groups.items():
            stored = sorted((name for name in saved.files if name.startswith(group + "/")), key=lambda n: int(n.split("/")[1]))
            shapes = [saved[name].shape for name in stored]
            expected = [tuple(variable.shape) for variable in variables]
            if shapes != expected:
                raise ValueError(
                    f"The checkpoint {path} does not fit this model ({group} variables: saved "
                    f"{len(shapes)} with shapes {shapes[:3]}..., the model has {len(expected)} with "
                    f"{expected[:3]}...). Pass restart=True to start over, or another run_dir=."
                )
        for group, variables in groups.items():
            for index, variable in enumerate(variables):
                variable.assign(saved[f"{group}/{index}"])


def read_state(run_dir):
    """The saved state of a run, or None when there is no usable checkpoint."""
    path = Path(run_dir) / STATE_FILE
    if not path.exists():
        return None
    state = json.loads(path.read_text())
    if state.get("version") != STATE_VERSION or not (Path(run_dir) / state["checkpoint"]).exists():
        return None
    return state


class _ResumableHistory:
    """Factory for a Keras ``History`` that starts with the epochs already trained."""

    def __new__(cls, epochs=(), history=None):
        import keras

        class ResumedHistory(keras.callbacks.History):
            def on_train_begin(self, logs=None):
                self.epoch = list(epochs)
                self.history = {key: list(values) for key, values in (history or {}).items()}

        instance = ResumedHistory()
        instance.epoch = list(epochs)
        instance.history = {key: list(values) for key, values in (history or {}).items()}
        return instance


def _checkpoint_callback(run_dir, state, history, epochs):
    """A Keras callback that saves the run after every completed epoch.

    The checkpoint file is written first, then ``state.json`` (which names it)
    replaces the old one: a crash at any moment leaves the last complete
    epoch readable.
    """
    import keras

    class EpochCheckpoint(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            run = Path(run_dir)
            run.mkdir(parents=True, exist_ok=True)
            checkpoint = CHECKPOINT_PATTERN.format(epoch=epoch + 1)
            save_checkpoint(self.model, run / checkpoint)
            previous = state.get("checkpoint")
            state.update(
                checkpoint=checkpoint,
                epochs_done=epoch + 1,
                completed=epoch + 1 >= epochs,
                history=_jsonable(history.history),
            )
            _write_atomically(run / STATE_FILE, lambda path: path.write_text(json.dumps(state, indent=1)))
            if previous and previous != checkpoint and (run / previous).exists():
                (run / previous).unlink()

    return EpochCheckpoint()


def _save_npz(path, values):
    with open(path, "wb") as handle:
        np.savez(handle, **values)


def _jsonable(history):
    return {key: [float(value) for value in values] for key, values in history.items()}


# ------------------------------------------------------------------- stop button


class _StopButton:
    """While active, the first Ctrl-C / Stop only asks training to stop after the batch."""

    def __init__(self):
        self.requested = False
        self._previous = None

    def __enter__(self):
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.getsignal(signal.SIGINT)
            signal.signal(signal.SIGINT, self._handle)
        return self

    def _handle(self, signum, frame):
        if self.requested:  # asked twice: stop right now
            signal.signal(signal.SIGINT, self._previous or signal.default_int_handler)
            raise KeyboardInterrupt
        self.requested = True

    def __exit__(self, *exc):
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)
        return False


def _position_callback():
    """Records the epoch and the last finished batch (put first among the callbacks)."""
    import keras

    class Position(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.epoch = 0
            self.batch = 0

        def on_epoch_begin(self, epoch, logs=None):
            self.epoch, self.batch = epoch, 0

        def on_train_batch_end(self, batch, logs=None):
            self.batch = batch + 1

    return Position()


def _stop_callback(button):
    """Ends ``fit`` between batches once the Stop button was pressed (put last)."""
    import keras

    class StopAfterBatch(keras.callbacks.Callback):
        def on_train_batch_begin(self, batch, logs=None):
            if button.requested:
                raise _StopRequested

        def on_train_batch_end(self, batch, logs=None):
            if button.requested:
                raise _StopRequested

    return StopAfterBatch()


# --------------------------------------------------------------------------- train


def _check_count(name, value, minimum):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise TypeError(f"{name} should be an int >= {minimum}, got {value!r}.")
    return int(value)


def _resolve_model(model_or_builder, env):
    import keras

    if isinstance(model_or_builder, keras.Model):
        return model_or_builder, False
    if callable(model_or_builder):
        with env.scope():
            model = model_or_builder()
        if not isinstance(model, keras.Model):
            raise TypeError(
                "The builder passed to kit.train should return a keras.Model, "
                f"it returned {type(model).__name__}."
            )
        return model, True
    raise TypeError(
        "kit.train expects a keras.Model or a function that builds one (called "
        f"under the strategy's scope), got {type(model_or_builder).__name__}."
    )


def train(
    model_or_builder,
    x=None,
    y=None,
    *,
    epochs=1,
    batch_size=32,
    validation=None,
    shuffle=True,
    optimizer=None,
    loss=None,
    metrics=None,
    callbacks=None,
    run_dir=None,
    restart=False,
    checkpoint=True,
    progress="auto",
    env=None,
):
    """Train a model the right way for this machine and return its ``History``.

    Parameters
    ----------
    model_or_builder : keras.Model or callable
        A model, or a function without arguments that builds one; a function
        is called under the strategy's scope, which several devices need.
    x, y : arrays, lists or dicts of arrays, or a tf.data.Dataset as ``x``
        Dicts are keyed by the names of the model's inputs and outputs. A
        dataset yields ``(inputs, targets)``; unbatched ones get batched.
    epochs, batch_size : int
        ``batch_size`` is the global batch, split over the replicas.
    validation : float, (x_val, y_val), tf.data.Dataset or None
        A float keeps that fraction of the samples (the last ones) for
        validation.
    shuffle : bool
        Reshuffle the arrays every epoch (reproducibly: the order of an epoch
        depends only on the seed and the epoch number).
    optimizer, loss, metrics
        Used to compile a model that is not compiled yet. The defaults are
        Adam and a loss that fits the output layer and the targets (reported).
    callbacks : list of keras.callbacks.Callback, optional
    run_dir : str or Path, optional
        Where checkpoints go; default ``runs/<model name>-<fingerprint>``.
    restart : bool
        Throw away the checkpoint of this run and train from scratch.
    checkpoint : bool
        Save a checkpoint after every epoch (needed to resume).
    progress : {"auto", "widget", "text", None}
        ``"auto"``: a widget in notebooks, one line per epoch elsewhere.
    env : kit.devices.Setup, optional
        Defaults to the last ``kit.setup()`` (a quiet one is made if needed).

    Returns
    -------
    keras.callbacks.History
        ``history.history`` holds every epoch of the run, resumed ones too;
        ``history.interrupted`` is True when the Stop button ended training.

    Raises
    ------
    ValueError, TypeError
        Bad data, before any training, with what was expected and how to fix it.
    OutOfMemoryError
        The device ran out of memory; the message suggests a smaller batch.
    """
    epochs = _check_count("epochs", epochs, 1)
    batch_size = _check_count("batch_size", batch_size, 1)
    if progress not in train_progress.MODES:
        raise ValueError(f"progress should be one of {train_progress.MODES}, got {progress!r}.")
    env = env or devices.current_setup()
    model, built_here = _resolve_model(model_or_builder, env)
    train_checks.check_model(model)

    # 1. Data: checked and put in the model's structure before anything trains.
    data = train_checks.prepare(model, x, y, validation, batch_size, loss=loss if not model.compiled else model.loss)

    # 2. Compile when needed, under the strategy that owns the variables.
    compile_note = None
    if not model.compiled:
        chosen_loss = loss if loss is not None else data.loss
        chosen_metrics = metrics if metrics is not None else data.metrics
        with model.distribute_strategy.scope():
            model.compile(optimizer=optimizer or "adam", loss=chosen_loss, metrics=chosen_metrics)
        compile_note = (
            f"compiled with optimizer={optimizer or 'adam'!r}, loss={_describe_short(chosen_loss)}, "
            f"metrics={_describe_short(chosen_metrics)}"
        )
    elif optimizer is not None or loss is not None or metrics is not None:
        raise ValueError(
            "The model is already compiled, so optimizer/loss/metrics given to kit.train "
            "would be ignored. Leave them out, or pass an uncompiled model (or a builder)."
        )
    notes = [compile_note] if compile_note else []
    if env.replicas > 1 and model.distribute_strategy is not env.strategy:
        notes.append(
            f"the model was built outside kit.setup()'s scope, so it trains on one device, "
            f"not {env.replicas}: pass a function that builds it, kit.train(build_model, ...)"
        )

    # 3. The run directory and what it already holds.
    run = None
    state = None
    if checkpoint:
        key = run_fingerprint(model, data.x, data.y, batch_size, model.loss, model.optimizer)
        run = Path(run_dir) if run_dir is not None else default_run_dir(model, key)
        if not env.is_chief:
            run = run / f"worker-{env.worker_index}"
        if restart and run.exists():
            shutil.rmtree(run)
        state = read_state(run)
    seed = state["seed"] if state else (env.seed if env.seed is not None else devices.fresh_seed())
    done = state["epochs_done"] if state else 0
    previous_history = state["history"] if state else {}
    if state:
        load_checkpoint(model, run / state["checkpoint"])
        if done >= epochs:
            history = _ResumableHistory(range(done), previous_history)
            history.set_model(model)
            history.params = {"epochs": done, "steps": None, "verbose": 0}
            history.interrupted = False
            model.history = history
            extra = f" (asked for {epochs}; it keeps the weights after epoch {done})" if done > epochs else ""
            print(
                f"Already trained: {run} holds all {done} epochs{extra}; loaded its weights and "
                "history. Pass restart=True to train again from scratch."
            )
            return history
        notes.append(f"resuming after epoch {done} from the checkpoint in {run}")
    state = state or {
        "version": STATE_VERSION,
        "seed": seed,
        "model": model.name,
        "batch_size": batch_size,
    }
    state["epochs"] = epochs

    # 4. Pipelines.
    if data.dataset is not None:
        train_data, steps = data.dataset, None
    else:
        train_data = array_dataset(data.x, data.y, batch_size, seed=seed, shuffle=shuffle, first_epoch=done)
        steps = -(-data.samples // batch_size)
    validation_data = data.validation_dataset
    if validation_data is None and data.validation is not None:
        validation_data = validation_dataset(*data.validation, batch_size)

    # 5. Train.
    history = _ResumableHistory(range(done), previous_history)
    button = _StopButton()
    stopper = _stop_callback(button)
    display = train_progress.make_progress(
        progress,
        model_name=model.name,
        epochs=epochs,
        initial_epoch=done,
        steps=steps,
        samples=data.samples,
        run_dir=run,
        notes=notes,
    )
    position = _position_callback()
    own = [position, history]
    if run is not None:
        own.append(_checkpoint_callback(run, state, history, epochs))
    own.append(display)
    interrupted = False
    started = time.perf_counter()
    try:
        with button:
            model.fit(
                train_data,
                epochs=epochs,
                initial_epoch=done,
                steps_per_epoch=steps,
                validation_data=validation_data,
                callbacks=own + list(callbacks or []) + [stopper],  # stopper last: sees every request
                shuffle=False,  # the pipeline shuffles, reproducibly
                verbose=0,
            )
    except (_StopRequested, KeyboardInterrupt):
        interrupted = True
    except Exception as error:
        display.close()
        _raise_if_out_of_memory(error, batch_size)
        raise
    elapsed = time.perf_counter() - started

    history.set_model(model)
    history.params = {"epochs": epochs, "steps": steps, "verbose": 0}
    history.interrupted = interrupted
    model.history = history
    display.close(_final_line(model, history, done, epochs, elapsed, run, interrupted, position), always=interrupted)
    return history


def _describe_short(thing):
    if isinstance(thing, (list, tuple)):
        return "[" + ", ".join(_describe_short(item) for item in thing) + "]"
    if isinstance(thing, dict):
        return "{" + ", ".join(f"{key!r}: {_describe_short(value)}" for key, value in thing.items()) + "}"
    if isinstance(thing, str):
        return repr(thing)
    return getattr(thing, "name", None) or getattr(thing, "__name__", None) or type(thing).__name__


def _final_line(model, history, done, epochs, elapsed, run, interrupted, position):
    trained = len(history.epoch) - done
    where = f"; checkpoint in {run}" if run is not None else ""
    metrics = train_progress.format_logs({key: values[-1] for key, values in history.history.items() if values})
    if interrupted:
        last = len(history.epoch)
        return (
            f"Stopped during epoch {position.epoch + 1} after batch {position.batch}. The model keeps "
            f"its current weights and history keeps epochs 1-{last} ({metrics or 'no complete epoch'})"
            + (
                f". Run the same call again to continue from epoch {last + 1} (the last checkpoint)."
                if run is not None
                else "."
            )
        )
    span = f"epochs {done + 1}-{epochs}" if trained > 1 else f"epoch {epochs}"
    return f"Trained {model.name!r}, {span}, in {elapsed:.1f} s: {metrics}{where}"


def _raise_if_out_of_memory(error, batch_size):
    tf = _tf()
    if isinstance(error, (tf.errors.ResourceExhaustedError, MemoryError)):
        smaller = max(1, batch_size // 2)
        device = re.search(r"device:([A-Z]+:\d+)", str(error))
        where = f" on {device.group(1)}" if device else ""
        raise OutOfMemoryError(
            f"Out of memory{where} while training with batch_size={batch_size}. Try "
            f"kit.train(..., batch_size={smaller}) (or smaller), a smaller model, or restart the "
            "kernel to free memory held by earlier models."
        ) from None


class _CallableModule(types.ModuleType):
    """This module, callable as :func:`train`.

    Importing ``kit.train`` makes the package attribute ``kit.train`` this
    module instead of the function of the same name, so calling the module
    trains too: ``kit.train(model, x, y)`` works either way.
    """

    def __call__(self, *args, **kwargs):
        return train(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule

"""The training helper: ``kit.train``.

One call that checks the data, builds a tf.data pipeline, builds and compiles
the model under the strategy of :func:`kit.setup`, trains with a checkpoint per
epoch and a quiet progress display, and returns Keras's ``History``. Used by the
notebooks that train models, from ``notebooks/01_sequential_to_functional.ipynb``
and ``notebooks/02_multiple_inputs_outputs.ipynb`` to
``notebooks/12_classic_patterns_best_practices.ipynb``.

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
import re
import signal
import threading
import time
from pathlib import Path

import numpy as np

from kit._files import write_atomically
from kit.training import checks as train_checks
from kit.training import devices
from kit.training import progress as train_progress

#: Files of a run directory.
STATE_FILE = "state.json"
CHECKPOINT_PATTERN = "epoch-{epoch:04d}.npz"
STATE_VERSION = 2


class OutOfMemoryError(MemoryError):
    """The device ran out of memory while training (the message says what to try)."""


class _StopRequested(Exception):
    """Raised inside ``fit`` between batches once the user pressed Stop."""


# --------------------------------------------------------------------------- data


def _tf():
    import tensorflow as tf

    return tf


def array_dataset(x, y, batch_size, *, seed=0, shuffle=True, first_epoch=0):
    """An endless tf.data stream of batches, epoch after epoch, from arrays.

    The order of epoch ``e`` depends only on ``(seed, e)``, so a run resumed at
    epoch ``e`` sees the same batches as one that never stopped. As Keras does
    for arrays, each epoch's index permutation is cut into batches by one
    reshape, every batch is one ``gather``, and tf.data's default graph
    rewrites (costly on every new iterator) are off.

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
    full_batches, rest = divmod(n, batch_size)

    def epoch_batches(epoch):
        order = tf.range(n, dtype=tf.int64)
        if shuffle:
            key = tf.stack([tf.constant(seed, tf.int64), epoch])
            order = tf.random.experimental.stateless_shuffle(order, seed=key)
        batches = tf.data.Dataset.from_tensor_slices(
            tf.reshape(order[: full_batches * batch_size], [full_batches, batch_size])
        )
        if rest:
            batches = batches.concatenate(tf.data.Dataset.from_tensors(order[full_batches * batch_size :]))
        return batches

    indices = tf.data.Dataset.counter(first_epoch).flat_map(epoch_batches)
    return _gathered(indices, x, y)


def validation_dataset(x, y, batch_size):
    """A finite, unshuffled tf.data dataset of validation batches."""
    tf = _tf()
    n = train_checks.count_samples(x)
    return _gathered(tf.data.Dataset.range(n).batch(batch_size), x, y)


def _gathered(indices, x, y):
    """Batches of ``(x, y)`` picked by a dataset of index batches, prefetched."""
    tf = _tf()
    data = tf.data.Dataset.from_tensors(_tuples((x, y))).repeat()
    batches = tf.data.Dataset.zip((indices, data)).map(
        lambda index, pair: tf.nest.map_structure(lambda array: tf.gather(array, index), pair),
        num_parallel_calls=tf.data.AUTOTUNE,
    )
    options = tf.data.Options()
    options.experimental_optimization.apply_default_optimizations = False
    # Several workers split batches, not files (there are none).
    options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.DATA
    return batches.with_options(options).prefetch(tf.data.AUTOTUNE)


def _tuples(structure):
    """Lists become tuples: tf.data reads a list as one tensor, a tuple as parts."""
    if isinstance(structure, (list, tuple)):
        return tuple(_tuples(item) for item in structure)
    if isinstance(structure, dict):
        return {key: _tuples(value) for key, value in structure.items()}
    return structure


# ------------------------------------------------------------------- run directory


def _architecture(model):
    """Layer classes and settings (without auto-generated names), nested models unfolded."""
    parts = []
    for layer in model.layers:
        if hasattr(layer, "layers") and layer.layers:
            parts.append([type(layer).__name__, _architecture(layer)])
            continue
        try:
            config = _without_names(layer.get_config())
        except NotImplementedError:
            config = {}
        parts.append([type(layer).__name__, config, [list(w.shape) for w in layer.weights]])
    return parts


def _without_names(config):
    """A config with every ``name`` key removed (Keras numbers names per session)."""
    if isinstance(config, dict):
        return {key: _without_names(value) for key, value in config.items() if key != "name"}
    if isinstance(config, (list, tuple)):
        return [_without_names(value) for value in config]
    return config


def _data_signature(data):
    """Shapes, dtypes and a strided sample of the bytes of every array.

    A tf.data dataset is known by its element spec and length only: reading
    it could be slow or differ each time (shuffling).
    """
    if train_checks.is_dataset(data):
        return [repr(data.element_spec), int(data.cardinality())]
    signature = []
    for array in train_checks.flat_arrays(data):
        if not isinstance(array, np.ndarray):
            signature.append(repr(array))
            continue
        step = max(1, len(array) // 256)
        sample = np.ascontiguousarray(array[::step])
        digest = hashlib.blake2b(sample.tobytes(), digest_size=8).hexdigest()
        signature.append([list(array.shape), str(array.dtype), digest])
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
            config = _without_names(thing.get_config())
        except Exception:  # an object without a usable config is named by class only
            config = {}
        return [type(thing).__name__, config]
    return getattr(thing, "__name__", type(thing).__name__)


def default_run_dir(model, fingerprint):
    """``runs/<model name>-<fingerprint>``; Keras's ``_1`` name suffixes dropped."""
    name = re.sub(r"_\d+$", "", model.name) or "model"
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", name)
    return Path(devices.RUNS_DIR) / f"{name}-{fingerprint}"


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


def checkpoint_arrays(model):
    """A snapshot of all checkpoint variables as NumPy arrays, keyed ``group/index``."""
    return {
        f"{group}/{index}": np.asarray(variable.numpy())
        for group, variables in checkpoint_variables(model).items()
        for index, variable in enumerate(variables)
    }


def save_checkpoint(model, path):
    """Write all checkpoint variables to one ``.npz`` file, atomically.

    Faster than ``model.save_weights`` (which walks the whole Keras object
    tree each time), so a checkpoint per epoch costs next to nothing.
    """
    arrays = checkpoint_arrays(model)
    write_atomically(path, lambda temporary: _save_npz(temporary, arrays))


def load_checkpoint(model, path):
    """Assign the variables saved by :func:`save_checkpoint` to ``model``."""
    with model.distribute_strategy.scope():
        if model.optimizer is not None and not model.optimizer.built:
            model.optimizer.build(model.trainable_variables)
    groups = checkpoint_variables(model)
    with np.load(path) as saved:
        for group, variables in groups.items():
            names = [name for name in saved.files if name.startswith(group + "/")]
            stored = sorted(names, key=lambda name: int(name.split("/")[1]))
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


def clear_run(run_dir):
    """Remove the checkpoint files of a run (and nothing else in that folder)."""
    run = Path(run_dir)
    for folder in [run, *run.glob("worker-*")]:
        for path in [folder / STATE_FILE, *folder.glob("epoch-*.npz")]:
            path.unlink(missing_ok=True)


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

    The variables are copied at the end of the epoch; the files are written
    by a background thread while the next epoch trains. The checkpoint file
    is written first, then ``state.json`` (which names it) replaces the old
    one: a crash at any moment leaves the last complete epoch readable.
    ``wait()`` blocks until the last write is done (and re-raises its error).
    """
    import keras

    run = Path(run_dir)

    def write(arrays, snapshot, previous):
        run.mkdir(parents=True, exist_ok=True)
        write_atomically(run / snapshot["checkpoint"], lambda path: _save_npz(path, arrays))
        write_atomically(run / STATE_FILE, lambda path: path.write_text(json.dumps(snapshot, indent=1)))
        if previous and previous != snapshot["checkpoint"] and (run / previous).exists():
            (run / previous).unlink()

    class EpochCheckpoint(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self._writer = None
            self._errors = []

        def on_epoch_end(self, epoch, logs=None):
            arrays = checkpoint_arrays(self.model)
            previous = state.get("checkpoint")
            state.update(
                checkpoint=CHECKPOINT_PATTERN.format(epoch=epoch + 1),
                epochs_done=epoch + 1,
                completed=epoch + 1 >= epochs,
                history=_jsonable(history.history),
            )
            self.wait()
            self._writer = threading.Thread(
                target=self._guarded, args=(write, arrays, dict(state), previous), name="kit-checkpoint"
            )
            self._writer.start()

        def _guarded(self, function, *arguments):
            try:
                function(*arguments)
            except Exception as error:  # handed to the training thread by wait()
                self._errors.append(error)

        def on_train_end(self, logs=None):
            self.wait()

        def wait(self):
            if self._writer is not None:
                self._writer.join()
                self._writer = None
            if self._errors:
                raise self._errors.pop()

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
        return model_or_builder
    if callable(model_or_builder):
        try:
            with env.scope():
                model = model_or_builder()
        except Exception as error:
            _raise_if_out_of_memory(error, None)
            raise
        if not isinstance(model, keras.Model):
            raise TypeError(
                "The builder passed to kit.train should return a keras.Model, "
                f"it returned {type(model).__name__}."
            )
        return model
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
        ``epochs`` counts the whole run: a resumed run trains the epochs left.
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
    env : kit.training.devices.Setup, optional
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
    model = _resolve_model(model_or_builder, env)
    train_checks.check_model(model)

    # 1. Data: checked and put in the model's structure before anything trains.
    known_loss = model.loss if model.compiled else loss
    data = train_checks.prepare(model, x, y, validation, batch_size, loss=known_loss)

    # 2. Compile when needed, under the strategy that owns the variables.
    notes = _compile_if_needed(model, data, optimizer, loss, metrics)
    if env.replicas > 1 and model.distribute_strategy is not env.strategy:
        notes.append(
            f"the model was built outside kit.setup()'s scope, so it trains on one device, "
            f"not {env.replicas}: pass a function that builds it, kit.train(build_model, ...)"
        )

    # 3. The run directory and what it already holds.
    run = state = key = None
    if checkpoint:
        source = data.x if data.dataset is None else x
        key = run_fingerprint(model, source, data.y, batch_size, model.loss, model.optimizer)
        run = Path(run_dir) if run_dir is not None else default_run_dir(model, key)
        if not env.is_chief:
            run = run / f"worker-{env.worker_index}"
        state = _open_run(run, key, restart)
    seed = state["seed"] if state else (env.seed if env.seed is not None else devices.fresh_seed())
    done = state["epochs_done"] if state else 0
    previous_history = state["history"] if state else {}
    if state:
        load_checkpoint(model, run / state["checkpoint"])
        if done >= epochs:
            return _finished_run(model, run, done, epochs, previous_history)
        notes.append(f"resuming after epoch {done} from the checkpoint in {run}")
    state = state or {
        "version": STATE_VERSION,
        "seed": seed,
        "model": model.name,
        "batch_size": batch_size,
        "fingerprint": key,
    }
    state["epochs"] = epochs

    # 4. Pipelines.
    if data.dataset is not None:
        train_data, steps = data.dataset, None
        shown_steps = data.batches
    else:
        train_data = array_dataset(data.x, data.y, batch_size, seed=seed, shuffle=shuffle, first_epoch=done)
        steps = shown_steps = -(-data.samples // batch_size)
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
        steps=shown_steps,
        samples=data.samples,
        run_dir=run,
        notes=notes,
        previous=previous_history,
    )
    position = _position_callback()
    own = [position, history]
    saver = _checkpoint_callback(run, state, history, epochs) if run is not None else None
    if saver is not None:
        own.append(saver)
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
    finally:
        if saver is not None:
            saver.wait()  # the last completed epoch is on disk before we return
    elapsed = time.perf_counter() - started

    history.set_model(model)
    history.params = {"epochs": epochs, "steps": steps, "verbose": 0}
    history.interrupted = interrupted
    model.history = history
    final_line = _final_line(model, history, done, epochs, elapsed, run, interrupted, position)
    display.close(final_line, always=interrupted)
    return history


def _compile_if_needed(model, data, optimizer, loss, metrics):
    """Compile an uncompiled model (proposed loss unless given); returns notes to show."""
    if model.compiled:
        if optimizer is not None or loss is not None or metrics is not None:
            raise ValueError(
                "The model is already compiled, so optimizer/loss/metrics given to kit.train "
                "would be ignored. Leave them out, or pass an uncompiled model (or a builder)."
            )
        return []
    chosen_loss = loss if loss is not None else data.loss
    chosen_metrics = metrics if metrics is not None else data.metrics
    with model.distribute_strategy.scope():
        model.compile(optimizer=optimizer or "adam", loss=chosen_loss, metrics=chosen_metrics)
    return [
        f"compiled with optimizer={optimizer or 'adam'!r}, loss={_describe_short(chosen_loss)}, "
        f"metrics={_describe_short(chosen_metrics)}"
    ]


def _open_run(run, key, restart):
    """The saved state of the run in ``run`` (None if fresh), refusing another call's run."""
    if restart:
        clear_run(run)
    state = read_state(run)
    if state and state.get("fingerprint") != key:
        raise ValueError(
            f"{run} holds a run of a different call (the model, the data, the batch size or "
            "the loss changed). Pass restart=True to replace it, or choose another run_dir=."
        )
    return state


def _finished_run(model, run, done, epochs, previous_history):
    """The History of a run that already trained all its epochs (weights are loaded)."""
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
    metrics = train_progress.format_logs(
        {key: values[-1] for key, values in history.history.items() if values}
    )
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
    """Turn an out-of-memory error into a short :class:`OutOfMemoryError`.

    ``batch_size`` None means the model was being built, not trained.
    """
    tf = _tf()
    if isinstance(error, (tf.errors.ResourceExhaustedError, MemoryError)):
        device = re.search(r"device:([A-Z]+:\d+)", str(error))
        where = f" on {device.group(1)}" if device else ""
        if batch_size is None:
            raise OutOfMemoryError(
                f"Out of memory{where} while building the model: it has more weights than the "
                "device can hold. Make it smaller (fewer units or filters, smaller inputs), or "
                "restart the kernel to free memory held by earlier models."
            ) from None
        smaller = max(1, batch_size // 2)
        raise OutOfMemoryError(
            f"Out of memory{where} while training with batch_size={batch_size}. Try "
            f"kit.train(..., batch_size={smaller}) (or smaller), a smaller model, or restart the "
            "kernel to free memory held by earlier models."
        ) from None

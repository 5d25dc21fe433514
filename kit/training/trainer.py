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

The keyword arguments are grouped as a learner thinks of them: the data
(:class:`DataOptions`), the compile settings (:class:`CompileOptions`), the run
and its folder (:class:`RunOptions`) and the display (:class:`DisplayOptions`);
the devices are the :class:`kit.training.devices.Setup` of ``kit.setup()``.

Example
-------
>>> import kit
>>> history = kit.train(model, x, y, epochs=5, batch_size=64, validation=0.2)  # doctest: +SKIP
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kit.graph import build_for_fit
from kit.training import devices
from kit.training.batches_per_call import several_batches_per_call
from kit.training.checks import prepare
from kit.training.fingerprint import default_run_dir, run_fingerprint
from kit.training.pipeline import array_dataset, validation_dataset
from kit.training.ports import check_model
from kit.training.progress import MODES, make_progress
from kit.training.readouts import format_logs
from kit.training.runs import load_checkpoint, new_state, open_run
from kit.training.stopping import StopButton, StopRequested

__all__ = [
    "CompileOptions",
    "DataOptions",
    "DisplayOptions",
    "Feed",
    "OutOfMemoryError",
    "RunOptions",
    "RunStart",
    "train",
]


class OutOfMemoryError(MemoryError):
    """The device ran out of memory while training (the message says what to try)."""


# ---------------------------------------------------------------- the options


def _count(name, value, minimum):
    """``value`` as an int of at least ``minimum``, or a TypeError naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise TypeError(f"{name} should be an int >= {minimum}, got {value!r}.")
    return int(value)


@dataclass(frozen=True)
class RunOptions:
    """How long the run is and where it lives: ``epochs``, ``run_dir``, ``restart``,
    ``checkpoint`` and the learner's own ``callbacks``.

    >>> RunOptions(epochs=0)
    Traceback (most recent call last):
    TypeError: epochs should be an int >= 1, got 0.
    """

    epochs: int = 1
    run_dir: object = None
    restart: bool = False
    checkpoint: bool = True
    callbacks: tuple = ()

    def __post_init__(self):
        object.__setattr__(self, "epochs", _count("epochs", self.epochs, 1))
        object.__setattr__(self, "callbacks", tuple(self.callbacks or ()))


@dataclass(frozen=True)
class DataOptions:
    """What the model learns from: ``x``, ``y``, ``validation``, ``batch_size``, ``shuffle``.

    >>> DataOptions(batch_size=2.5)
    Traceback (most recent call last):
    TypeError: batch_size should be an int >= 1, got 2.5.
    """

    x: object = None
    y: object = None
    validation: object = None
    batch_size: int = 32
    shuffle: bool = True

    def __post_init__(self):
        object.__setattr__(self, "batch_size", _count("batch_size", self.batch_size, 1))


@dataclass(frozen=True)
class DisplayOptions:
    """How training shows itself: ``progress`` is one of :data:`kit.training.progress.MODES`.

    >>> DisplayOptions("bar")
    Traceback (most recent call last):
    ValueError: progress should be one of ('auto', 'widget', 'text', None), got 'bar'.
    """

    progress: str | None = "auto"

    def __post_init__(self):
        if self.progress not in MODES:
            raise ValueError(f"progress should be one of {MODES}, got {self.progress!r}.")


@dataclass(frozen=True)
class CompileOptions:
    """``optimizer``, ``loss`` and ``metrics`` for a model that is not compiled yet.

    >>> CompileOptions().given
    False
    """

    optimizer: object = None
    loss: object = None
    metrics: object = None

    @property
    def given(self):
        """True when any of the three was passed."""
        return self.optimizer is not None or self.loss is not None or self.metrics is not None


@dataclass(frozen=True)
class RunStart:
    """Where a run stands before ``fit``: its folder (None without checkpoints), its
    state (updated in place by the checkpoint callback), seed, epochs done and history."""

    folder: Path | None
    state: dict
    seed: int
    epochs_done: int
    history: dict


@dataclass(frozen=True)
class Feed:
    """What ``fit`` reads: the training stream, its steps per epoch (None: the
    dataset's own length), the steps and samples shown, the validation data and
    the batch size."""

    train: object
    steps: int | None
    shown_steps: int | None
    samples: int
    validation: object
    batch_size: int


# ------------------------------------------------------------------ the steps


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

    Notes
    -----
    On arrays, each call of the train function runs up to 10 batches (Keras'
    ``steps_per_execution``, during this call only), always a number that
    divides the epoch; see :mod:`kit.training.batches_per_call`. A callback of
    yours that watches every batch gets one batch per call.
    """
    run = RunOptions(epochs, run_dir, restart, checkpoint, callbacks)
    data_options = DataOptions(x, y, validation, batch_size, shuffle)
    display = DisplayOptions(progress)
    compiling = CompileOptions(optimizer, loss, metrics)
    env = env or devices.current_setup()

    model = _resolve_model(model_or_builder, env)
    data = _checked_data(model, data_options, compiling)
    notes = _compile_if_needed(model, data, compiling) + _scope_notes(model, env)
    start = _start_run(model, data_options, data, run, env)
    if start.epochs_done >= run.epochs:
        return _finished_run(model, start, run.epochs)
    if start.epochs_done:
        notes.append(f"resuming after epoch {start.epochs_done} from the checkpoint in {start.folder}")
    feed = _feed(data, data_options, start)
    return _fit(model, feed, start, run, display, notes)


def _resolve_model(model_or_builder, env):
    """The model to train: given, or built by the builder under the strategy's scope."""
    import keras

    if isinstance(model_or_builder, keras.Model):
        model = model_or_builder
    elif callable(model_or_builder):
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
    else:
        raise TypeError(
            "kit.train expects a keras.Model or a function that builds one (called "
            f"under the strategy's scope), got {type(model_or_builder).__name__}."
        )
    check_model(model)
    return model


def _checked_data(model, data, compiling):
    """The data checked against the model and put in its structure (see :func:`prepare`)."""
    known_loss = model.loss if model.compiled else compiling.loss
    return prepare(model, data.x, data.y, data.validation, data.batch_size, loss=known_loss)


def _compile_if_needed(model, data, compiling):
    """Compile an uncompiled model (proposed loss unless given); returns notes to show."""
    if model.compiled:
        if compiling.given:
            raise ValueError(
                "The model is already compiled, so optimizer/loss/metrics given to kit.train "
                "would be ignored. Leave them out, or pass an uncompiled model (or a builder)."
            )
        return []
    optimizer = compiling.optimizer or "adam"
    loss = compiling.loss if compiling.loss is not None else data.loss
    metrics = compiling.metrics if compiling.metrics is not None else data.metrics
    with model.distribute_strategy.scope():
        model.compile(optimizer=optimizer, loss=loss, metrics=metrics)
    return [
        f"compiled with optimizer={optimizer!r}, loss={_describe_short(loss)}, "
        f"metrics={_describe_short(metrics)}"
    ]


def _scope_notes(model, env):
    """A note when the model will train on fewer devices than the setup has."""
    if env.replicas > 1 and model.distribute_strategy is not env.strategy:
        return [
            f"the model was built outside kit.setup()'s scope, so it trains on one device, "
            f"not {env.replicas}: pass a function that builds it, kit.train(build_model, ...)"
        ]
    return []


def _start_run(model, data_options, data, run, env):
    """Find (or make) the run's folder and state; a saved run's checkpoint is loaded."""
    fingerprint = folder = state = None
    if run.checkpoint:
        source = data.x if data.dataset is None else data_options.x
        batch_size = data_options.batch_size
        fingerprint = run_fingerprint(model, source, data.y, batch_size, model.loss, model.optimizer)
        folder = Path(run.run_dir) if run.run_dir is not None else default_run_dir(model, fingerprint)
        if not env.is_chief:
            folder = folder / f"worker-{env.worker_index}"
        state = open_run(folder, fingerprint, run.restart)
    if state:
        load_checkpoint(model, folder / state["checkpoint"])
        state["epochs"] = run.epochs
        return RunStart(folder, state, state["seed"], state["epochs_done"], state["history"])
    seed = env.seed if env.seed is not None else devices.fresh_seed()
    state = new_state(seed, model.name, data_options.batch_size, fingerprint, run.epochs)
    return RunStart(folder, state, seed, 0, {})


def _finished_run(model, start, epochs):
    """The History of a run that already trained all its epochs (weights are loaded)."""
    from kit.training.callbacks import ResumedHistory

    done = start.epochs_done
    history = ResumedHistory(range(done), start.history)
    _attach(history, model, {"epochs": done, "steps": None, "verbose": 0}, interrupted=False)
    extra = f" (asked for {epochs}; it keeps the weights after epoch {done})" if done > epochs else ""
    print(
        f"Already trained: {start.folder} holds all {done} epochs{extra}; loaded its weights and "
        "history. Pass restart=True to train again from scratch."
    )
    return history


def _feed(data, data_options, start):
    """The training stream (continuing at the run's epoch) and the validation data."""
    batch_size = data_options.batch_size
    if data.dataset is not None:
        train_data, steps, shown_steps = data.dataset, None, data.batches
    else:
        train_data = array_dataset(
            data.x,
            data.y,
            batch_size,
            seed=start.seed,
            shuffle=data_options.shuffle,
            first_epoch=start.epochs_done,
        )
        steps = shown_steps = -(-data.samples // batch_size)
    validation = data.validation_dataset
    if validation is None and data.validation is not None:
        validation = validation_dataset(*data.validation, batch_size)
    return Feed(train_data, steps, shown_steps, data.samples, validation, batch_size)


def _fit(model, feed, start, run, display_options, notes):
    """Train the epochs left with kit's callbacks around the learner's; returns the History."""
    from kit.training import callbacks as kit_callbacks

    history = kit_callbacks.ResumedHistory(range(start.epochs_done), start.history)
    display = make_progress(
        display_options.progress,
        model_name=model.name,
        epochs=run.epochs,
        initial_epoch=start.epochs_done,
        steps=feed.shown_steps,
        samples=feed.samples,
        run_dir=start.folder,
        notes=notes,
        previous=start.history,
    )
    position = kit_callbacks.Position()
    saver = kit_callbacks.EpochCheckpoint(start.folder, start.state, history) if start.folder else None
    button = StopButton()
    # Position first, the stopper last: it sees every request, after every other callback.
    own = [position, history] + ([saver] if saver else []) + [display]
    every = own + list(run.callbacks) + [kit_callbacks.StopAfterBatch(button)]
    started = time.perf_counter()
    with model.distribute_strategy.scope():
        build_for_fit(model, feed.train.element_spec)
    with several_batches_per_call(model, feed.steps, run.callbacks):
        interrupted = _fit_until_done_or_stopped(
            model, feed, run.epochs, start, every, button, saver, display
        )
    elapsed = time.perf_counter() - started

    _attach(history, model, {"epochs": run.epochs, "steps": feed.steps, "verbose": 0}, interrupted)
    line = _final_line(model, history, start, run.epochs, elapsed, interrupted, position)
    display.close(line, always=interrupted)
    return history


def _fit_until_done_or_stopped(model, feed, epochs, start, callbacks, button, saver, display):
    """``model.fit``; True when the Stop button (or Ctrl-C) ended it early."""
    try:
        with button:
            model.fit(
                feed.train,
                epochs=epochs,
                initial_epoch=start.epochs_done,
                steps_per_epoch=feed.steps,
                validation_data=feed.validation,
                callbacks=callbacks,
                shuffle=False,  # the pipeline shuffles, reproducibly
                verbose=0,
            )
    except (StopRequested, KeyboardInterrupt):
        return True
    except Exception as error:
        display.close()
        _raise_if_out_of_memory(error, feed.batch_size)
        raise
    finally:
        if saver is not None:
            saver.wait()  # the last completed epoch is on disk before we return
    return False


def _attach(history, model, params, interrupted):
    """Make ``history`` the model's history, as ``fit`` does, with ``interrupted`` set."""
    history.set_model(model)
    history.params = params
    history.interrupted = interrupted
    model.history = history


# --------------------------------------------------------------- the messages


def _describe_short(thing):
    if isinstance(thing, (list, tuple)):
        return "[" + ", ".join(_describe_short(item) for item in thing) + "]"
    if isinstance(thing, dict):
        return "{" + ", ".join(f"{key!r}: {_describe_short(value)}" for key, value in thing.items()) + "}"
    if isinstance(thing, str):
        return repr(thing)
    return getattr(thing, "name", None) or getattr(thing, "__name__", None) or type(thing).__name__


def _final_line(model, history, start, epochs, elapsed, interrupted, position):
    """The line printed when training ends: what was trained, or where it stopped."""
    done, run = start.epochs_done, start.folder
    metrics = format_logs({key: values[-1] for key, values in history.history.items() if values})
    if interrupted:
        last = len(history.epoch)
        again = (
            f". Run the same call again to continue from epoch {last + 1} (the last checkpoint)."
            if run is not None
            else "."
        )
        return (
            f"Stopped during epoch {position.epoch + 1} after batch {position.batch}. The model keeps "
            f"its current weights and history keeps epochs 1-{last} ({metrics or 'no complete epoch'})"
            + again
        )
    trained = len(history.epoch) - done
    span = f"epochs {done + 1}-{epochs}" if trained > 1 else f"epoch {epochs}"
    where = f"; checkpoint in {run}" if run is not None else ""
    return f"Trained {model.name!r}, {span}, in {elapsed:.1f} s: {metrics}{where}"


def _raise_if_out_of_memory(error, batch_size):
    """Turn an out-of-memory error into a short :class:`OutOfMemoryError`.

    ``batch_size`` None means the model was being built, not trained.
    """
    import tensorflow as tf

    if not isinstance(error, (tf.errors.ResourceExhaustedError, MemoryError)):
        return
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

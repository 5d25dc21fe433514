"""Run folders of ``kit.train``: checkpoints, the run's state and resuming.

A run folder holds ``state.json`` (the seed, the epochs done, the history and
the name of the newest checkpoint) and that checkpoint, ``epoch-NNNN.npz``.
Every file is replaced atomically and the checkpoint is written before the
state that names it, so a crash at any moment leaves the last complete epoch
readable.

Example
-------
>>> import tempfile
>>> folder = Path(tempfile.mkdtemp())
>>> state = new_state(7, "mlp", 32, "0a1b2c3d", 1)
>>> previous = record_epoch(state, 0, {"loss": [0.5]})
>>> write_epoch(folder, {"model/0": np.ones(2)}, state, previous)
>>> read_state(folder)["epochs_done"], sorted(path.name for path in folder.iterdir())
(1, ['epoch-0001.npz', 'state.json'])
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from kit._files import write_atomically

__all__ = [
    "CHECKPOINT_PATTERN",
    "STATE_FILE",
    "STATE_VERSION",
    "checkpoint_arrays",
    "checkpoint_variables",
    "clear_run",
    "load_checkpoint",
    "new_state",
    "open_run",
    "read_state",
    "record_epoch",
    "save_checkpoint",
    "write_epoch",
]

#: Files of a run directory.
STATE_FILE = "state.json"
CHECKPOINT_PATTERN = "epoch-{epoch:04d}.npz"
STATE_VERSION = 2


# ------------------------------------------------------------------ checkpoints


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
            _check_fits(saved, group, variables, path)
        for group, variables in groups.items():
            for index, variable in enumerate(variables):
                variable.assign(saved[f"{group}/{index}"])


def _check_fits(saved, group, variables, path):
    """Refuse a checkpoint whose ``group`` of variables has other shapes than the model's."""
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


def _save_npz(path, values):
    with open(path, "wb") as handle:
        np.savez(handle, **values)


# ------------------------------------------------------------------------ state


def new_state(seed, model_name, batch_size, fingerprint, epochs):
    """The state of a run that has not finished an epoch yet.

    >>> new_state(7, "mlp", 32, "0a1b2c3d", 5)["epochs"]
    5
    """
    return {
        "version": STATE_VERSION,
        "seed": seed,
        "model": model_name,
        "batch_size": batch_size,
        "fingerprint": fingerprint,
        "epochs": epochs,
    }


def read_state(run_dir):
    """The saved state of a run, or None when there is no usable checkpoint."""
    path = Path(run_dir) / STATE_FILE
    if not path.exists():
        return None
    state = json.loads(path.read_text())
    checkpoint = state.get("checkpoint")
    if state.get("version") != STATE_VERSION or not checkpoint or not (Path(run_dir) / checkpoint).exists():
        return None
    return state


def open_run(run_dir, fingerprint, restart):
    """The saved state of the run in ``run_dir`` (None if fresh), refusing another call's run."""
    if restart:
        clear_run(run_dir)
    state = read_state(run_dir)
    if state and state.get("fingerprint") != fingerprint:
        raise ValueError(
            f"{run_dir} holds a run of a different call (the model, the data, the batch size or "
            "the loss changed). Pass restart=True to replace it, or choose another run_dir=."
        )
    return state


def clear_run(run_dir):
    """Remove the checkpoint files of a run (and nothing else in that folder)."""
    run = Path(run_dir)
    for folder in [run, *run.glob("worker-*")]:
        for path in [folder / STATE_FILE, *folder.glob("epoch-*.npz")]:
            path.unlink(missing_ok=True)


def record_epoch(state, epoch, history):
    """Update ``state`` for a finished ``epoch`` (0-based); returns the checkpoint it replaces.

    >>> state = new_state(7, "mlp", 32, "0a1b2c3d", 2)
    >>> record_epoch(state, 0, {"loss": [0.5]}), state["checkpoint"], state["completed"]
    (None, 'epoch-0001.npz', False)
    """
    previous = state.get("checkpoint")
    state.update(
        checkpoint=CHECKPOINT_PATTERN.format(epoch=epoch + 1),
        epochs_done=epoch + 1,
        completed=epoch + 1 >= state["epochs"],
        history={key: [float(value) for value in values] for key, values in history.items()},
    )
    return previous


def write_epoch(run_dir, arrays, state, previous):
    """Write a checkpoint, then the state naming it, then remove the ``previous`` checkpoint."""
    run = Path(run_dir)
    run.mkdir(parents=True, exist_ok=True)
    write_atomically(run / state["checkpoint"], lambda path: _save_npz(path, arrays))
    write_atomically(run / STATE_FILE, json.dumps(state, indent=1))
    if previous and previous != state["checkpoint"] and (run / previous).exists():
        (run / previous).unlink()

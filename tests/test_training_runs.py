"""Tests of kit.training.runs: checkpoints hold everything a resume needs, the state
names the newest complete checkpoint, and a run folder of another call is refused."""

import json

import numpy as np
import pytest
from training_support import data, keras

from kit.training import runs
from kit.training.trainer import train


def test_checkpoint_holds_weights_optimizer_and_random_states(tmp_path):
    x, y = data(64)
    layers = keras().layers

    def build():
        inputs = keras().Input((6,))
        hidden = layers.Dropout(0.5)(layers.Dense(4)(inputs))
        return keras().Model(inputs, layers.Dense(3, activation="softmax")(hidden), name="dropper")

    history = train(build, x, y, epochs=1, run_dir=tmp_path / "run", progress=None)
    model = history.model
    saved = np.load(tmp_path / "run" / "epoch-0001.npz")
    groups = runs.checkpoint_variables(model)
    assert len(groups["random"]) == 1 and groups["optimizer"]
    for group, variables in groups.items():
        for index, variable in enumerate(variables):
            np.testing.assert_array_equal(saved[f"{group}/{index}"], variable.numpy())
    other = keras().Model(model.inputs, layers.Dense(5)(model.inputs[0]))
    other.compile("adam", "mse")
    with pytest.raises(ValueError, match=r"does not fit this model .* Pass restart=True"):
        runs.load_checkpoint(other, tmp_path / "run" / "epoch-0001.npz")


def test_each_epoch_replaces_the_previous_checkpoint(tmp_path):
    state = runs.new_state(3, "mlp", 16, "0a1b2c3d", 2)
    for epoch in range(2):
        previous = runs.record_epoch(state, epoch, {"loss": [0.5, 0.25][: epoch + 1]})
        runs.write_epoch(tmp_path, {"model/0": np.full(2, epoch)}, dict(state), previous)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["epoch-0002.npz", "state.json"]
    saved = json.loads((tmp_path / runs.STATE_FILE).read_text())
    assert saved["completed"] and saved["epochs_done"] == 2 and saved["history"] == {"loss": [0.5, 0.25]}
    assert runs.read_state(tmp_path) == saved
    np.testing.assert_array_equal(np.load(tmp_path / "epoch-0002.npz")["model/0"], [1, 1])


def test_a_state_without_its_checkpoint_or_of_another_version_is_not_used(tmp_path):
    state = runs.new_state(3, "mlp", 16, "0a1b2c3d", 1)
    previous = runs.record_epoch(state, 0, {})
    runs.write_epoch(tmp_path, {}, state, previous)
    assert runs.read_state(tmp_path) is not None
    (tmp_path / "epoch-0001.npz").unlink()
    assert runs.read_state(tmp_path) is None
    (tmp_path / runs.STATE_FILE).write_text(json.dumps(dict(state, version=1)))
    assert runs.read_state(tmp_path) is None


def test_open_run_refuses_another_fingerprint_and_restart_clears_only_checkpoints(tmp_path):
    state = runs.new_state(3, "mlp", 16, "0a1b2c3d", 1)
    runs.write_epoch(tmp_path, {}, state, runs.record_epoch(state, 0, {}))
    (tmp_path / "notes.txt").write_text("mine")
    assert runs.open_run(tmp_path, "0a1b2c3d", restart=False)["epochs_done"] == 1
    with pytest.raises(ValueError, match=r"holds a run of a different call .* restart=True"):
        runs.open_run(tmp_path, "ffffffff", restart=False)
    assert runs.open_run(tmp_path, "ffffffff", restart=True) is None
    assert sorted(path.name for path in tmp_path.iterdir()) == ["notes.txt"]

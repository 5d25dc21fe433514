"""Tests of kit.training.targets: loss families, proposed losses and each loss's checks of
the targets, called directly (tests/test_training_checks.py goes through prepare)."""

import numpy as np
import pytest
from training_support import keras

from kit.training import targets as train_targets
from kit.training.ports import Port
from kit.training.targets import check_target, combine_losses, losses_per_output, propose_loss

DIGIT = Port("digit", (None, 10), "float32", "softmax")
SCORE = Port("score", (None, 1), "float32", "sigmoid")


def test_loss_families():
    assert train_targets.loss_family("sparse_categorical_crossentropy") == train_targets.SPARSE
    assert train_targets.loss_family(keras().losses.CategoricalCrossentropy()) == train_targets.CATEGORICAL
    assert train_targets.loss_family(keras().losses.binary_crossentropy) == train_targets.BINARY
    assert train_targets.loss_family("mse") == train_targets.OTHER


def test_proposals_follow_the_activation_and_the_targets():
    assert propose_loss(DIGIT, np.arange(4)) == ("sparse_categorical_crossentropy", ["accuracy"])
    assert propose_loss(DIGIT, np.eye(10)[:4])[0] == "categorical_crossentropy"
    assert propose_loss(SCORE, np.zeros(4))[0] == "binary_crossentropy"
    logits = Port("logits", (None, 3), "float32", "linear")
    loss, metrics = propose_loss(logits, np.arange(3))
    assert type(loss).__name__ == "SparseCategoricalCrossentropy" and loss.get_config()["from_logits"]
    assert propose_loss(Port("value", (None, 1), "float32"), np.zeros(3)) == ("mse", ["mae"])


def test_losses_per_output_and_combined_proposals():
    ports = [DIGIT, SCORE]
    assert losses_per_output("mse", ports) == {"digit": "mse", "score": "mse"}
    assert losses_per_output(["a", "b"], ports) == {"digit": "a", "score": "b"}
    with pytest.raises(ValueError, match=r"loss is a list of 1 but the model has 2 outputs"):
        losses_per_output(["a"], ports)
    proposal = [("l1", ["m1"]), ("l2", ["m2"])]
    assert combine_losses(proposal, ports, {"digit": 0, "score": 1}) == (
        {"digit": "l1", "score": "l2"},
        {"digit": ["m1"], "score": ["m2"]},
    )
    assert combine_losses(proposal[:1], ports[:1], object()) == ("l1", ["m1"])


def test_each_family_checks_its_targets():
    sparse = "sparse_categorical_crossentropy"
    assert check_target(np.arange(10), DIGIT, sparse, "y").dtype == np.int32
    with pytest.raises(ValueError, match=r"one-hot labels, but the loss sparse_categorical_crossentropy"):
        check_target(np.eye(10), DIGIT, sparse, "y")
    with pytest.raises(ValueError, match=r"holds class numbers.*to_categorical\(y, 10\)"):
        check_target(np.arange(10), DIGIT, "categorical_crossentropy", "y")
    with pytest.raises(ValueError, match=r"values from 0 to 3 .*between 0 and 1"):
        check_target(np.arange(4), SCORE, "binary_crossentropy", "y")
    with pytest.raises(ValueError, match=r"compares them element by element"):
        check_target(np.zeros((4, 2)), SCORE, "mse", "y")
    assert check_target(np.zeros(4, "int64"), SCORE, "mse", "y").dtype == np.float32

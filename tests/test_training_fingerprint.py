"""Tests of kit.training.fingerprint: the same call finds its run, another call does not."""

from training_support import build_classifier, data, keras

from kit.training.fingerprint import default_run_dir, describe, run_fingerprint, without_names


def test_fingerprint_ignores_generated_names_but_not_data_or_batch():
    x, y = data()
    first, second = build_classifier(name="same"), build_classifier(name="same")
    assert first.layers[1].name != second.layers[1].name
    key = run_fingerprint(first, x, y, 32, "mse", None)
    assert key == run_fingerprint(second, x, y, 32, "mse", None)
    assert key != run_fingerprint(first, x, y, 64, "mse", None)
    assert key != run_fingerprint(first, x * 2, y, 32, "mse", None)
    assert key != run_fingerprint(build_classifier(classes=4, name="same"), x, y, 32, "mse", None)


def test_fingerprint_changes_with_the_loss_and_the_optimizer():
    x, y = data(64)
    model = build_classifier(name="same")
    key = run_fingerprint(model, x, y, 32, "mse", None)
    assert key != run_fingerprint(model, x, y, 32, "mae", None)
    assert key != run_fingerprint(model, x, y, 32, "mse", keras().optimizers.SGD(0.1))
    assert len(key) == 8 and int(key, 16) >= 0


def test_default_run_dir_drops_keras_number_suffixes_and_odd_characters():
    model = build_classifier(name="my model_12")
    assert default_run_dir(model, "0a1b2c3d").as_posix() == "runs/my-model-0a1b2c3d"


def test_describe_and_without_names_leave_out_generated_names():
    loss = keras().losses.SparseCategoricalCrossentropy(from_logits=True)
    described = describe({"kind": loss, "other": "mse"})
    assert described["other"] == "mse" and described["kind"][0] == "SparseCategoricalCrossentropy"
    assert "name" not in described["kind"][1] and described["kind"][1]["from_logits"] is True
    assert without_names([{"name": "a", "rate": 1}]) == [{"rate": 1}]

"""Tests of kit.datasets.real: offline switches, cached keras.datasets files, fallbacks that say why.

No test touches the network: the online paths are pointed at a closed port on
127.0.0.1, and the keras.datasets cache at a temporary folder.
"""

import pickle
import socket

import numpy as np
import pytest

import kit.datasets as ds
from kit.datasets import real


@pytest.fixture
def empty_keras_home(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    return tmp_path


@pytest.fixture
def closed_port_origins(monkeypatch):
    """Point the download probes at a port on 127.0.0.1 nobody listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setitem(real.ORIGINS, "mnist", ("127.0.0.1", port))
    monkeypatch.setitem(real.ORIGINS, "cifar10", ("127.0.0.1", port))
    return port


def test_offline_switch_says_what_is_used_instead(empty_keras_home, capsys):
    (x, y), _ = ds.mnist(20, 5, online=False)
    out = capsys.readouterr().out
    assert "MNIST is not used (online=False)" in out
    assert "using 20 training and 5 test 28x28 digits rendered from fonts" in out
    generated, _ = ds.mnist(20, 5, source="generated", verbose=False)
    assert np.array_equal(x, generated[0])


def test_kit_offline_environment_variable_keeps_loaders_offline(empty_keras_home, monkeypatch, capsys):
    monkeypatch.setenv("KIT_OFFLINE", "1")
    ds.cifar10(20, 5)
    out = capsys.readouterr().out
    assert "CIFAR-10 is not used (offline mode: KIT_OFFLINE or CI is set)" in out
    assert "SHAPE_CLASSES" in out


def test_unreachable_server_falls_back_to_generated(empty_keras_home, closed_port_origins, capsys):
    (x, _), _ = ds.mnist(10, 5, online=True)
    out = capsys.readouterr().out
    assert f"127.0.0.1:{closed_port_origins} is unreachable" in out
    assert x.shape == (10, 28, 28)
    with pytest.raises(RuntimeError, match="MNIST is not available.*unreachable"):
        ds.mnist(10, 5, online=True, source="keras")


def test_cached_keras_file_is_used_fake_mnist_written_by_the_test(empty_keras_home, capsys):
    folder = empty_keras_home / "datasets"
    folder.mkdir()
    rng = np.random.default_rng(0)
    fake = {
        "x_train": rng.integers(0, 256, (50, 28, 28), dtype=np.uint8),
        "y_train": np.arange(50, dtype=np.uint8) % 10,
        "x_test": rng.integers(0, 256, (20, 28, 28), dtype=np.uint8),
        "y_test": np.arange(20, dtype=np.uint8) % 10,
    }
    np.savez(folder / "mnist.npz", **fake)
    (x, y), (x_test, y_test) = ds.mnist(30, 10, online=False)
    assert "MNIST (keras.datasets cache)" in capsys.readouterr().out
    rows = [np.flatnonzero((fake["x_train"] == image).all((1, 2)))[0] for image in x]
    assert len(set(rows)) == 30 and np.array_equal(y, fake["y_train"][rows])
    with pytest.raises(ValueError, match="50 training images; training size 60"):
        ds.mnist(60, 10, online=False)


def test_cached_cifar_batches_are_used_fake_batches_written_by_the_test(empty_keras_home, capsys):
    folder = empty_keras_home / "datasets" / "cifar-10-batches-py-target" / "cifar-10-batches-py"
    folder.mkdir(parents=True)
    for i, name in enumerate([f"data_batch_{k}" for k in range(1, 6)] + ["test_batch"]):
        data = np.full((4, 3072), i, np.uint8)
        data[:, :1024] = 200  # red plane
        with open(folder / name, "wb") as f:
            pickle.dump({b"data": data, b"labels": [i % 10] * 4}, f)
    (x, y), (x_test, y_test) = ds.cifar10(8, 3, online=False)
    assert "CIFAR-10 (keras.datasets cache)" in capsys.readouterr().out
    assert x.shape == (8, 32, 32, 3) and y.shape == (8, 1)
    assert (x[..., 0] == 200).all() and (x_test[..., 1] == 5).all()  # channels last


def test_corrupt_cache_falls_back_and_says_why(empty_keras_home, capsys):
    (empty_keras_home / "datasets").mkdir()
    (empty_keras_home / "datasets" / "mnist.npz").write_bytes(b"not a zip")
    ds.mnist(10, 5, online=False)
    out = capsys.readouterr().out
    assert "cached file unreadable" in out and "online=False" in out

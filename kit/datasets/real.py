"""MNIST and CIFAR-10: keras.datasets when cached or reachable, generated stand-ins otherwise.

Only this module ever uses the network, and only when allowed (see :func:`mnist`).

Part of :mod:`kit.datasets`.
"""

from __future__ import annotations

import os
import pickle
import socket

import numpy as np

from kit.datasets._common import _check_choice, _streams
from kit.datasets.images import _render_digits, _render_shape_classes

__all__ = ["CIFAR10_CLASSES", "SHAPE_CLASSES", "cifar10", "mnist"]


# --------------------------------------------------------------------------------------
# Real datasets: keras.datasets when cached or reachable, generated data otherwise
# --------------------------------------------------------------------------------------

#: Host and port each keras.datasets download comes from; probed before downloading.
ORIGINS = {
    "mnist": ("storage.googleapis.com", 443),
    "cifar10": ("www.cs.toronto.edu", 443),
}
PROBE_TIMEOUT = 3.0
_TRUE_WORDS = {"1", "true", "yes", "on"}


def _offline_reason(online):
    if online is False:
        return "online=False"
    if online is None:
        for variable in ("KIT_OFFLINE", "CI"):
            if os.environ.get(variable, "").strip().lower() in _TRUE_WORDS:
                return "offline mode: KIT_OFFLINE or CI is set"
    return None


def _keras_datasets_dir():
    """Where keras.datasets keeps its downloads (``$KERAS_HOME/datasets``)."""
    home = os.environ.get("KERAS_HOME")
    if not home:
        base = os.path.expanduser("~")
        home = os.path.join(base if os.access(base, os.W_OK) else "/tmp", ".keras")
    return os.path.join(home, "datasets")


def _reachable(host, port, timeout=PROBE_TIMEOUT):
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def _subsample(rng, x, y, n, name, split):
    if n > len(x):
        raise ValueError(f"{name} has {len(x)} {split} images; {split} size {n} asked for")
    keep = np.sort(rng.choice(len(x), size=n, replace=False))
    return x[keep], y[keep]


def _load_real(name, cached_loader, keras_loader, online):
    """Real data as ((x, y), (x, y)) and how it was found, or None and why not."""
    try:
        cached = cached_loader(_keras_datasets_dir())
    except (OSError, ValueError, KeyError, EOFError, pickle.UnpicklingError) as error:
        cached = None
        why_not_cached = f"cached file unreadable: {error}"
    else:
        why_not_cached = None
    if cached is not None:
        return cached, "keras.datasets cache", None
    reason = _offline_reason(online)
    if reason is None:
        host, port = ORIGINS[name]
        if not _reachable(host, port):
            reason = f"{host}:{port} is unreachable"
        else:
            try:
                return keras_loader(), "downloaded by keras.datasets", None
            except Exception as error:
                reason = f"download failed: {type(error).__name__}: {error}"
    if why_not_cached:
        reason = f"{why_not_cached}; {reason}"
    return None, None, reason


def _cached_mnist(directory):
    path = os.path.join(directory, "mnist.npz")
    if not os.path.exists(path):
        return None
    with np.load(path, allow_pickle=False) as f:
        return (f["x_train"], f["y_train"]), (f["x_test"], f["y_test"])


def _keras_mnist():
    import keras

    return keras.datasets.mnist.load_data()


def _cached_cifar10(directory):
    folder = os.path.join(directory, "cifar-10-batches-py-target", "cifar-10-batches-py")
    if not os.path.exists(os.path.join(folder, "test_batch")):
        return None

    def batch(name):
        with open(os.path.join(folder, name), "rb") as f:
            d = pickle.load(f, encoding="bytes")
        x = np.asarray(d[b"data"], dtype=np.uint8).reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
        return x, np.asarray(d[b"labels"], dtype=np.uint8).reshape(-1, 1)

    parts = [batch(f"data_batch_{i}") for i in range(1, 6)]
    x_train = np.concatenate([p[0] for p in parts])
    y_train = np.concatenate([p[1] for p in parts])
    return (x_train, y_train), batch("test_batch")


def _keras_cifar10():
    import keras

    return keras.datasets.cifar10.load_data()


def _check_source(source):
    return _check_choice("source", source, ("auto", "keras", "generated"))


def _real_or_generated(
    name,
    title,
    n_train,
    n_test,
    seed,
    source,
    online,
    verbose,
    cached_loader,
    keras_loader,
    generate,
    generated_text,
):
    _check_source(source)
    if online not in (None, True, False):
        raise TypeError(f"online must be True, False or None, got {online!r}")
    _, train_rng, test_rng = _streams(seed, n_train, n_test)
    data, how, reason = None, None, "source='generated'"
    if source != "generated":
        data, how, reason = _load_real(name, cached_loader, keras_loader, online)
        if data is None and source == "keras":
            raise RuntimeError(
                f"{title} is not available ({reason}); use source='auto' to fall back to generated data"
            )
    if data is not None:
        (x_train, y_train), (x_test, y_test) = data
        train = _subsample(train_rng, x_train, y_train, n_train, title, "training")
        test = _subsample(test_rng, x_test, y_test, n_test, title, "test")
        message = f"kit.datasets.{name}: {title} ({how}): {n_train} training and {n_test} test images."
    else:
        train = generate(train_rng, n_train)
        test = generate(test_rng, n_test)
        message = (
            f"kit.datasets.{name}: {title} is not used ({reason}); using "
            f"{n_train} training and {n_test} test {generated_text} instead."
        )
    if verbose:
        print(message)
    return train, test


def mnist(n_train=6000, n_test=1000, *, seed=0, source="auto", online=None, verbose=True):
    """MNIST digits, or generated look-alikes offline, in ``keras.datasets.mnist`` format.

    Used by the MLP, autoencoder and ``TimeDistributed`` notebooks. MNIST comes from
    the keras.datasets cache if it is there, else is downloaded when ``online`` allows
    and the server answers within a few seconds; otherwise the digits are generated by
    :func:`digit_images`. The printed line says which.

    Parameters
    ----------
    n_train, n_test : int
        Sizes of a seeded random subset (MNIST has 60000 / 10000).
    seed : int
    source : {"auto", "keras", "generated"}
        "keras" raises RuntimeError instead of falling back; "generated" never looks
        for MNIST.
    online : bool or None
        None: download unless the environment variable KIT_OFFLINE (or CI) is true.
    verbose : bool
        Print the source used.

    Returns
    -------
    (x_train, y_train), (x_test, y_test)
        x: uint8 (n, 28, 28) in 0..255, ink bright on black; y: uint8 (n,) digits 0..9.

    Example
    -------
    >>> (x_train, y_train), _ = mnist(100, 10, source="generated", verbose=False)
    >>> x_train.shape, x_train.dtype, y_train.shape
    ((100, 28, 28), dtype('uint8'), (100,))
    """
    return _real_or_generated(
        "mnist",
        "MNIST",
        n_train,
        n_test,
        seed,
        source,
        online,
        verbose,
        _cached_mnist,
        _keras_mnist,
        lambda rng, n: _render_digits(rng, n, 28),
        "28x28 digits rendered from fonts with random slant, stroke and shift",
    )


#: The ten CIFAR-10 classes, by label.
CIFAR10_CLASSES = ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck")
#: The ten classes of the generated stand-in for CIFAR-10, by label.
SHAPE_CLASSES = (
    "circle",
    "square",
    "triangle",
    "diamond",
    "cross",
    "ring",
    "horizontal stripes",
    "vertical stripes",
    "checkerboard",
    "dots",
)


def cifar10(n_train=5000, n_test=1000, *, seed=0, source="auto", online=None, verbose=True):
    """CIFAR-10, or 32x32 colour shapes and textures offline, in ``keras.datasets`` format.

    Used by the toy ResNet notebook. Same rules as :func:`mnist` for where the data
    comes from. Offline the ten classes are :data:`SHAPE_CLASSES` (random colours,
    sizes, positions, tilts and noisy backgrounds, so colour alone tells nothing);
    with the real data they are :data:`CIFAR10_CLASSES`. The printed line says which.

    Returns
    -------
    (x_train, y_train), (x_test, y_test)
        x: uint8 (n, 32, 32, 3); y: uint8 (n, 1) labels 0..9.

    Example
    -------
    >>> (x, y), _ = cifar10(50, 10, source="generated", verbose=False)
    >>> x.shape, y.shape
    ((50, 32, 32, 3), (50, 1))
    """
    return _real_or_generated(
        "cifar10",
        "CIFAR-10",
        n_train,
        n_test,
        seed,
        source,
        online,
        verbose,
        _cached_cifar10,
        _keras_cifar10,
        _render_shape_classes,
        "32x32 colour images of 10 shape and texture classes (kit.datasets.SHAPE_CLASSES)",
    )

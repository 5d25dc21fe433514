"""Small worlds to train the guides' models on, offline, plus MNIST and CIFAR-10 when reachable.

Every loader is deterministic given ``seed``, needs no network and returns numpy
arrays in the Keras way::

    (x_train, y_train), (x_test, y_test) = kit.datasets.headlines()

``x`` and ``y`` are dicts when the guide's model has named inputs or outputs; the
keys are the names the notebooks give to those layers. Each world has a learning
signal a small model finds in a few epochs, and :func:`show` draws samples of any
world as a matplotlib ``Figure``.

Only :func:`mnist` and :func:`cifar10` ever use the network, and only when allowed:
``online=False``, or the environment variable ``KIT_OFFLINE=1`` (or ``CI=true``),
keeps them offline. They print which data they use.

| loader | notebooks | guide example |
|---|---|---|
| :func:`mnist`, :func:`digit_images` | MLP, autoencoder, TimeDistributed | MNIST MLP 784-64-64-10 |
| :func:`cifar10` | toy ResNet | CIFAR-10 ResNet |
| :func:`digit_pairs` | shared vision model | same-digit classifier (27x27x1) |
| :func:`headlines` | multi-input / multi-output | main_input + aux_input model |
| :func:`tweets` | shared layers | shared LSTM over two tweets |
| :func:`tickets` | multi-input / multi-output | title / body / tags ticket model |
| :func:`shapes_vqa` | visual question answering | VQA model |
| :func:`moving_shapes_vqa` | video question answering | video QA model |
| :func:`vector_pairs` | two inputs, two outputs | x_in / y_in model |
| :func:`categorical_numeric` | two inputs, two outputs | Embedding + numeric model |
| :func:`clusters` | first models | MLP 16-64-64-10, MLP 10-10-20-10-1, autoencoders |
| :func:`shape_views` | CNNs, multi-input | 64x64x1 CNN, gray + colour model |
| :func:`sequences` | recurrent models | LSTM on 100x1, multi-output LSTM |
"""

from __future__ import annotations

import functools
import os
import pickle
import socket

import numpy as np

__all__ = [
    "ANSWERS",
    "CIFAR10_CLASSES",
    "HEADLINE_WORDS",
    "QA_WORDS",
    "SHAPE_CLASSES",
    "TICKET_DEPARTMENTS",
    "TICKET_TAGS",
    "TICKET_WORDS",
    "categorical_numeric",
    "cifar10",
    "clusters",
    "decode",
    "decode_answer",
    "digit_images",
    "digit_pairs",
    "encode_question",
    "headlines",
    "mnist",
    "moving_shapes_vqa",
    "sequences",
    "shape_views",
    "shapes_vqa",
    "show",
    "tickets",
    "tweet_text",
    "tweets",
    "vector_pairs",
]

# --------------------------------------------------------------------------------------
# Argument checks and random streams
# --------------------------------------------------------------------------------------


def _check_int(name, value, minimum=1, maximum=None):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an int, got {type(value).__name__} {value!r}")
    if value < minimum or (maximum is not None and value > maximum):
        bound = f">= {minimum}" if maximum is None else f"between {minimum} and {maximum}"
        raise ValueError(f"{name} must be an int {bound}, got {value!r}")
    return int(value)


def _check_choice(name, value, choices):
    if value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, choices))}; got {value!r}")
    return value


def _streams(seed, n_train, n_test):
    """Check the common arguments; return (world rng, train rng, test rng).

    The world rng draws what train and test share (authors, prototypes); each split
    has its own stream, so the training set does not change with ``n_test``.
    """
    _check_int("seed", seed, minimum=0)
    _check_int("n_train", n_train)
    _check_int("n_test", n_test)
    return tuple(np.random.default_rng([seed, part]) for part in range(3))


def _balanced_labels(rng, n, classes):
    """``n`` labels in ``range(classes)``, as balanced as possible, in random order."""
    return rng.permutation(np.arange(n) % classes)


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


# --------------------------------------------------------------------------------------
# Image helpers
# --------------------------------------------------------------------------------------


def _bilinear(images, which, rows, cols):
    """Sample ``images[which]`` at fractional (rows, cols); zero outside the image."""
    size_r, size_c = images.shape[1:]
    r0 = np.floor(rows).astype(np.int64)
    c0 = np.floor(cols).astype(np.int64)
    fr = (rows - r0).astype(np.float32)
    fc = (cols - c0).astype(np.float32)
    out = np.zeros(rows.shape, np.float32)
    index = which.reshape((-1,) + (1,) * (rows.ndim - 1))
    for dr, wr in ((0, 1 - fr), (1, fr)):
        for dc, wc in ((0, 1 - fc), (1, fc)):
            r, c = r0 + dr, c0 + dc
            inside = (r >= 0) & (r < size_r) & (c >= 0) & (c < size_c)
            values = images[index, np.clip(r, 0, size_r - 1), np.clip(c, 0, size_c - 1)]
            out += values * inside * wr * wc
    return out


def _box_blur(images, radius=1):
    """Mean over a (2r+1)^2 window on the last two axes, zero padded."""
    k = 2 * radius + 1
    padded = np.pad(images, [(0, 0)] * (images.ndim - 2) + [(radius, radius)] * 2)
    out = np.zeros_like(images)
    for dr in range(k):
        for dc in range(k):
            out += padded[..., dr : dr + images.shape[-2], dc : dc + images.shape[-1]]
    return out / (k * k)


def _dilate(images):
    """Grey dilation by one pixel (3x3 max) on the last two axes."""
    padded = np.pad(images, [(0, 0)] * (images.ndim - 2) + [(1, 1)] * 2)
    h, w = images.shape[-2:]
    return np.max([padded[..., r : r + h, c : c + w] for r in range(3) for c in range(3)], axis=0)


def _grid(size):
    """Pixel-centre coordinates (rows, cols), each (size, size) float32."""
    return np.mgrid[0:size, 0:size].astype(np.float32) + 0.5


def _shape_coverage(kind, du, dv, radius, softness=1.0):
    """How much of each pixel a shape covers (0..1), from its offsets to the centre.

    kind: array of shape codes (see ``_SHAPE_FIELDS``) broadcastable with du, dv;
    du, dv: column and row offsets in pixels; radius: size in pixels.
    """
    kind, u, v, radius = np.broadcast_arrays(kind, du / radius, dv / radius, radius)
    out = np.zeros(u.shape, np.float32)
    for code, field in enumerate(_SHAPE_FIELDS):
        pick = kind == code
        if pick.any():
            f = field(u[pick], v[pick])
            out[pick] = np.clip(0.5 - f * radius[pick] / softness, 0, 1)
    return out


# Signed distance-like fields (negative inside) in units of the shape's radius.
_SHAPE_FIELDS = (
    lambda u, v: np.hypot(u, v) - 1.0,  # circle
    lambda u, v: np.maximum(abs(u), abs(v)) - 0.85,  # square
    lambda u, v: np.maximum(v - 0.6, (1.7321 * abs(u) - v - 1.2) / 2),  # triangle
    lambda u, v: (abs(u) + abs(v)) / 1.4142 - 0.8,  # diamond
    lambda u, v: np.minimum(
        np.maximum(abs(u) - 0.3, abs(v) - 1.0), np.maximum(abs(u) - 1.0, abs(v) - 0.3)
    ),  # cross
    lambda u, v: abs(np.hypot(u, v) - 0.72) - 0.28,  # ring
)
_CIRCLE, _SQUARE, _TRIANGLE = 0, 1, 2


# --------------------------------------------------------------------------------------
# Digits
# --------------------------------------------------------------------------------------

_DIGIT_FONTS = (
    "DejaVuSans.ttf",
    "DejaVuSans-Bold.ttf",
    "DejaVuSans-Oblique.ttf",
    "DejaVuSerif.ttf",
    "DejaVuSerif-Italic.ttf",
    "STIXGeneral.ttf",
    "STIXGeneralItalic.ttf",
    "STIXGeneralBol.ttf",
    "cmr10.ttf",
    "cmss10.ttf",
    "cmtt10.ttf",
    "cmb10.ttf",
    "cmti10.ttf",
)
_GLYPH_CELL = 64


@functools.lru_cache(maxsize=1)
def _digit_glyphs():
    """Digit templates rendered once from matplotlib's own fonts.

    Returns (glyphs float32 (styles*10, 64, 64) ink 0..1, centres (k, 2), extents (k,)):
    each font twice, as drawn and one pixel bolder.
    """
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties

    cell, rows = _GLYPH_CELL, len(_DIGIT_FONTS)
    fig = Figure(figsize=(10 * cell / 100, rows * cell / 100), dpi=100)
    canvas = FigureCanvasAgg(fig)
    font_dir = os.path.join(matplotlib.get_data_path(), "fonts", "ttf")
    for r, font in enumerate(_DIGIT_FONTS):
        props = FontProperties(fname=os.path.join(font_dir, font))
        for d in range(10):
            fig.text(
                (d + 0.5) / 10,
                1 - (r + 0.5) / rows,
                str(d),
                fontproperties=props,
                fontsize=34,
                ha="center",
                va="center",
            )
    canvas.draw()
    ink = 1 - np.asarray(canvas.buffer_rgba())[..., 0].astype(np.float32) / 255
    glyphs = ink.reshape(rows, cell, 10, cell).transpose(0, 2, 1, 3)
    glyphs = np.concatenate([glyphs, _dilate(glyphs)]).reshape(-1, cell, cell)
    glyphs = _box_blur(glyphs)  # smooth before down-sampling
    centres, extents = [], []
    for g in glyphs:
        rr, cc = np.nonzero(g > 0.3)
        centres.append(((rr.min() + rr.max() + 1) / 2, (cc.min() + cc.max() + 1) / 2))
        extents.append(max(rr.max() - rr.min(), cc.max() - cc.min()) + 1)
    return glyphs, np.array(centres, np.float32), np.array(extents, np.float32)


def _render_digits(rng, n, size, labels=None):
    """n random digit images, uint8 (n, size, size), and their uint8 labels."""
    glyphs, centres, extents = _digit_glyphs()
    styles = len(glyphs) // 10
    if labels is None:
        labels = _balanced_labels(rng, n, 10)
    labels = np.asarray(labels, np.int64)
    which = rng.integers(0, styles, n) * 10 + labels
    # Output pixel -> glyph pixel: rotate, shear, scale (inverse map), plus a smooth
    # random displacement field for a hand-drawn wobble.
    angle = np.deg2rad(rng.uniform(-14, 14, n))
    shear = rng.uniform(-0.25, 0.25, n)
    aspect = rng.uniform(0.85, 1.15, n)
    box = 20 * size / 28 * rng.uniform(0.8, 1.05, n)  # MNIST digits fit a 20x20 box
    zoom = extents[which] / box
    shift = rng.uniform(-1.2, 1.2, (n, 2)) * size / 28
    out = np.empty((n, size, size), np.uint8)
    gr, gc = _grid(size) - size / 2
    coarse = rng.normal(0, 0.7 * size / 28, (n, 2, 4, 4)).astype(np.float32)
    ramp = np.linspace(0, 3, size, dtype=np.float32)
    lo = np.minimum(ramp.astype(np.int64), 2)
    frac = ramp - lo
    upsample = np.zeros((size, 4), np.float32)
    upsample[np.arange(size), lo] = 1 - frac
    upsample[np.arange(size), lo + 1] = frac
    for start in range(0, n, 500):  # in chunks, to keep the temporaries small
        s = slice(start, min(n, start + 500))
        wobble = np.einsum("ri,nkij,cj->nkrc", upsample, coarse[s], upsample)
        r = gr - shift[s, 0, None, None] + wobble[:, 0]
        c = gc - shift[s, 1, None, None] + wobble[:, 1]
        cos, sin = np.cos(angle[s])[:, None, None], np.sin(angle[s])[:, None, None]
        rr = cos * r - sin * c
        cc = sin * r + cos * c
        cc = cc + shear[s, None, None] * rr
        z = zoom[s, None, None]
        rows = centres[which[s], 0, None, None] + rr * z * aspect[s, None, None]
        cols = centres[which[s], 1, None, None] + cc * z / aspect[s, None, None]
        ink = _bilinear(glyphs, which[s], rows, cols)
        ink = np.clip(ink * rng.uniform(1.3, 1.8, (len(ink), 1, 1)), 0, 1)
        out[s] = np.round(ink * 255).astype(np.uint8)
    return out, labels.astype(np.uint8)


def digit_images(n=1000, *, seed=0, size=28, labels=None):
    """Generated hand-drawn-looking digits: the offline stand-in for MNIST.

    Each image is a digit from one of 13 fonts shipped with matplotlib (each also
    one pixel bolder), rotated, sheared, stretched, shifted and wobbled at random,
    then scaled to fit MNIST's 20x20 box. Used by :func:`mnist` offline and by
    :func:`digit_pairs`.

    Parameters
    ----------
    n : int
    seed : int
    size : int
        Image side in pixels (>= 12), e.g. 27 for the shared vision model.
    labels : array of int, optional
        Which digit each image shows; balanced and shuffled when omitted.

    Returns
    -------
    x : uint8 (n, size, size), 0..255, ink bright on black
    y : uint8 (n,)

    Example
    -------
    >>> x, y = digit_images(20, size=27)
    >>> x.shape, x.dtype
    ((20, 27, 27), dtype('uint8'))
    """
    _check_int("n", n)
    _check_int("seed", seed, minimum=0)
    _check_int("size", size, minimum=12)
    if labels is not None:
        labels = np.asarray(labels)
        if (
            labels.shape != (n,)
            or not np.issubdtype(labels.dtype, np.integer)
            or (labels.size and (labels.min() < 0 or labels.max() > 9))
        ):
            raise ValueError(
                f"labels must be {n} ints in 0..9, got an array of shape "
                f"{labels.shape} and dtype {labels.dtype}"
            )
    return _render_digits(np.random.default_rng([seed, 3]), n, size, labels)


def digit_pairs(n_train=4000, n_test=1000, *, seed=0, size=27):
    """Pairs of generated digits, labelled 1 when both show the same digit.

    For the shared vision model notebook (guide: two 27x27x1 inputs, one vision model
    applied to both). Half the pairs are the same digit (drawn differently).
    As with :func:`tweets`, the guide's head (concatenate, then one sigmoid unit)
    cannot express "same" and stays near 50%; a hidden Dense layer after the merge
    reaches about 77% after 3 epochs.

    Returns
    -------
    (x_train, y_train), (x_test, y_test)
        x: {"digit_a", "digit_b"}: float32 (n, size, size, 1) in 0..1;
        y: float32 (n, 1) of 0 / 1.

    Example
    -------
    >>> (x, y), _ = digit_pairs(100, 10)
    >>> x["digit_a"].shape, float(y.mean())
    ((100, 27, 27, 1), 0.5)
    """
    _check_int("size", size, minimum=12)
    _, train_rng, test_rng = _streams(seed, n_train, n_test)

    def make(rng, n):
        same = _balanced_labels(rng, n, 2).astype(bool)
        first = rng.integers(0, 10, n)
        second = np.where(same, first, (first + rng.integers(1, 10, n)) % 10)
        a, _ = _render_digits(rng, n, size, first)
        b, _ = _render_digits(rng, n, size, second)
        x = {
            "digit_a": (a[..., None] / np.float32(255)).astype(np.float32),
            "digit_b": (b[..., None] / np.float32(255)).astype(np.float32),
        }
        return x, same.astype(np.float32)[:, None]

    return make(train_rng, n_train), make(test_rng, n_test)


# --------------------------------------------------------------------------------------
# Colour shapes (CIFAR-10 stand-in, shape views)
# --------------------------------------------------------------------------------------


def _render_shape_classes(rng, n):
    """The offline CIFAR-10: uint8 (n, 32, 32, 3) and uint8 (n, 1) labels."""
    labels = _balanced_labels(rng, n, 10)
    images = np.empty((n, 32, 32, 3), np.uint8)
    for start in range(0, n, 1000):  # in chunks, to keep the temporaries small
        images[start : start + 1000] = _render_shape_chunk(rng, labels[start : start + 1000])
    return images, labels.astype(np.uint8)[:, None]


def _render_shape_chunk(rng, labels):
    size, n = 32, len(labels)
    gr, gc = _grid(size)
    # Foreground and background colours far enough apart to see; colour is no clue.
    fg = rng.uniform(0, 1, (n, 3)).astype(np.float32)
    bg = rng.uniform(0, 1, (n, 3)).astype(np.float32)
    for _ in range(20):
        close = np.abs((fg - bg) @ np.array([0.3, 0.59, 0.11], np.float32)) < 0.25
        if not close.any():
            break
        bg[close] = rng.uniform(0, 1, (close.sum(), 3))
    angle = np.deg2rad(rng.uniform(-15, 15, (n, 1, 1))).astype(np.float32)
    cy = rng.uniform(12, 20, (n, 1, 1)).astype(np.float32)
    cx = rng.uniform(12, 20, (n, 1, 1)).astype(np.float32)
    radius = rng.uniform(7, 11, (n, 1, 1)).astype(np.float32)
    dr, dc = gr - cy, gc - cx
    cos, sin = np.cos(angle), np.sin(angle)
    u = cos * dc + sin * dr
    v = -sin * dc + cos * dr
    alpha = np.zeros((n, size, size), np.float32)
    is_shape = labels < 6
    alpha[is_shape] = _shape_coverage(
        labels[is_shape, None, None], u[is_shape], v[is_shape], radius[is_shape]
    )
    period = rng.uniform(5, 8, (n, 1, 1)).astype(np.float32)
    phase = rng.uniform(0, 2 * np.pi, (n, 1, 1)).astype(np.float32)
    wave_u = np.sin(2 * np.pi * u / period + phase)
    wave_v = np.sin(2 * np.pi * v / period + phase)
    soft = lambda wave: np.clip(0.5 + 2.5 * wave, 0, 1)  # noqa: E731 - sharp but anti-aliased
    textures = {6: soft(wave_v), 7: soft(wave_u), 8: soft(wave_u * wave_v)}
    for label, texture in textures.items():
        alpha[labels == label] = texture[labels == label]
    dots = labels == 9
    cell_u = (u[dots] / period[dots] + phase[dots] / 6) % 1 - 0.5
    cell_v = (v[dots] / period[dots] + phase[dots] / 6) % 1 - 0.5
    alpha[dots] = np.clip(0.5 - (np.hypot(cell_u, cell_v) - 0.28) * period[dots], 0, 1)
    slope = rng.normal(0, 0.006, (n, 2, 1, 1)).astype(np.float32)
    light = 1 + slope[:, 0] * (gr - 16) + slope[:, 1] * (gc - 16)
    image = bg[:, None, None] * (1 - alpha[..., None]) + fg[:, None, None] * alpha[..., None]
    image = image * light[..., None] + rng.normal(0, 0.04, image.shape).astype(np.float32)
    return np.round(np.clip(image, 0, 1) * 255).astype(np.uint8)


def shape_views(n_train=1000, n_test=200, *, seed=0):
    """One shape seen twice: a 64x64 gray view and a 32x32 colour view. Label: circle?

    For guide 003's CNN on 64x64x1, its shared-input model (two conv branches on
    the gray view) and its multi-input model (gray 64x64x1 + colour 32x32x3). Each
    scene is a circle (label 1) or a square (label 0) of random size, position,
    tilt and colour on a noisy background; the two views show the same scene.

    Returns
    -------
    (x_train, y_train), (x_test, y_test)
        x: {"gray": float32 (n, 64, 64, 1), "colour": float32 (n, 32, 32, 3)},
        both in 0..1; y: float32 (n, 1) of 0 / 1.

    Example
    -------
    >>> (x, y), _ = shape_views(10, 2)
    >>> x["gray"].shape, x["colour"].shape, y.shape
    ((10, 64, 64, 1), (10, 32, 32, 3), (10, 1))
    """
    _, train_rng, test_rng = _streams(seed, n_train, n_test)

    def make(rng, n):
        circle = _balanced_labels(rng, n, 2)
        kind = np.where(circle == 1, _CIRCLE, _SQUARE)[:, None, None]
        centre = rng.uniform(0.3, 0.7, (n, 2, 1, 1)).astype(np.float32)
        radius = rng.uniform(0.12, 0.25, (n, 1, 1)).astype(np.float32)
        angle = rng.uniform(-0.6, 0.6, (n, 1, 1)).astype(np.float32)
        colour = rng.uniform(0.35, 1, (n, 3)).astype(np.float32)
        views = {}
        for key, size in (("gray", 64), ("colour", 32)):
            gr, gc = _grid(size) / size
            dr, dc = gr - centre[:, 0], gc - centre[:, 1]
            u = np.cos(angle) * dc + np.sin(angle) * dr
            v = -np.sin(angle) * dc + np.cos(angle) * dr
            alpha = _shape_coverage(kind, u * size, v * size, radius * size)[..., None]
            noise = rng.normal(0, 0.05, (n, size, size, 1)).astype(np.float32)
            if key == "gray":
                image = 0.15 + alpha * (colour.mean(1)[:, None, None, None] + 0.2) + noise
            else:
                image = 0.15 + alpha * colour[:, None, None] + noise
            views[key] = np.clip(image, 0, 1).astype(np.float32)
        return views, circle.astype(np.float32)[:, None]

    return make(train_rng, n_train), make(test_rng, n_test)


# --------------------------------------------------------------------------------------
# Text worlds: readable word lists, ids = position + 1, 0 = padding
# --------------------------------------------------------------------------------------

_EXCITING = (
    "record",
    "wins",
    "breakthrough",
    "shock",
    "secret",
    "amazing",
    "first",
    "surprise",
    "stunning",
    "viral",
    "free",
    "rescue",
    "hero",
    "triumph",
    "historic",
    "revealed",
)
_DULL = (
    "minutes",
    "committee",
    "routine",
    "update",
    "quarterly",
    "memo",
    "schedule",
    "review",
    "procedure",
    "notice",
    "adjourned",
    "filing",
    "agenda",
    "revised",
    "pending",
    "draft",
)
_NEUTRAL = (
    "the",
    "a",
    "of",
    "in",
    "on",
    "for",
    "to",
    "and",
    "with",
    "after",
    "as",
    "at",
    "by",
    "city",
    "team",
    "council",
    "school",
    "market",
    "river",
    "park",
    "mayor",
    "bank",
    "festival",
    "storm",
    "train",
    "bridge",
    "museum",
    "club",
    "farm",
    "library",
    "hospital",
    "airport",
    "road",
    "village",
    "company",
    "science",
    "music",
    "film",
    "food",
    "game",
    "season",
    "week",
    "year",
    "night",
    "morning",
    "local",
    "new",
    "old",
    "small",
    "big",
    "north",
    "south",
    "east",
    "west",
    "students",
    "workers",
    "residents",
    "fans",
    "officials",
    "says",
    "plans",
    "opens",
    "meets",
    "sees",
    "gets",
    "makes",
    "takes",
    "gives",
    "holds",
)
#: Headline vocabulary: word id ``i`` is ``HEADLINE_WORDS[i - 1]``; 0 pads.
HEADLINE_WORDS = _EXCITING + _DULL + _NEUTRAL

TICKET_DEPARTMENTS = ("billing", "technical", "shipping", "account")
_DEPARTMENT_WORDS = (
    (
        "invoice",
        "charge",
        "refund",
        "payment",
        "price",
        "card",
        "billed",
        "receipt",
        "subscription",
        "discount",
    ),
    ("error", "crash", "bug", "install", "update", "server", "app", "slow", "screen", "connection"),
    (
        "delivery",
        "parcel",
        "tracking",
        "courier",
        "shipment",
        "address",
        "arrived",
        "package",
        "delayed",
        "box",
    ),
    ("login", "password", "username", "profile", "email", "settings", "locked", "signup", "verify", "delete"),
)
_URGENT = ("urgent", "asap", "immediately", "down", "broken", "cannot", "emergency", "now")
_TICKET_FILLER = (
    "i",
    "my",
    "the",
    "a",
    "is",
    "was",
    "not",
    "please",
    "help",
    "with",
    "it",
    "and",
    "to",
    "for",
    "on",
    "have",
    "this",
    "can",
    "you",
    "hi",
    "thanks",
    "since",
    "yesterday",
    "today",
    "again",
    "order",
    "problem",
    "question",
    "still",
    "when",
    "what",
    "why",
    "me",
    "our",
    "we",
)
#: Ticket vocabulary: word id ``i`` is ``TICKET_WORDS[i - 1]``; 0 pads.
TICKET_WORDS = sum(_DEPARTMENT_WORDS, ()) + _URGENT + _TICKET_FILLER
#: The 12 ticket tags, by position in the ``tags`` vector.
TICKET_TAGS = (
    "urgent",
    "outage",
    "vip",
    "question",
    "refund",
    "invoice",
    "crash",
    "bug",
    "delivery",
    "returns",
    "password",
    "security",
)
_TAG_DEPARTMENT = {
    "refund": 0,
    "invoice": 0,
    "crash": 1,
    "bug": 1,
    "delivery": 2,
    "returns": 2,
    "password": 3,
    "security": 3,
}


def decode(ids, words):
    """Words of an id sequence (0 = padding is skipped).

    >>> decode([0, 0, 3, 17], HEADLINE_WORDS)
    'breakthrough minutes'
    """
    ids = np.asarray(ids).ravel()
    if ids.size and (ids.min() < 0 or ids.max() > len(words)):
        raise ValueError(f"ids must be in 0..{len(words)} for this vocabulary, got {ids.min()}..{ids.max()}")
    return " ".join(words[i - 1] for i in ids if i)


def _ids(words, vocabulary):
    lookup = {w: i + 1 for i, w in enumerate(vocabulary)}
    return np.array([lookup[w] for w in words], np.int32)


def _pad_pre(sequences, length):
    """Left-pad (like keras' pad_sequences) int sequences to ``length``; cut longer ones."""
    out = np.zeros((len(sequences), length), np.int32)
    for i, seq in enumerate(sequences):
        seq = seq[-length:]
        out[i, length - len(seq) :] = seq
    return out


def headlines(n_train=2000, n_test=500, *, seed=0, length=100):
    """News headlines as word ids, with side information and two targets.

    For the guide's headline model: ``main_input`` (100 word ids, fits
    ``Embedding(input_dim=10000)``), ``aux_input`` (5 floats about the post),
    ``aux_output`` (the headline alone reads as exciting) and ``main_output`` (the
    post became popular). Exciting words raise both targets and dull words lower
    them, so the text is learnable on its own; popularity also rises with the
    account's followers, a photo and posting time, so ``main_output`` needs both
    inputs. ``aux_output`` agrees with ``main_output`` about four times in five.

    aux_input columns: log followers (standardized), has photo (0/1), evening post
    (0/1), hour angle sin, hour angle cos.

    Returns
    -------
    (x_train, y_train), (x_test, y_test)
        x: {"main_input": int32 (n, length) ids in 0..len(HEADLINE_WORDS), left-padded
        with 0, "aux_input": float32 (n, 5)};
        y: {"main_output": float32 (n, 1), "aux_output": float32 (n, 1)}, both 0 / 1.

    Example
    -------
    >>> (x, y), _ = headlines(10, 2)
    >>> decode(x["main_input"][0], HEADLINE_WORDS)  # doctest: +SKIP
    'stunning local storm draft historic for fans'
    """
    _check_int("length", length, minimum=12)
    _, train_rng, test_rng = _streams(seed, n_train, n_test)
    n_ex, n_dull = len(_EXCITING), len(_DULL)
    neutral_ids = np.arange(n_ex + n_dull, len(HEADLINE_WORDS)) + 1

    def make(rng, n):
        texts, scores = [], np.zeros(n, np.float32)
        for i in range(n):
            k = rng.choice([1, 3])
            exciting = rng.integers(0, 2, k)
            signal = np.where(
                exciting == 1, rng.integers(0, n_ex, k) + 1, rng.integers(0, n_dull, k) + 1 + n_ex
            )
            words = np.concatenate([signal, rng.choice(neutral_ids, rng.integers(5, 12))])
            texts.append(rng.permutation(words))
            scores[i] = 2 * exciting.sum() - k
        followers = rng.normal(0, 1, n).astype(np.float32)
        photo = (rng.random(n) < 0.5).astype(np.float32)
        hour = rng.uniform(0, 24, n)
        evening = ((hour >= 18) & (hour < 23)).astype(np.float32)
        aux_input = np.stack(
            [followers, photo, evening, np.sin(2 * np.pi * hour / 24), np.cos(2 * np.pi * hour / 24)], 1
        ).astype(np.float32)
        pull = 1.2 * scores + 1.2 * followers + 1.0 * photo + 0.8 * evening - 0.9
        main = (pull + rng.normal(0, 0.5, n) > 0).astype(np.float32)
        aux = (scores > 0).astype(np.float32)
        x = {"main_input": _pad_pre(texts, length), "aux_input": aux_input}
        return x, {"main_output": main[:, None], "aux_output": aux[:, None]}

    return make(train_rng, n_train), make(test_rng, n_test)


def tickets(n_train=1280, n_test=256, *, seed=0, title_length=10, body_length=100):
    """Customer support tickets: title, body and tags -> priority and department.

    For the ticket model of guide 002 (``num_words=10000``, ``num_tags=12``,
    ``num_departments=4``). The department shows in the topic words of title and
    body (and in some tags); priority, a score in (0, 1), rises with urgent words
    and the urgent / outage / vip tags and falls with the question tag.

    Returns
    -------
    (x_train, y_train), (x_test, y_test)
        x: {"title": int32 (n, title_length), "body": int32 (n, body_length)} ids in
        0..len(TICKET_WORDS) left-padded with 0, "tags": float32 (n, 12) of 0 / 1
        (names in TICKET_TAGS)};
        y: {"priority": float32 (n, 1) in (0, 1), "department": float32 (n, 4)
        one-hot (names in TICKET_DEPARTMENTS)}.

    Example
    -------
    >>> (x, y), _ = tickets(8, 2)
    >>> x["title"].shape, x["body"].shape, x["tags"].shape, y["department"].shape
    ((8, 10), (8, 100), (8, 12), (8, 4))
    """
    _check_int("title_length", title_length, minimum=4)
    _check_int("body_length", body_length, minimum=12)
    _, train_rng, test_rng = _streams(seed, n_train, n_test)
    topic_ids = [_ids(words, TICKET_WORDS) for words in _DEPARTMENT_WORDS]
    urgent_ids = _ids(_URGENT, TICKET_WORDS)
    filler_ids = _ids(_TICKET_FILLER, TICKET_WORDS)
    tag_index = {t: i for i, t in enumerate(TICKET_TAGS)}

    def make(rng, n):
        department = _balanced_labels(rng, n, 4)
        titles, bodies = [], []
        tags = np.zeros((n, len(TICKET_TAGS)), np.float32)
        urgency = np.zeros(n, np.float32)
        for i, dep in enumerate(department):
            other = (dep + rng.integers(1, 4)) % 4
            n_urgent = rng.choice([0, 0, 1, 2])
            urgency[i] = n_urgent
            title = np.concatenate(
                [
                    rng.choice(topic_ids[dep], rng.integers(1, 3)),
                    rng.choice(urgent_ids, min(n_urgent, 1)),
                    rng.choice(filler_ids, rng.integers(1, title_length - 3)),
                ]
            )
            body = np.concatenate(
                [
                    rng.choice(topic_ids[dep], rng.integers(2, 6)),
                    rng.choice(topic_ids[other], rng.integers(0, 2)),
                    rng.choice(urgent_ids, n_urgent),
                    rng.choice(filler_ids, rng.integers(8, body_length - 10)),
                ]
            )
            titles.append(rng.permutation(title))
            bodies.append(rng.permutation(body))
            own = [t for t, d in _TAG_DEPARTMENT.items() if d == dep]
            for tag in own:
                tags[i, tag_index[tag]] = rng.random() < 0.5
            tags[i, tag_index["urgent"]] = rng.random() < 0.15 + 0.3 * n_urgent
            for tag, p in (("outage", 0.15), ("vip", 0.2), ("question", 0.3)):
                tags[i, tag_index[tag]] = rng.random() < p
            tags[i, tag_index["security"]] = max(tags[i, tag_index["security"]], rng.random() < 0.05)
        logit = (
            1.1 * urgency
            + 1.5 * tags[:, tag_index["urgent"]]
            + 1.2 * tags[:, tag_index["outage"]]
            + 0.8 * tags[:, tag_index["vip"]]
            - 1.0 * tags[:, tag_index["question"]]
            - 1.0
            + rng.normal(0, 0.3, n)
        )
        priority = (1 / (1 + np.exp(-logit))).astype(np.float32)
        x = {"title": _pad_pre(titles, title_length), "body": _pad_pre(bodies, body_length), "tags": tags}
        return x, {"priority": priority[:, None], "department": np.eye(4, dtype=np.float32)[department]}

    return make(train_rng, n_train), make(test_rng, n_test)


_TWEET_CHARS = "etaoinshrdlcumwfgypbvkjxqz .,!?#@:)0123456789"
# Rough English letter frequencies (percent), then space, punctuation and digits.
_TWEET_BASE = np.array(
    [
        12.7,
        9.1,
        8.2,
        7.5,
        7.0,
        6.7,
        6.3,
        6.1,
        6.0,
        4.3,
        4.0,
        2.8,
        2.8,
        2.4,
        2.4,
        2.2,
        2.0,
        2.0,
        1.9,
        1.5,
        1.0,
        0.8,
        0.15,
        0.15,
        0.1,
        0.07,
        20.0,
    ]
    + [0.8] * 8
    + [0.3] * 10
)
# How much authors differ from the base: a little on letters, a lot on the rest.
_TWEET_SPREAD = np.array([0.6] * 26 + [0.3] + [1.3] * 18)


def tweets(n_train=600, n_test=200, *, seed=0, length=280, n_chars=256, n_authors=4, dtype="uint8"):
    """Pairs of one-hot tweets, labelled 1 when the same author wrote both.

    For the shared-LSTM notebook (guide: two inputs of 280 characters x 256 one-hot).
    Each author has a character habit of their own (some letters, punctuation, '#',
    '@', digits and smileys more than others); a tweet is 100 to ``length``
    characters drawn from its author's habit, left-padded with all-zero rows (as
    keras' pad_sequences does, so an LSTM's last step sees text). Half the
    pairs share an author.

    The default ``dtype="uint8"`` keeps the one-hot arrays four times smaller than
    float32; Keras casts each batch to the Input's float32.

    The guide's head (concatenate, then one sigmoid unit) adds a score of tweet a to
    a score of tweet b, which cannot express "same": it stays near 50% here. A hidden
    Dense layer after the merge (about 75% after 5 epochs) or guide 001's
    exp(-L1 distance) merge (about 89%) learns it.

    Returns
    -------
    (x_train, y_train), (x_test, y_test)
        x: {"tweet_a", "tweet_b"}: (n, length, n_chars) one-hot of the byte codes;
        y: float32 (n, 1) of 0 / 1.

    Example
    -------
    >>> (x, y), _ = tweets(4, 2, length=140)
    >>> x["tweet_a"].shape
    (4, 140, 256)
    """
    _check_int("length", length, minimum=100)
    _check_int("n_chars", n_chars, minimum=128)
    _check_int("n_authors", n_authors, minimum=2)
    _check_choice("dtype", dtype, ("uint8", "float32"))
    world_rng, train_rng, test_rng = _streams(seed, n_train, n_test)
    codes = np.frombuffer(_TWEET_CHARS.encode(), np.uint8)
    habits = _TWEET_BASE * np.exp(world_rng.normal(0, 1, (n_authors, len(codes))) * _TWEET_SPREAD)
    # Each author leans on a few signs of their own (e.g. '!!', '#', digits).
    for habit in habits:
        habit[world_rng.choice(np.arange(27, len(codes)), 3, replace=False)] *= 10
    habits /= habits.sum(1, keepdims=True)

    def make(rng, n):
        same = _balanced_labels(rng, n, 2).astype(bool)
        author_a = rng.integers(0, n_authors, n)
        author_b = np.where(same, author_a, (author_a + rng.integers(1, n_authors, n)) % n_authors)
        x = {}
        for key, authors in (("tweet_a", author_a), ("tweet_b", author_b)):
            chars = np.zeros((n, length), np.int64)
            used = rng.integers(100, length + 1, n)
            cumulative = np.cumsum(habits[authors], 1)
            draws = rng.random((n, length, 1))
            picks = (draws > cumulative[:, None, :]).sum(-1)
            chars[:] = codes[np.minimum(picks, len(codes) - 1)]
            one_hot = np.zeros((n, length, n_chars), dtype)
            steps = np.arange(length)
            for i in range(n):  # left-padded, so the text ends at the last time step
                one_hot[i, steps[length - used[i] :], chars[i, : used[i]]] = 1
            x[key] = one_hot
        return x, same.astype(np.float32)[:, None]

    return make(train_rng, n_train), make(test_rng, n_test)


def tweet_text(one_hot):
    """The characters of one one-hot tweet (all-zero padding rows are dropped).

    >>> (x, _), _ = tweets(2, 1)
    >>> len(tweet_text(x["tweet_a"][0])) >= 100
    True
    """
    one_hot = np.asarray(one_hot)
    if one_hot.ndim != 2:
        raise ValueError(f"one_hot must be one tweet of shape (length, n_chars), got shape {one_hot.shape}")
    used = one_hot.any(1)
    return bytes(one_hot.argmax(1)[used].astype(np.uint8).tolist()).decode("latin-1")


# --------------------------------------------------------------------------------------
# Question answering worlds
# --------------------------------------------------------------------------------------

_COLOURS = ("red", "green", "blue", "yellow")
_COLOUR_RGB = np.array(
    [[0.92, 0.16, 0.14], [0.15, 0.78, 0.22], [0.2, 0.38, 0.98], [0.96, 0.86, 0.12]], np.float32
)
_SHAPES = ("circle", "square", "triangle")
_DIRECTIONS = ("left", "right", "up", "down")
_DIRECTION_STEP = np.array([[0, -1], [0, 1], [-1, 0], [1, 0]], np.float32)  # (row, col)
#: Question vocabulary of both QA worlds: word id ``i`` is ``QA_WORDS[i - 1]``; 0 pads.
QA_WORDS = (
    "what",
    "colour",
    "is",
    "the",
    "shape",
    "object",
    "how",
    "many",
    "are",
    "there",
    "a",
    "circle",
    "square",
    "triangle",
    "objects",
    "red",
    "green",
    "blue",
    "yellow",
    "which",
    "way",
    "does",
    "move",
    "moving",
    "left",
    "right",
    "up",
    "down",
    "?",
)
#: Answer vocabulary of both QA worlds: answer index ``i`` is ``ANSWERS[i]``.
ANSWERS = ("no", "yes", "0", "1", "2", "3") + _COLOURS + _SHAPES + _DIRECTIONS
_ANSWER_INDEX = {a: i for i, a in enumerate(ANSWERS)}


def encode_question(text, length=12):
    """Word ids of a question, left-padded with 0 to ``length``.

    >>> encode_question("what colour is the circle ?", length=8)
    array([ 0,  0,  1,  2,  3,  4, 12, 29], dtype=int32)
    """
    words = text.replace("?", " ?").split()
    unknown = [w for w in words if w not in QA_WORDS]
    if unknown:
        raise ValueError(f"unknown words {unknown}; questions use kit.datasets.QA_WORDS")
    _check_int("length", length, minimum=len(words))
    return _pad_pre([_ids(words, QA_WORDS)], length)[0]


def decode_answer(index):
    """The answer word of an answer index (e.g. a model's argmax).

    >>> decode_answer(6)
    'red'
    """
    index = int(index)
    if not 0 <= index < len(ANSWERS):
        raise ValueError(f"answer index must be in 0..{len(ANSWERS) - 1}, got {index}")
    return ANSWERS[index]


def _check_qa_sizes(image_size, question_length):
    _check_int("image_size", image_size, minimum=16)
    _check_int("question_length", question_length, minimum=8)


def _vqa_question(rng, objects):
    """One true (question, answer) about a scene: objects are (shape, colour) pairs."""
    shapes = [s for s, _ in objects]
    colours = [c for _, c in objects]
    unique_shapes = [s for s in set(shapes) if shapes.count(s) == 1]
    unique_colours = [c for c in set(colours) if colours.count(c) == 1]
    kinds = ["count", "exists"]
    kinds += ["colour of"] if unique_shapes else []
    kinds += ["shape of"] if unique_colours else []
    kind = kinds[rng.integers(len(kinds))]
    if kind == "colour of":
        shape = sorted(unique_shapes)[rng.integers(len(unique_shapes))]
        answer = _COLOURS[colours[shapes.index(shape)]]
        return f"what colour is the {_SHAPES[shape]} ?", answer
    if kind == "shape of":
        colour = sorted(unique_colours)[rng.integers(len(unique_colours))]
        answer = _SHAPES[shapes[colours.index(colour)]]
        return f"what shape is the {_COLOURS[colour]} object ?", answer
    if kind == "count":
        colour = rng.integers(4)
        return f"how many {_COLOURS[colour]} objects are there ?", str(colours.count(colour))
    shape = rng.integers(3)
    answer = "yes" if shape in shapes else "no"
    return f"is there a {_SHAPES[shape]} ?", answer


def _background(rng, shape):
    out = np.empty(shape, np.float32)
    for start in range(0, shape[0], 200):  # float64 draws in chunks: same values, less memory
        part = out[start : start + 200]
        part[...] = 0.12 + rng.normal(0, 0.025, part.shape)
    return out


def _paint(images, kind, colour, row, col, radius):
    """Composite one shape per image: kind, colour (n,), row/col/radius (n,) pixels."""
    gr, gc = _grid(images.shape[-2])
    for start in range(0, len(images), 500):  # in chunks, to keep the temporaries small
        s = slice(start, start + 500)
        alpha = _shape_coverage(
            kind[s, None, None], gc - col[s, None, None], gr - row[s, None, None], radius[s, None, None]
        )[..., None]
        images[s] *= 1 - alpha
        images[s] += alpha * _COLOUR_RGB[colour[s]][:, None, None]


def shapes_vqa(n_train=5000, n_test=500, *, seed=0, image_size=32, question_length=12, with_scenes=False):
    """Pictures of coloured shapes with questions about them and their true answers.

    For the VQA notebook (guide: image + 100-id question -> Dense(1000) softmax;
    here images are small and questions short so it trains on a CPU in well under
    a minute). Each image holds 1 to 3 shapes (circle, square, triangle; red, green,
    blue, yellow) in separate quarters of the picture. Questions, one per image:
    "what colour is the <shape> ?" (asked only of a shape that occurs once),
    "what shape is the <colour> object ?" (a colour that occurs once),
    "how many <colour> objects are there ?" and "is there a <shape> ?".
    Answering from the question alone gets about 43% right; a small CNN + LSTM
    model trained for a few epochs on the default 5000 images gets about 70%.

    Use :func:`decode` with :data:`QA_WORDS` and :func:`decode_answer` to read them.

    Parameters
    ----------
    with_scenes : bool
        Also return, per split, a list of scenes: dicts with "objects", a list of
        {"shape", "colour", "row", "col", "radius"} (pixel units), "question", "answer".

    Returns
    -------
    (x_train, y_train), (x_test, y_test)   (plus scenes when ``with_scenes``)
        x: {"image_input": float32 (n, image_size, image_size, 3) in 0..1,
        "question_input": int32 (n, question_length) left-padded ids};
        y: int32 (n,) answer indices into ANSWERS (fit with a sparse categorical loss).

    Example
    -------
    >>> (x, y), _ = shapes_vqa(5, 2)
    >>> decode(x["question_input"][0], QA_WORDS), decode_answer(y[0])  # doctest: +SKIP
    ('how many squares are there ?', '1')
    """
    _check_qa_sizes(image_size, question_length)
    _, train_rng, test_rng = _streams(seed, n_train, n_test)
    half = image_size / 2

    def make(rng, n):
        scenes, questions, answers = [], [], np.zeros(n, np.int32)
        slots = np.full((3, n, 5), np.nan, np.float32)  # shape, colour, row, col, radius
        for i in range(n):
            k = rng.integers(1, 4)
            quarters = rng.permutation(4)[:k]
            objects = [(int(rng.integers(3)), int(rng.integers(4))) for _ in range(k)]
            question, answer = _vqa_question(rng, objects)
            items = []
            for j, (q, (shape, colour)) in enumerate(zip(quarters, objects)):
                radius = half * rng.uniform(0.3, 0.36)
                row = (q // 2 + 0.5 + rng.uniform(-0.05, 0.05)) * half
                col = (q % 2 + 0.5 + rng.uniform(-0.05, 0.05)) * half
                slots[j, i] = shape, colour, row, col, radius
                items.append(
                    {
                        "shape": _SHAPES[shape],
                        "colour": _COLOURS[colour],
                        "row": float(row),
                        "col": float(col),
                        "radius": float(radius),
                    }
                )
            scenes.append({"objects": items, "question": question, "answer": answer})
            questions.append(encode_question(question, question_length))
            answers[i] = _ANSWER_INDEX[answer]
        images = _background(rng, (n, image_size, image_size, 3))
        for slot in slots:
            on = ~np.isnan(slot[:, 0])
            part = images[on]
            _paint(
                part, slot[on, 0].astype(int), slot[on, 1].astype(int), slot[on, 2], slot[on, 3], slot[on, 4]
            )
            images[on] = part
        x = {
            "image_input": np.clip(images, 0, 1, out=images),
            "question_input": np.stack(questions).astype(np.int32),
        }
        return (x, answers, scenes) if with_scenes else (x, answers)

    return make(train_rng, n_train), make(test_rng, n_test)


def _video_question(rng, shapes, colours, directions):
    kind = rng.integers(4)
    j = rng.integers(len(shapes))
    if kind == 0:
        return f"which way does the {_SHAPES[shapes[j]]} move ?", _DIRECTIONS[directions[j]]
    if kind == 1:
        return (f"what colour is the shape moving {_DIRECTIONS[directions[j]]} ?", _COLOURS[colours[j]])
    if kind == 2:
        return (f"what shape is moving {_DIRECTIONS[directions[j]]} ?", _SHAPES[shapes[j]])
    asked = directions[j] if rng.random() < 0.5 else (directions[j] + rng.integers(1, 4)) % 4
    answer = "yes" if asked == directions[j] else "no"
    return f"does the {_SHAPES[shapes[j]]} move {_DIRECTIONS[asked]} ?", answer


def moving_shapes_vqa(
    n_train=1200, n_test=300, *, seed=0, frames=8, image_size=32, question_length=12, with_scenes=False
):
    """Short videos of coloured shapes sliding across, with questions and true answers.

    For the video QA notebook (guide: 100 frames of 224x224, TimeDistributed vision
    model, LSTM, question encoder -> Dense(1000) softmax; here a few small frames so
    it trains on a CPU in under a minute). Each video shows one or two shapes of
    different kinds moving in different directions (left, right, up, down) at a
    steady speed. Questions: "which way does the <shape> move ?", "what colour is
    the shape moving <direction> ?", "what shape is moving <direction> ?" and
    "does the <shape> move <direction> ?" (half yes). Direction needs more than one
    frame, so the model has to use time. The shapes, colours, sizes and words are
    those of :func:`shapes_vqa`, so a vision model and question encoder trained
    there can be reused, as the guide does; that way a small model answers about
    60% right after 10 epochs (question alone: about 35%).

    Parameters
    ----------
    with_scenes : bool
        Also return, per split, scenes: dicts with "objects", a list of {"shape",
        "colour", "direction", "start" (row, col), "step" (row, col per frame),
        "radius"}, "question", "answer".

    Returns
    -------
    (x_train, y_train), (x_test, y_test)   (plus scenes when ``with_scenes``)
        x: {"video_input": float32 (n, frames, image_size, image_size, 3) in 0..1,
        "video_question_input": int32 (n, question_length) left-padded ids};
        y: int32 (n,) answer indices into ANSWERS.

    Example
    -------
    >>> (x, y), _ = moving_shapes_vqa(4, 2)
    >>> x["video_input"].shape
    (4, 8, 32, 32, 3)
    """
    _check_qa_sizes(image_size, question_length)
    _check_int("frames", frames, minimum=2)
    _, train_rng, test_rng = _streams(seed, n_train, n_test)

    def make(rng, n):
        scenes, questions, answers = [], [], np.zeros(n, np.int32)
        slots = np.full((2, n, 7), np.nan, np.float32)  # shape, colour, r0, c0, dr, dc, radius
        for i in range(n):
            k = 1 if rng.random() < 0.5 else 2
            shapes = rng.permutation(3)[:k]
            directions = rng.permutation(4)[:k]
            colours = rng.integers(0, 4, k)
            question, answer = _video_question(rng, shapes, colours, directions)
            items = []
            for j in range(k):
                radius = image_size * rng.uniform(0.15, 0.18)  # as in shapes_vqa
                travel = image_size * rng.uniform(0.3, 0.45)
                step = _DIRECTION_STEP[directions[j]] * travel / (frames - 1)
                low, high = radius + 1, image_size - radius - 1
                start = rng.uniform(low, high, 2)
                moving = abs(step) > 0
                # Start far enough from the edge it moves towards to stay in the picture.
                towards_far = step > 0
                start = np.where(moving & towards_far, rng.uniform(low, high - travel, 2), start)
                start = np.where(moving & ~towards_far, rng.uniform(low + travel, high, 2), start)
                slots[j, i] = (shapes[j], colours[j], *start, *step, radius)
                items.append(
                    {
                        "shape": _SHAPES[shapes[j]],
                        "colour": _COLOURS[colours[j]],
                        "direction": _DIRECTIONS[directions[j]],
                        "start": tuple(map(float, start)),
                        "step": tuple(map(float, step)),
                        "radius": float(radius),
                    }
                )
            scenes.append({"objects": items, "question": question, "answer": answer})
            questions.append(encode_question(question, question_length))
            answers[i] = _ANSWER_INDEX[answer]
        video = _background(rng, (n, frames, image_size, image_size, 3))
        for slot in slots:
            on = np.flatnonzero(~np.isnan(slot[:, 0]))
            for t in range(frames):
                part = video[on, t]
                _paint(
                    part,
                    slot[on, 0].astype(int),
                    slot[on, 1].astype(int),
                    slot[on, 2] + t * slot[on, 4],
                    slot[on, 3] + t * slot[on, 5],
                    slot[on, 6],
                )
                video[on, t] = part
        x = {
            "video_input": np.clip(video, 0, 1, out=video),
            "video_question_input": np.stack(questions).astype(np.int32),
        }
        return (x, answers, scenes) if with_scenes else (x, answers)

    return make(train_rng, n_train), make(test_rng, n_test)


# --------------------------------------------------------------------------------------
# Vector and sequence worlds
# --------------------------------------------------------------------------------------


def clusters(n_train=2000, n_test=500, *, seed=0, features=16, classes=10, spread=1.0):
    """Points around one random centre per class: the simplest world to classify.

    For the first MLPs (guide 004's 16-64-64-10 and its dense autoencoders with
    ``features=16``; guide 003's 10-10-20-10-1 with ``features=10, classes=2``).
    Centres are drawn once per seed; ``spread`` is the noise around them (larger
    is harder).

    Returns
    -------
    (x_train, y_train), (x_test, y_test)
        x: float32 (n, features); y: int32 (n,) in 0..classes-1.

    Example
    -------
    >>> (x, y), _ = clusters(100, 10, features=10, classes=2)
    >>> x.shape, sorted(set(y.tolist()))
    ((100, 10), [0, 1])
    """
    _check_int("features", features, minimum=2)
    _check_int("classes", classes, minimum=2)
    if not isinstance(spread, (int, float)) or isinstance(spread, bool) or spread <= 0:
        raise ValueError(f"spread must be a positive number, got {spread!r}")
    world_rng, train_rng, test_rng = _streams(seed, n_train, n_test)
    centres = world_rng.normal(0, 1.2, (classes, features))

    def make(rng, n):
        y = _balanced_labels(rng, n, classes)
        x = centres[y] + rng.normal(0, spread, (n, features))
        return x.astype(np.float32), y.astype(np.int32)

    return make(train_rng, n_train), make(test_rng, n_test)


def vector_pairs(n_train=1000, n_test=200, *, seed=0, features=100):
    """Two vectors in, two answers out: the x_in / y_in world of guide 001.

    ``x_out`` is 1 when the first 20 values of ``x_in`` add up to more than those of
    ``y_in`` (it needs both inputs); ``y_out`` is the group of 10 consecutive values
    of ``y_in`` with the largest sum. ``y_out`` holds class numbers, as the guide's
    data does: one-hot it with ``keras.utils.to_categorical`` like the guide.

    Returns
    -------
    (x_train, y_train), (x_test, y_test)
        x: {"x_in", "y_in"}: float32 (n, features) uniform in 0..1;
        y: {"x_out": float32 (n, 1) of 0 / 1, "y_out": int32 (n, 1) in 0..9}.

    Example
    -------
    >>> (x, y), _ = vector_pairs(10, 2)
    >>> x["x_in"].shape, y["y_out"].shape
    ((10, 100), (10, 1))
    """
    _check_int("features", features, minimum=100)
    _, train_rng, test_rng = _streams(seed, n_train, n_test)

    def make(rng, n):
        x_in = rng.random((n, features), dtype=np.float32)
        y_in = rng.random((n, features), dtype=np.float32)
        x_out = (x_in[:, :20].sum(1) > y_in[:, :20].sum(1)).astype(np.float32)
        y_out = y_in[:, :100].reshape(n, 10, 10).sum(2).argmax(1).astype(np.int32)
        return {"x_in": x_in, "y_in": y_in}, {"x_out": x_out[:, None], "y_out": y_out[:, None]}

    return make(train_rng, n_train), make(test_rng, n_test)


def categorical_numeric(
    n_train=1000, n_test=200, *, seed=0, categories=100, categorical_length=16, numeric_features=32
):
    """Category codes plus numbers -> a yes/no answer and one of three classes.

    For guide 004's two-input two-output model (Embedding(100, 64) over 16 codes,
    Dense over 32 numbers, sigmoid and 3-way softmax outputs). Ten "rare" codes
    (0..9) and the first numbers decide ``binary_pred``; which third of the code
    range dominates, nudged by numbers 4..6, decides ``categorical_pred``.

    Returns
    -------
    (x_train, y_train), (x_test, y_test)
        x: {"categorical_input": int32 (n, 16) in 0..categories-1,
        "numeric_input": float32 (n, 32) standard normal};
        y: {"binary_pred": float32 (n, 1) of 0 / 1, "categorical_pred": int32 (n,) in 0..2}.

    Example
    -------
    >>> (x, y), _ = categorical_numeric(10, 2)
    >>> x["categorical_input"].shape, y["categorical_pred"].shape
    ((10, 16), (10,))
    """
    _check_int("categories", categories, minimum=30)
    _check_int("categorical_length", categorical_length, minimum=4)
    _check_int("numeric_features", numeric_features, minimum=8)
    _, train_rng, test_rng = _streams(seed, n_train, n_test)
    third = categories // 3

    def make(rng, n):
        group = rng.integers(0, 3, n)
        home = rng.random((n, categorical_length)) < 0.5
        shape = (n, categorical_length)
        codes = np.where(
            home, group[:, None] * third + rng.integers(0, third, shape), rng.integers(0, categories, shape)
        )
        numbers = rng.normal(0, 1, (n, numeric_features)).astype(np.float32)
        rare = (codes < 10).sum(1)
        binary = (rare - 1.6 + numbers[:, :4].sum(1) / 2 > 0).astype(np.float32)
        counts = np.stack([((codes >= g * third) & (codes < (g + 1) * third)).sum(1) for g in range(3)], 1)
        label = (counts + numbers[:, 4:7] * 1.5).argmax(1).astype(np.int32)
        x = {"categorical_input": codes.astype(np.int32), "numeric_input": numbers}
        return x, {"binary_pred": binary[:, None], "categorical_pred": label}

    return make(train_rng, n_train), make(test_rng, n_test)


def sequences(n_train=1000, n_test=200, *, seed=0, length=100):
    """Noisy wavy series: does it trend up, and what is the clean curve?

    For guide 003's recurrent models: LSTM(10) on 100x1 (binary output) and the
    multi-output LSTM (a label plus a value per time step). Each series is a slope
    plus a sine wave plus noise; ``class_output`` is 1 when the slope is upward and
    ``sequence_output`` is the series without its noise.

    Returns
    -------
    (x_train, y_train), (x_test, y_test)
        x: float32 (n, length, 1);
        y: {"class_output": float32 (n, 1) of 0 / 1, "sequence_output": float32 (n, length, 1)}.

    Example
    -------
    >>> (x, y), _ = sequences(10, 2)
    >>> x.shape, y["sequence_output"].shape
    ((10, 100, 1), (10, 100, 1))
    """
    _check_int("length", length, minimum=10)
    _, train_rng, test_rng = _streams(seed, n_train, n_test)

    def make(rng, n):
        up = _balanced_labels(rng, n, 2)
        t = np.linspace(0, 1, length, dtype=np.float32)
        slope = np.where(up == 1, 1, -1) * rng.uniform(0.6, 1.6, n)
        wave = rng.uniform(0.3, 0.7, n)[:, None] * np.sin(
            2 * np.pi * rng.uniform(2, 5, n)[:, None] * t + rng.uniform(0, 2 * np.pi, n)[:, None]
        )
        clean = (slope[:, None] * (t - 0.5) + wave).astype(np.float32)
        x = clean + rng.normal(0, 0.3, clean.shape).astype(np.float32)
        return x[..., None], {
            "class_output": up.astype(np.float32)[:, None],
            "sequence_output": clean[..., None],
        }

    return make(train_rng, n_train), make(test_rng, n_test)


# --------------------------------------------------------------------------------------
# Pictures of samples
# --------------------------------------------------------------------------------------

_ROLE_COLOURS = {"exciting": "#1a9641", "dull": "#d7191c", "neutral": "#333333", "urgent": "#d7191c"}
_DEPARTMENT_COLOURS = ("#7b3294", "#0571b0", "#e66101", "#008837")


def _new_figure(width, height):
    from kit.drawing.figures import ShownFigure

    return ShownFigure(figsize=(width, height), layout="constrained")


def _as_picture(image):
    image = np.asarray(image)
    if image.dtype == np.uint8:
        image = image.astype(np.float32) / 255
    if image.ndim == 3 and image.shape[-1] == 1:
        image = image[..., 0]
    return np.clip(image, 0, 1)


def _draw_image(ax, image, caption=None, fontsize=9):
    image = _as_picture(image)
    ax.imshow(image, cmap="gray" if image.ndim == 2 else None, vmin=0, vmax=1, interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])
    if caption is not None:
        ax.set_title(caption, fontsize=fontsize)


def _image_grid(images, captions, n, cols=8, cell=1.3, fontsize=9):
    n = min(n, len(images))
    cols = min(cols, n)
    rows = -(-n // cols)
    fig = _new_figure(cols * cell, rows * (cell + 0.25 * (1 + str(captions[0]).count("\n"))))
    axes = fig.subplots(rows, cols, squeeze=False).ravel()
    for i, ax in enumerate(axes):
        if i < n:
            _draw_image(ax, images[i], captions[i], fontsize)
        else:
            ax.set_axis_off()
    return fig


def _label_text(y, class_names):
    y = np.asarray(y).ravel()
    value = y.argmax() if y.size > 1 else y[0]
    value = int(value) if float(value).is_integer() else float(value)
    if class_names is not None and isinstance(value, int) and 0 <= value < len(class_names):
        return class_names[value]
    return str(value)


def _draw_images(x, y, n, class_names):
    x = np.asarray(x)
    if x.ndim == 2 and x.shape[1] == 784:
        x = x.reshape(-1, 28, 28)
    captions = (
        [_label_text(label, class_names) for label in y[:n]] if y is not None else [""] * min(n, len(x))
    )
    return _image_grid(x, captions, n, fontsize=8 if class_names else 9)


def _draw_videos(x, y, n, questions=None):
    x = np.asarray(x)
    n = min(n, len(x), 6)
    frames = x.shape[1]
    fig = _new_figure(frames * 1.0 + 2.2, n * 1.1)
    axes = fig.subplots(n, frames, squeeze=False)
    for i in range(n):
        for t in range(frames):
            _draw_image(axes[i, t], x[i, t], f"t={t}" if i == 0 else None, 7)
        if questions is not None:
            axes[i, 0].set_ylabel(
                f"{decode(questions[i], QA_WORDS)}\n-> {decode_answer(y[i])}",
                rotation=0,
                ha="right",
                va="center",
                fontsize=8,
            )
    return fig


def _draw_pairs(x, y, n, top, bottom, yes, no):
    n = min(n, len(x[top]), 8)
    fig = _new_figure(n * 1.2, 2.8)
    axes = fig.subplots(2, n, squeeze=False)
    for i in range(n):
        _draw_image(axes[0, i], x[top][i], yes if y[i, 0] else no, 9)
        _draw_image(axes[1, i], x[bottom][i])
    axes[0, 0].set_ylabel(top, fontsize=8)
    axes[1, 0].set_ylabel(bottom, fontsize=8)
    return fig


def _draw_vqa(x, y, n):
    captions = [
        f"{decode(q, QA_WORDS)}\n-> {decode_answer(a)}" for q, a in zip(x["question_input"][:n], y[:n])
    ]
    return _image_grid(x["image_input"], captions, n, cols=4, cell=2.3, fontsize=8)


def _text_lines(lines, width=110):
    """A figure of coloured monospace lines; each line is a list of (text, colour)."""
    fontsize = 11 * 72 / width / 0.6
    fig = _new_figure(11, 0.28 * len(lines) + 0.3)
    ax = fig.add_subplot()
    ax.set_xlim(0, width)
    ax.set_ylim(len(lines), 0)
    ax.set_axis_off()
    for row, pieces in enumerate(lines):
        col = 0
        for text, colour in pieces:
            text = text[: max(0, width - col)]
            ax.text(col, row + 0.5, text, family="monospace", fontsize=fontsize, color=colour, va="center")
            col += len(text) + 1
    return fig


def _word_role(word):
    if word in _EXCITING:
        return "exciting"
    return "dull" if word in _DULL else "neutral"


def _draw_headlines(x, y, n):
    lines = []
    for i in range(min(n, len(x["main_input"]))):
        aux = x["aux_input"][i]
        head = (
            f"main {int(y['main_output'][i, 0])} aux {int(y['aux_output'][i, 0])} "
            f"| fol {aux[0]:+.1f} pho {int(aux[1])} eve {int(aux[2])} |"
        )
        words = decode(x["main_input"][i], HEADLINE_WORDS).split()
        lines.append([(head, "#777777")] + [(w, _ROLE_COLOURS[_word_role(w)]) for w in words])
    fig = _text_lines(lines)
    fig.suptitle(
        "headlines: exciting words green, dull words red; main_output = popular, "
        "aux_output = text alone reads exciting",
        fontsize=9,
    )
    return fig


def _ticket_colour(word):
    for d, words in enumerate(_DEPARTMENT_WORDS):
        if word in words:
            return _DEPARTMENT_COLOURS[d]
    return _ROLE_COLOURS["urgent"] if word in _URGENT else "#555555"


def _draw_tickets(x, y, n):
    lines = []
    for i in range(min(n, len(x["title"]))):
        department = TICKET_DEPARTMENTS[int(y["department"][i].argmax())]
        tags = [t for t, on in zip(TICKET_TAGS, x["tags"][i]) if on]
        head = f"{department:9s} prio {y['priority'][i, 0]:.2f} tags {','.join(tags) or '-'}"
        lines.append([(head, _DEPARTMENT_COLOURS[TICKET_DEPARTMENTS.index(department)])])
        title = decode(x["title"][i], TICKET_WORDS).split()
        body = decode(x["body"][i], TICKET_WORDS).split()
        lines.append(
            [("   title:", "#999999")]
            + [(w, _ticket_colour(w)) for w in title]
            + [("| body:", "#999999")]
            + [(w, _ticket_colour(w)) for w in body]
        )
    fig = _text_lines(lines)
    fig.suptitle(
        "tickets: topic words coloured by department " + ", ".join(TICKET_DEPARTMENTS) + "; urgent words red",
        fontsize=9,
    )
    return fig


def _draw_tweets(x, y, n):
    lines = []
    for i in range(min(n, len(x["tweet_a"]))):
        same = bool(y[i, 0])
        lines.append([("same author" if same else "different", "#1a9641" if same else "#d7191c")])
        for key in ("tweet_a", "tweet_b"):
            lines.append([(f"  {key}: " + tweet_text(x[key][i])[:90], "#333333")])
    fig = _text_lines(lines)
    fig.suptitle("tweet pairs (first 90 characters)", fontsize=9)
    return fig


def _draw_sequences(x, y, n):
    n = min(n, len(x), 8)
    cols = min(4, n)
    rows = -(-n // cols)
    fig = _new_figure(cols * 2.6, rows * 1.8)
    axes = fig.subplots(rows, cols, squeeze=False).ravel()
    for i, ax in enumerate(axes):
        if i >= n:
            ax.set_axis_off()
            continue
        ax.plot(x[i, :, 0], color="#aaaaaa", lw=0.8, label="input")
        if isinstance(y, dict):
            ax.plot(y["sequence_output"][i, :, 0], color="#0571b0", lw=1.5, label="clean")
            ax.set_title("trend up" if y["class_output"][i, 0] else "trend down", fontsize=9)
        ax.tick_params(labelsize=7)
    axes[0].legend(fontsize=7)
    return fig


def _draw_clusters(x, y, n):
    x = np.asarray(x, np.float64)[:2000]
    centred = x - x.mean(0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    points = centred @ vt[:2].T
    fig = _new_figure(4.5, 4)
    ax = fig.add_subplot()
    scatter = ax.scatter(
        points[:, 0], points[:, 1], c=None if y is None else np.ravel(y)[:2000], cmap="tab10", s=6
    )
    ax.set_title("first two principal components", fontsize=9)
    if y is not None:
        fig.colorbar(scatter, ax=ax, label="class")
    return fig


def _draw_rows(panels, row_labels, title):
    """Heat maps side by side, one row per sample."""
    fig = _new_figure(11, 0.35 * len(row_labels) + 1.2)
    axes = fig.subplots(1, len(panels), squeeze=False, width_ratios=[p[1].shape[1] for p in panels])[0]
    for ax, (name, values, cmap) in zip(axes, panels):
        ax.imshow(values, aspect="auto", cmap=cmap, interpolation="nearest")
        ax.set_title(name, fontsize=9)
        ax.set_yticks(range(len(row_labels)))
        ax.set_yticklabels(row_labels if ax is axes[0] else [], fontsize=8)
        ax.tick_params(axis="x", labelsize=7)
    fig.suptitle(title, fontsize=9)
    return fig


def _draw_vector_pairs(x, y, n):
    n = min(n, len(x["x_in"]), 16)
    labels = [f"x_out {int(a)}  y_out {int(b)}" for a, b in zip(y["x_out"][:n, 0], y["y_out"][:n, 0])]
    return _draw_rows(
        [("x_in", x["x_in"][:n], "viridis"), ("y_in", x["y_in"][:n], "viridis")],
        labels,
        "x_out: sum of x_in[:20] > sum of y_in[:20]; "
        "y_out: the block of ten y_in values with the largest sum",
    )


def _draw_categorical_numeric(x, y, n):
    from matplotlib.colors import ListedColormap

    n = min(n, len(x["categorical_input"]), 16)
    codes = x["categorical_input"][:n]
    third = max(100, int(codes.max()) + 1) // 3  # the loader's default: 100 categories
    kind = np.where(codes < 10, 3, np.minimum(codes // third, 2))
    labels = [
        f"binary {int(a)}  class {int(b)}" for a, b in zip(y["binary_pred"][:n, 0], y["categorical_pred"][:n])
    ]
    thirds = ListedColormap(["#a6cee3", "#b2df8a", "#fdbf6f", "#e31a1c"])
    fig = _draw_rows(
        [
            (
                "categorical_input: blue / green / orange = first / second / last third, red = rare (< 10)",
                kind,
                thirds,
            ),
            ("numeric_input", x["numeric_input"][:n], "coolwarm"),
        ],
        labels,
        "rare codes and numeric_input[:4] decide binary_pred; the most common "
        "third of codes, nudged by numeric_input[4:7], decides categorical_pred",
    )
    for (row, col), code in np.ndenumerate(codes):
        fig.axes[0].text(col, row, str(code), ha="center", va="center", fontsize=7)
    return fig


_DICT_DRAWERS = {
    frozenset({"digit_a", "digit_b"}): lambda x, y, n: _draw_pairs(
        x, y, n, "digit_a", "digit_b", "same", "different"
    ),
    frozenset({"gray", "colour"}): lambda x, y, n: _draw_pairs(x, y, n, "gray", "colour", "circle", "square"),
    frozenset({"image_input", "question_input"}): _draw_vqa,
    frozenset({"video_input", "video_question_input"}): lambda x, y, n: _draw_videos(
        x["video_input"], y, n, x["video_question_input"]
    ),
    frozenset({"main_input", "aux_input"}): _draw_headlines,
    frozenset({"title", "body", "tags"}): _draw_tickets,
    frozenset({"tweet_a", "tweet_b"}): _draw_tweets,
    frozenset({"x_in", "y_in"}): _draw_vector_pairs,
    frozenset({"categorical_input", "numeric_input"}): _draw_categorical_numeric,
}

#: World name -> (loader, keyword arguments for a small sample, class names).
_WORLDS = {
    "mnist": (mnist, {"source": "generated", "verbose": False}, None),
    "cifar10": (cifar10, {"source": "generated", "verbose": False}, SHAPE_CLASSES),
    "digit_pairs": (digit_pairs, {}, None),
    "shape_views": (shape_views, {}, None),
    "headlines": (headlines, {}, None),
    "tickets": (tickets, {}, None),
    "tweets": (tweets, {}, None),
    "shapes_vqa": (shapes_vqa, {}, None),
    "moving_shapes_vqa": (moving_shapes_vqa, {}, None),
    "clusters": (clusters, {}, None),
    "vector_pairs": (vector_pairs, {}, None),
    "categorical_numeric": (categorical_numeric, {}, None),
    "sequences": (sequences, {}, None),
}


def show(data, labels=None, *, n=8, class_names=None, seed=0):
    """A matplotlib ``Figure`` of samples: of a world by name, or of arrays you loaded.

    Parameters
    ----------
    data : str, dict or array
        A world name (``"mnist"``, ``"cifar10"``, ``"digit_pairs"``, ``"shape_views"``,
        ``"headlines"``, ``"tickets"``, ``"tweets"``, ``"shapes_vqa"``,
        ``"moving_shapes_vqa"``, ``"clusters"``, ``"vector_pairs"``,
        ``"categorical_numeric"``, ``"sequences"``; mnist and cifar10 show their
        generated stand-ins), the ``x`` dict of a loader, or an array of images
        (n, H, W), (n, H, W, C), (n, 784) or videos (n, T, H, W, C), or vectors /
        series from :func:`clusters` / :func:`sequences`.
    labels : array or dict, optional
        The matching ``y``.
    n : int
        How many samples.
    class_names : sequence of str, optional
        Names of the class labels of images (e.g. ``CIFAR10_CLASSES``).
    seed : int
        Seed of a world shown by name.

    Example
    -------
    >>> fig = show("shapes_vqa", n=4)
    >>> len(fig.axes)
    4
    """
    _check_int("n", n)
    if isinstance(data, str):
        if data not in _WORLDS:
            raise ValueError(f"unknown world {data!r}; expected one of {', '.join(_WORLDS)}")
        loader, options, names = _WORLDS[data]
        size = 400 if data == "clusters" else n
        (data, labels), _ = loader(size, 1, seed=seed, **options)
        class_names = class_names or names
    if isinstance(data, dict):
        drawer = _DICT_DRAWERS.get(frozenset(data))
        if drawer is None:
            raise ValueError(
                f"no picture for inputs named {sorted(data)}; expected the x of a kit.datasets loader"
            )
        if labels is None:
            raise ValueError("labels (the y of the same loader) are needed to show these inputs")
        return drawer(data, labels, n)
    x = np.asarray(data)
    if x.ndim == 5:
        return _draw_videos(x, labels, n)
    if (
        x.ndim == 3
        and x.shape[-1] == 1
        and x.shape[1] > 4 * x.shape[-1]
        and (isinstance(labels, dict) or x.shape[1] != x.shape[2])
    ):
        return _draw_sequences(x, labels, n)
    if x.ndim in (3, 4) or (x.ndim == 2 and x.shape[1] == 784):
        return _draw_images(x, labels, n, class_names)
    if x.ndim == 2:
        return _draw_clusters(x, labels, n)
    raise ValueError(
        f"cannot picture an array of shape {x.shape}; expected images, videos, vectors or series"
    )

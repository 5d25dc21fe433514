"""What every world shares: argument checks, random streams, image helpers.

Part of :mod:`kit.datasets`.
"""

from __future__ import annotations

import numpy as np

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

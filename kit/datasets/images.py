"""Image worlds: rendered digits, digit pairs, and coloured shapes seen in grey and colour.

Part of :mod:`kit.datasets`.
"""

from __future__ import annotations

import functools
import os

import numpy as np

from kit.datasets._common import (
    _CIRCLE,
    _SQUARE,
    _balanced_labels,
    _bilinear,
    _box_blur,
    _check_int,
    _dilate,
    _grid,
    _shape_coverage,
    _streams,
)

__all__ = ["digit_images", "digit_pairs", "shape_views"]


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


def _scene_view(kind, centre, radius, angle, tint, noise):
    """One view of some scenes: background, the shape tinted by ``tint``, noise; float32 in 0..1."""
    size = noise.shape[1]
    gr, gc = _grid(size) / size
    dr, dc = gr - centre[:, 0], gc - centre[:, 1]
    u = np.cos(angle) * dc + np.sin(angle) * dr
    v = -np.sin(angle) * dc + np.cos(angle) * dr
    alpha = _shape_coverage(kind, u * size, v * size, radius * size)[..., None]
    return np.clip(0.15 + alpha * tint[:, None, None] + noise, 0, 1).astype(np.float32)


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
            noise = rng.normal(0, 0.05, (n, size, size, 1)).astype(np.float32)
            tint = colour.mean(1)[:, None] + 0.2 if key == "gray" else colour
            # A few hundred scenes at a time: the per-pixel temporaries stay small.
            parts = [slice(start, start + 250) for start in range(0, max(n, 1), 250)]
            views[key] = np.concatenate(
                [_scene_view(kind[p], centre[p], radius[p], angle[p], tint[p], noise[p]) for p in parts]
            )
        return views, circle.astype(np.float32)[:, None]

    return make(train_rng, n_train), make(test_rng, n_test)

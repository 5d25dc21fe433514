"""Pictures of samples of any world, as a matplotlib ``Figure``.

Part of :mod:`kit.datasets`.
"""

from __future__ import annotations

import numpy as np

from kit.datasets._common import _check_int
from kit.datasets.images import digit_pairs, shape_views
from kit.datasets.question_answering import QA_WORDS, decode_answer, moving_shapes_vqa, shapes_vqa
from kit.datasets.real import SHAPE_CLASSES, cifar10, mnist
from kit.datasets.text import (
    _DEPARTMENT_WORDS,
    _DULL,
    _EXCITING,
    _URGENT,
    HEADLINE_WORDS,
    TICKET_DEPARTMENTS,
    TICKET_TAGS,
    TICKET_WORDS,
    decode,
    headlines,
    tickets,
    tweet_text,
    tweets,
)
from kit.datasets.vectors import categorical_numeric, clusters, sequences, vector_pairs

__all__ = ["show"]


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

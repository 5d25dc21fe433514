"""Question answering worlds: pictures and videos of shapes with questions about them.

Part of :mod:`kit.datasets`.
"""

from __future__ import annotations

import numpy as np

from kit.datasets._common import _check_int, _grid, _shape_coverage, _streams
from kit.datasets.text import _ids, _pad_pre

__all__ = ["ANSWERS", "QA_WORDS", "decode_answer", "encode_question", "moving_shapes_vqa", "shapes_vqa"]


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

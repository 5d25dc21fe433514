"""Tests of kit.datasets: determinism, shapes, true answers, offline behaviour, learning signal.

No test touches the network: the online paths are pointed at a closed port on
127.0.0.1, and the keras.datasets cache at a temporary folder.
"""

import collections
import os
import pickle
import re
import socket

import matplotlib.figure
import numpy as np
import pytest

import kit.datasets as ds

# name -> (loader, small keyword arguments, expected x shapes, expected y shapes) for n=6
N = 6
WORLDS = {
    "mnist": (ds.mnist, {"source": "generated", "verbose": False}, (N, 28, 28), (N,)),
    "cifar10": (ds.cifar10, {"source": "generated", "verbose": False}, (N, 32, 32, 3), (N, 1)),
    "digit_pairs": (ds.digit_pairs, {}, {"digit_a": (N, 27, 27, 1), "digit_b": (N, 27, 27, 1)}, (N, 1)),
    "shape_views": (ds.shape_views, {}, {"gray": (N, 64, 64, 1), "colour": (N, 32, 32, 3)}, (N, 1)),
    "headlines": (
        ds.headlines,
        {},
        {"main_input": (N, 100), "aux_input": (N, 5)},
        {"main_output": (N, 1), "aux_output": (N, 1)},
    ),
    "tickets": (
        ds.tickets,
        {},
        {"title": (N, 10), "body": (N, 100), "tags": (N, 12)},
        {"priority": (N, 1), "department": (N, 4)},
    ),
    "tweets": (ds.tweets, {}, {"tweet_a": (N, 280, 256), "tweet_b": (N, 280, 256)}, (N, 1)),
    "shapes_vqa": (ds.shapes_vqa, {}, {"image_input": (N, 32, 32, 3), "question_input": (N, 12)}, (N,)),
    "moving_shapes_vqa": (
        ds.moving_shapes_vqa,
        {},
        {"video_input": (N, 8, 32, 32, 3), "video_question_input": (N, 12)},
        (N,),
    ),
    "clusters": (ds.clusters, {}, (N, 16), (N,)),
    "vector_pairs": (
        ds.vector_pairs,
        {},
        {"x_in": (N, 100), "y_in": (N, 100)},
        {"x_out": (N, 1), "y_out": (N, 1)},
    ),
    "categorical_numeric": (
        ds.categorical_numeric,
        {},
        {"categorical_input": (N, 16), "numeric_input": (N, 32)},
        {"binary_pred": (N, 1), "categorical_pred": (N,)},
    ),
    "sequences": (ds.sequences, {}, (N, 100, 1), {"class_output": (N, 1), "sequence_output": (N, 100, 1)}),
}


def leaves(tree):
    """(key, array) pairs of an array or a dict of arrays."""
    return sorted(tree.items()) if isinstance(tree, dict) else [("", tree)]


def shapes(tree):
    return {k: v.shape for k, v in tree.items()} if isinstance(tree, dict) else tree.shape


def same(a, b):
    return all(ka == kb and np.array_equal(va, vb) for (ka, va), (kb, vb) in zip(leaves(a), leaves(b)))


def load(name, n_train=N, n_test=N, **extra):
    loader, options, _, _ = WORLDS[name]
    return loader(n_train, n_test, **{**options, **extra})


@pytest.mark.parametrize("name", sorted(WORLDS))
def test_shapes_and_dtypes_match_the_guides_inputs(name):
    _, _, x_shapes, y_shapes = WORLDS[name]
    (x, y), (x_test, y_test) = load(name)
    assert shapes(x) == x_shapes and shapes(x_test) == x_shapes
    assert shapes(y) == y_shapes and shapes(y_test) == y_shapes
    for key, array in leaves(x) + leaves(y):
        assert array.dtype in (np.uint8, np.int32, np.float32), (key, array.dtype)
        assert np.isfinite(array.astype(np.float64)).all()


@pytest.mark.parametrize("name", sorted(WORLDS))
def test_every_world_is_deterministic_given_its_seed(name):
    first, second = load(name, seed=3), load(name, seed=3)
    other = load(name, seed=4)
    for a, b, c in zip(first, second, other):
        assert same(a[0], b[0]) and same(a[1], b[1])
        assert not same(a[0], c[0])


@pytest.mark.parametrize("name", ["mnist", "headlines", "shapes_vqa", "tweets"])
def test_training_split_does_not_change_with_test_size(name):
    (x_small, _), _ = load(name, n_test=2)
    (x_large, _), _ = load(name, n_test=9)
    assert same(x_small, x_large)


def test_value_ranges_and_label_sets():
    (x, y), _ = ds.mnist(200, 10, source="generated", verbose=False)
    assert x.max() == 255 and x.min() == 0 and set(y.tolist()) == set(range(10))
    (x, y), _ = ds.cifar10(200, 10, source="generated", verbose=False)
    assert set(y.ravel().tolist()) == set(range(10))
    (x, y), _ = ds.digit_pairs(50, 2)
    assert x["digit_a"].min() >= 0 and x["digit_a"].max() <= 1 and y.mean() == 0.5
    (x, y), _ = ds.headlines(50, 2)
    assert x["main_input"].max() <= len(ds.HEADLINE_WORDS) < 10000
    assert (x["main_input"][:, 0] == 0).all()  # left-padded like pad_sequences
    (x, y), _ = ds.tickets(50, 2)
    assert ((y["priority"] > 0) & (y["priority"] < 1)).all()
    assert (y["department"].sum(1) == 1).all() and set(np.unique(x["tags"])) <= {0, 1}
    (x, y), _ = ds.tweets(10, 2, dtype="float32")
    rows = x["tweet_a"].sum(-1)
    assert set(np.unique(rows)) == {0, 1} and (rows.sum(1) >= 100).all()
    (x, y), _ = ds.shapes_vqa(50, 2)
    assert y.max() < len(ds.ANSWERS) < 1000 and x["question_input"].max() <= len(ds.QA_WORDS)
    (x, y), _ = ds.vector_pairs(50, 2)
    assert set(np.unique(y["y_out"])) <= set(range(10))


# ---- the question-answering worlds give true answers ------------------------------------


def colour_at(image, row, col):
    return image[int(row), int(col)]


def answer_vqa(question, objects):
    shapes_ = [o["shape"] for o in objects]
    colours = [o["colour"] for o in objects]
    if m := re.fullmatch(r"what colour is the (\w+) \?", question):
        assert shapes_.count(m[1]) == 1
        return colours[shapes_.index(m[1])]
    if m := re.fullmatch(r"what shape is the (\w+) object \?", question):
        assert colours.count(m[1]) == 1
        return shapes_[colours.index(m[1])]
    if m := re.fullmatch(r"how many (\w+) objects are there \?", question):
        return str(colours.count(m[1]))
    if m := re.fullmatch(r"is there a (\w+) \?", question):
        return "yes" if m[1] in shapes_ else "no"
    raise AssertionError(f"unexpected question {question!r}")


def test_vqa_answers_are_true_for_the_pictures():
    (x, y, scenes), _ = ds.shapes_vqa(300, 2, with_scenes=True)
    kinds = collections.Counter()
    rgb = dict(zip(ds._COLOURS, ds._COLOUR_RGB))
    for image, ids, answer, scene in zip(x["image_input"], x["question_input"], y, scenes):
        question = ds.decode(ids, ds.QA_WORDS)
        assert question == scene["question"]
        assert ds.decode_answer(answer) == answer_vqa(question, scene["objects"])
        kinds[question.split()[1]] += 1
        for obj in scene["objects"]:  # the picture shows each object in its colour
            np.testing.assert_allclose(
                colour_at(image, obj["row"], obj["col"]), rgb[obj["colour"]], atol=0.12
            )
    assert len(kinds) == 4 and min(kinds.values()) > 30
    answers = collections.Counter(ds.ANSWERS[a] for a in y)
    assert answers["yes"] > 10 and answers["no"] > 10


def answer_video(question, objects):
    by_shape = {o["shape"]: o for o in objects}
    by_direction = {o["direction"]: o for o in objects}
    assert len(by_shape) == len(objects) == len(by_direction)
    if m := re.fullmatch(r"which way does the (\w+) move \?", question):
        return by_shape[m[1]]["direction"]
    if m := re.fullmatch(r"what colour is the shape moving (\w+) \?", question):
        return by_direction[m[1]]["colour"]
    if m := re.fullmatch(r"what shape is moving (\w+) \?", question):
        return by_direction[m[1]]["shape"]
    if m := re.fullmatch(r"does the (\w+) move (\w+) \?", question):
        return "yes" if by_shape[m[1]]["direction"] == m[2] else "no"
    raise AssertionError(f"unexpected question {question!r}")


def test_video_answers_are_true_and_shapes_really_move_that_way():
    (x, y, scenes), _ = ds.moving_shapes_vqa(200, 2, with_scenes=True)
    step_of = {"left": (0, -1), "right": (0, 1), "up": (-1, 0), "down": (1, 0)}
    rgb = dict(zip(ds._COLOURS, ds._COLOUR_RGB))
    for video, ids, answer, scene in zip(x["video_input"], x["video_question_input"], y, scenes):
        question = ds.decode(ids, ds.QA_WORDS)
        assert ds.decode_answer(answer) == answer_video(question, scene["objects"])
        for obj in scene["objects"]:
            step = np.array(obj["step"])
            assert tuple(np.sign(step).astype(int)) == step_of[obj["direction"]]
            last = np.array(obj["start"]) + step * (len(video) - 1)
            assert (obj["radius"] <= last).all() and (last <= 32 - obj["radius"]).all()
        if len(scene["objects"]) == 1:  # pixels of the colour drift the stated way
            obj = scene["objects"][0]
            mask = np.abs(video - rgb[obj["colour"]]).max(-1) < 0.1
            rows, cols = np.indices(mask.shape[1:])
            first = np.array([rows[mask[0]].mean(), cols[mask[0]].mean()])
            final = np.array([rows[mask[-1]].mean(), cols[mask[-1]].mean()])
            moved = final - first
            assert np.dot(moved, step_of[obj["direction"]]) > 5, (moved, obj)


def test_questions_encode_decode_round_trip():
    ids = ds.encode_question("what colour is the circle ?", length=12)
    assert ids.shape == (12,) and ids[0] == 0
    assert ds.decode(ids, ds.QA_WORDS) == "what colour is the circle ?"
    assert ds.decode_answer(ds.ANSWERS.index("triangle")) == "triangle"


# ---- where mnist and cifar10 come from ----------------------------------------------------


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
    monkeypatch.setitem(ds.ORIGINS, "mnist", ("127.0.0.1", port))
    monkeypatch.setitem(ds.ORIGINS, "cifar10", ("127.0.0.1", port))
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


# ---- bad arguments ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: ds.mnist(0, 5, verbose=False), ValueError, "n_train must be an int >= 1, got 0"),
        (lambda: ds.headlines(10.5), TypeError, "n_train must be an int, got float"),
        (lambda: ds.tickets(seed=-1), ValueError, "seed must be an int >= 0"),
        (lambda: ds.mnist(source="web"), ValueError, "source must be one of 'auto'"),
        (lambda: ds.cifar10(online="yes"), TypeError, "online must be True, False or None"),
        (lambda: ds.digit_pairs(size=5), ValueError, "size must be an int >= 12, got 5"),
        (lambda: ds.shapes_vqa(question_length=3), ValueError, "question_length must be"),
        (lambda: ds.moving_shapes_vqa(frames=1), ValueError, "frames must be an int >= 2"),
        (lambda: ds.tweets(dtype="int64"), ValueError, "dtype must be one of 'uint8'"),
        (lambda: ds.clusters(spread=0), ValueError, "spread must be a positive number"),
        (lambda: ds.digit_images(3, labels=[1, 2, 10]), ValueError, "labels must be 3 ints"),
        (lambda: ds.decode([99], ds.QA_WORDS), ValueError, f"ids must be in 0..{len(ds.QA_WORDS)}"),
        (lambda: ds.decode_answer(500), ValueError, f"answer index must be in 0..{len(ds.ANSWERS) - 1}"),
        (lambda: ds.encode_question("what colour is the dog ?"), ValueError, "unknown words"),
        (lambda: ds.show("planets"), ValueError, "unknown world 'planets'; expected one of"),
        (lambda: ds.show({"a": np.zeros(3)}, {}), ValueError, "no picture for inputs named"),
        (lambda: ds.show(np.zeros(5)), ValueError, "cannot picture an array of shape"),
    ],
)
def test_bad_arguments_get_clear_messages(call, error, message):
    with pytest.raises(error, match=re.escape(message)):
        call()


# ---- pictures -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(WORLDS))
def test_show_draws_samples_of_every_world(name, tmp_path):
    fig = ds.show(name, n=4)
    assert isinstance(fig, matplotlib.figure.Figure) and fig.axes
    fig.savefig(tmp_path / f"{name}.png", dpi=40)
    assert os.path.getsize(tmp_path / f"{name}.png") > 1000


def test_show_accepts_loaded_arrays():
    (x, y), _ = ds.mnist(12, 2, source="generated", verbose=False)
    fig = ds.show(x.reshape(12, 784), y, n=10)
    assert [ax.get_title() for ax in fig.axes[:10]] == [str(v) for v in y[:10]]
    (x, y), _ = ds.cifar10(5, 2, source="generated", verbose=False)
    fig = ds.show(x, y, n=5, class_names=ds.SHAPE_CLASSES)
    assert fig.axes[0].get_title() == ds.SHAPE_CLASSES[y[0, 0]]
    (x, y), _ = ds.shapes_vqa(3, 1)
    fig = ds.show(x, y, n=3)
    assert fig.axes[0].get_title().startswith(ds.decode(x["question_input"][0], ds.QA_WORDS))


# ---- learning signal: simple numpy learners do clearly better than chance -----------------


def nearest_centroid_accuracy(train, y_train, test, y_test):
    classes = np.unique(y_train)
    centres = np.stack([train[y_train == c].mean(0) for c in classes])
    distances = ((test[:, None] - centres[None]) ** 2).sum(-1)
    return np.mean(classes[distances.argmin(1)] == y_test)


def spectrum(images):
    """Shift-invariant features: log magnitude of the 2-D Fourier transform."""
    gray = images.astype(np.float32)
    gray = gray.mean(-1) if gray.ndim == 4 else gray
    gray = (gray - gray.mean((1, 2), keepdims=True)) / (gray.std((1, 2), keepdims=True) + 1e-6)
    return np.log1p(np.abs(np.fft.fft2(gray))).reshape(len(gray), -1)


def threshold_accuracy(score, y, score_test, y_test):
    """Best threshold on the training scores, applied to the test scores."""
    candidates = np.quantile(score, np.linspace(0.05, 0.95, 19))
    best = max(candidates, key=lambda t: np.mean((score > t) == y))
    return np.mean((score_test > best) == y_test)


def naive_bayes(ids, labels, ids_test, vocabulary):
    classes = np.unique(labels)
    counts = np.ones((len(classes), vocabulary + 1))
    for k, c in enumerate(classes):
        np.add.at(counts[k], ids[labels == c].ravel(), 1)
    log_p = np.log(counts / counts.sum(1, keepdims=True))
    log_p[:, 0] = 0  # padding says nothing
    return classes[log_p[:, ids_test].sum(-1).T.argmax(1)]


def test_signal_digits():
    (x, y), (xt, yt) = ds.mnist(1500, 300, source="generated", verbose=False)
    accuracy = nearest_centroid_accuracy(x.reshape(1500, -1), y, xt.reshape(300, -1), yt)
    print(f"generated digits, nearest centroid: {accuracy:.2f} (chance 0.10)")
    assert accuracy > 0.6


def test_signal_cifar_stand_in():
    (x, y), (xt, yt) = ds.cifar10(1500, 300, source="generated", verbose=False)
    accuracy = nearest_centroid_accuracy(spectrum(x), y[:, 0], spectrum(xt), yt[:, 0])
    print(f"shape classes, nearest centroid on spectra: {accuracy:.2f} (chance 0.10)")
    assert accuracy > 0.5


def test_signal_digit_pairs():
    # Tell each digit apart with nearest centroids fitted on separately generated digits,
    # then call a pair "same" when both get the same digit.
    digits, labels = ds.digit_images(2000, size=27, seed=5)
    centres = np.stack([digits[labels == d].reshape(-1, 27 * 27).mean(0) for d in range(10)])

    def digit_of(images):
        flat = images[..., 0].reshape(len(images), -1) * 255
        return ((flat[:, None] - centres[None]) ** 2).sum(-1).argmin(1)

    _, (x, y) = ds.digit_pairs(10, 400)
    accuracy = np.mean((digit_of(x["digit_a"]) == digit_of(x["digit_b"])) == y[:, 0])
    print(f"digit pairs, same nearest-centroid digit: {accuracy:.2f} (chance 0.50)")
    assert accuracy > 0.72


def test_signal_shape_views():
    (x, y), (xt, yt) = ds.shape_views(400, 200)
    for key in ("gray", "colour"):
        accuracy = nearest_centroid_accuracy(spectrum(x[key]), y[:, 0], spectrum(xt[key]), yt[:, 0])
        print(f"shape views ({key}), nearest centroid on spectra: {accuracy:.2f} (chance 0.50)")
        assert accuracy > 0.75


def test_signal_headlines_text_and_side_information():
    (x, y), (xt, yt) = ds.headlines(1500, 400)
    vocabulary = len(ds.HEADLINE_WORDS)
    aux = naive_bayes(x["main_input"], y["aux_output"][:, 0], xt["main_input"], vocabulary)
    text_accuracy = np.mean(aux == yt["aux_output"][:, 0])
    # main_output: text guess plus side information, fitted by least squares
    text_train = naive_bayes(x["main_input"], y["aux_output"][:, 0], x["main_input"], vocabulary)
    features = np.c_[text_train, x["aux_input"], np.ones(1500)]
    weights = np.linalg.lstsq(features, y["main_output"][:, 0] - 0.5, rcond=None)[0]
    main = np.c_[aux, xt["aux_input"], np.ones(400)] @ weights > 0
    main_accuracy = np.mean(main == yt["main_output"][:, 0])
    text_only = np.mean(aux == yt["main_output"][:, 0])
    print(
        f"headlines: aux from text {text_accuracy:.2f}, main from text {text_only:.2f}, "
        f"main from text + aux_input {main_accuracy:.2f} (chance 0.50)"
    )
    assert text_accuracy > 0.9 and main_accuracy > text_only + 0.05 and main_accuracy > 0.8


def test_signal_tickets():
    (x, y), (xt, yt) = ds.tickets(1000, 250)
    words = np.c_[x["title"], x["body"]]
    words_test = np.c_[xt["title"], xt["body"]]
    department = naive_bayes(words, y["department"].argmax(1), words_test, len(ds.TICKET_WORDS))
    accuracy = np.mean(department == yt["department"].argmax(1))

    def counts(ids, tags):
        bag = np.zeros((len(ids), len(ds.TICKET_WORDS) + 1))
        for row, sequence in zip(bag, ids):
            np.add.at(row, sequence, 1)
        bag[:, 0] = 1
        return np.c_[bag, tags]

    weights = np.linalg.lstsq(counts(words, x["tags"]), y["priority"][:, 0], rcond=None)[0]
    guess = counts(words_test, xt["tags"]) @ weights
    correlation = np.corrcoef(guess, yt["priority"][:, 0])[0, 1]
    print(f"tickets: department {accuracy:.2f} (chance 0.25), priority correlation {correlation:.2f}")
    assert accuracy > 0.8 and correlation > 0.7


def test_signal_tweets():
    def habit_gap(x):
        a, b = (x[k].sum(1).astype(np.float32) for k in ("tweet_a", "tweet_b"))
        return -np.abs(a / a.sum(1, keepdims=True) - b / b.sum(1, keepdims=True)).sum(1)

    (x, y), (xt, yt) = ds.tweets(200, 200)
    accuracy = threshold_accuracy(habit_gap(x), y[:, 0], habit_gap(xt), yt[:, 0])
    print(f"tweets, character histogram gap: {accuracy:.2f} (chance 0.50)")
    assert accuracy > 0.8


def nearest_neighbour_answers(features, questions, answers, features_test, questions_test):
    """1-NN among training samples that asked the same question; plus the same-question
    majority answer (what a model that ignores the picture can reach)."""
    groups = collections.defaultdict(list)
    for i, q in enumerate(map(tuple, questions)):
        groups[q].append(i)
    guess, prior = [], []
    for f, q in zip(features_test, map(tuple, questions_test)):
        group = np.array(groups.get(q, [0]))
        guess.append(answers[group[((features[group] - f) ** 2).sum(1).argmin()]])
        prior.append(np.bincount(answers[group]).argmax())
    return np.array(guess), np.array(prior)


def pooled(images):
    """4x4 average pooling of (n, ..., 32, 32, 3) images, flattened."""
    n = len(images)
    return images.reshape(n, -1, 8, 4, 8, 4, 3).mean((3, 5)).reshape(n, -1)


def test_signal_shapes_vqa_needs_the_picture():
    (x, y), (xt, yt) = ds.shapes_vqa(3000, 300)
    guess, prior = nearest_neighbour_answers(
        pooled(x["image_input"]), x["question_input"], y, pooled(xt["image_input"]), xt["question_input"]
    )
    accuracy, question_only = np.mean(guess == yt), np.mean(prior == yt)
    print(f"shapes VQA: nearest picture {accuracy:.2f}, question alone {question_only:.2f}")
    assert accuracy > question_only + 0.12


def test_signal_moving_shapes_needs_the_video():
    (x, y), (xt, yt) = ds.moving_shapes_vqa(800, 200)
    ends = lambda v: pooled(v[:, [0, -1]])  # noqa: E731 - first and last frame
    guess, prior = nearest_neighbour_answers(
        ends(x["video_input"]),
        x["video_question_input"],
        y,
        ends(xt["video_input"]),
        xt["video_question_input"],
    )
    accuracy, question_only = np.mean(guess == yt), np.mean(prior == yt)
    print(f"moving shapes: nearest video {accuracy:.2f}, question alone {question_only:.2f}")
    assert accuracy > question_only + 0.15


def least_squares_accuracy(features, targets, features_test, targets_test, classes=None):
    add_bias = lambda f: np.c_[f, np.ones(len(f))]  # noqa: E731
    goal = np.eye(classes)[targets] if classes else targets[:, None] - 0.5
    weights = np.linalg.lstsq(add_bias(features), goal, rcond=None)[0]
    scores = add_bias(features_test) @ weights
    guess = scores.argmax(1) if classes else scores[:, 0] > 0
    return np.mean(guess == targets_test)


def test_signal_clusters_vector_pairs_categorical_numeric_sequences():
    (x, y), (xt, yt) = ds.clusters(800, 200)
    assert nearest_centroid_accuracy(x, y, xt, yt) > 0.8
    (x, y), (xt, yt) = ds.clusters(800, 200, features=10, classes=2)
    assert nearest_centroid_accuracy(x, y, xt, yt) > 0.9

    (x, y), (xt, yt) = ds.vector_pairs(1000, 300)
    both, both_test = np.c_[x["x_in"], x["y_in"]], np.c_[xt["x_in"], xt["y_in"]]
    assert least_squares_accuracy(both, y["x_out"][:, 0], both_test, yt["x_out"][:, 0]) > 0.8
    assert (
        least_squares_accuracy(x["x_in"], y["x_out"][:, 0], xt["x_in"], yt["x_out"][:, 0]) < 0.75
    )  # x_out needs both inputs
    assert least_squares_accuracy(both, y["y_out"][:, 0], both_test, yt["y_out"][:, 0], classes=10) > 0.3

    (x, y), (xt, yt) = ds.categorical_numeric(1000, 300)

    def table(x):
        counts = np.zeros((len(x["categorical_input"]), 100))
        for row, codes in zip(counts, x["categorical_input"]):
            np.add.at(row, codes, 1)
        return np.c_[counts, x["numeric_input"]]

    assert least_squares_accuracy(table(x), y["binary_pred"][:, 0], table(xt), yt["binary_pred"][:, 0]) > 0.8
    assert (
        least_squares_accuracy(table(x), y["categorical_pred"], table(xt), yt["categorical_pred"], classes=3)
        > 0.8
    )

    (x, y), (xt, yt) = ds.sequences(10, 300)
    slope = np.polyfit(np.arange(100), xt[:, :, 0].T, 1)[0]
    assert np.mean((slope > 0) == yt["class_output"][:, 0]) > 0.9
    noise = np.abs(xt - yt["sequence_output"]).mean()
    assert 0.15 < noise < 0.35  # the clean curve is the input without its noise

"""Tests of kit.datasets as a whole: shapes, determinism, argument checks, learning signal of every world."""

import collections
import re

import numpy as np
import pytest
from datasets_support import WORLDS, leaves, load, same, shapes

import kit.datasets as ds


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


# ---- where mnist and cifar10 come from ----------------------------------------------------


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


def test_tweets_as_codes_are_the_one_hot_rows_without_padding():
    (one_hot, y), (one_hot_test, _) = ds.tweets(30, 5, length=120)
    (codes, y_codes), (codes_test, _) = ds.tweets(30, 5, length=120, one_hot=False)
    assert codes["tweet_a"].shape == (30, 120) and codes["tweet_a"].dtype == np.uint8
    np.testing.assert_array_equal(y, y_codes)
    for rows, tweet_codes in ((one_hot, codes), (one_hot_test, codes_test)):
        for key in ("tweet_a", "tweet_b"):
            text = rows[key].any(-1)
            np.testing.assert_array_equal(text, tweet_codes[key] > 0)  # 0 only where no character
            np.testing.assert_array_equal(rows[key].argmax(-1)[text], tweet_codes[key][text])
    assert ds.tweet_text(codes["tweet_b"][3]) == ds.tweet_text(one_hot["tweet_b"][3])


def test_tweet_text_refuses_a_batch():
    (codes, _), _ = ds.tweets(2, 1, one_hot=False)
    with pytest.raises(ValueError, match=r"one tweet, one-hot of shape \(length, n_chars\) or codes"):
        ds.tweet_text(codes["tweet_a"][None])


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

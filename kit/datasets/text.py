"""Text worlds: readable word lists (ids = position + 1, 0 = padding), headlines, tickets, tweets.

Part of :mod:`kit.datasets`.
"""

from __future__ import annotations

import numpy as np

from kit.datasets._common import _balanced_labels, _check_choice, _check_int, _streams

__all__ = [
    "HEADLINE_WORDS",
    "TICKET_DEPARTMENTS",
    "TICKET_TAGS",
    "TICKET_WORDS",
    "decode",
    "headlines",
    "tickets",
    "tweet_text",
    "tweets",
]


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


def tweets(
    n_train=600, n_test=200, *, seed=0, length=280, n_chars=256, n_authors=4, dtype="uint8", one_hot=True
):
    """Pairs of one-hot tweets, labelled 1 when the same author wrote both.

    For the shared-LSTM notebook (guide: two inputs of 280 characters x 256 one-hot).
    Each author has a character habit of their own (some letters, punctuation, '#',
    '@', digits and smileys more than others); a tweet is 100 to ``length``
    characters drawn from its author's habit, left-padded with all-zero rows (as
    keras' pad_sequences does, so an LSTM's last step sees text). Half the
    pairs share an author.

    The default ``dtype="uint8"`` keeps the one-hot arrays four times smaller than
    float32; Keras casts each batch to the Input's float32. ``one_hot=False``
    gives the byte codes instead, 256 times smaller still: 0 marks the padding
    (no character has code 0), and ``tf.one_hot`` of -1 is an all-zero row.

    The guide's head (concatenate, then one sigmoid unit) adds a score of tweet a to
    a score of tweet b, which cannot express "same": it stays near 50% here. A hidden
    Dense layer after the merge (about 75% after 5 epochs) or guide 001's
    exp(-L1 distance) merge (about 89%) learns it.

    Returns
    -------
    (x_train, y_train), (x_test, y_test)
        x: {"tweet_a", "tweet_b"}: (n, length, n_chars) one-hot of the byte codes,
        or with ``one_hot=False`` the uint8 codes (n, length), 0 before the text;
        y: float32 (n, 1) of 0 / 1.

    Example
    -------
    >>> (x, y), _ = tweets(4, 2, length=140)
    >>> x["tweet_a"].shape
    (4, 140, 256)
    >>> (codes, _), _ = tweets(4, 2, length=140, one_hot=False)
    >>> codes["tweet_a"].shape, bool((codes["tweet_a"].argmax(1) > 0).all())
    ((4, 140), True)
    """
    _check_int("length", length, minimum=100)
    _check_int("n_chars", n_chars, minimum=128)
    _check_int("n_authors", n_authors, minimum=2)
    _check_choice("dtype", dtype, ("uint8", "float32"))
    _check_choice("one_hot", one_hot, (True, False))
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
            # Left-padded, so the text ends at the last time step.
            padded = np.zeros((n, length), np.uint8)
            for i in range(n):
                padded[i, length - used[i] :] = chars[i, : used[i]]
            x[key] = _one_hot_rows(padded, n_chars, dtype) if one_hot else padded
        return x, same.astype(np.float32)[:, None]

    return make(train_rng, n_train), make(test_rng, n_test)


def _one_hot_rows(codes, n_chars, dtype):
    """(n, length) codes to (n, length, n_chars) one-hot rows; code 0 gives an all-zero row."""
    one_hot = np.zeros(codes.shape + (n_chars,), dtype)
    samples, steps = np.nonzero(codes)
    one_hot[samples, steps, codes[samples, steps]] = 1
    return one_hot


def tweet_text(tweet):
    """The characters of one tweet, one-hot or codes (the padding is dropped).

    >>> (x, _), _ = tweets(2, 1)
    >>> len(tweet_text(x["tweet_a"][0])) >= 100
    True
    >>> (codes, _), _ = tweets(2, 1, one_hot=False)
    >>> tweet_text(codes["tweet_a"][0]) == tweet_text(x["tweet_a"][0])
    True
    """
    tweet = np.asarray(tweet)
    if tweet.ndim == 2:
        tweet = np.where(tweet.any(1), tweet.argmax(1), 0)
    elif tweet.ndim != 1:
        raise ValueError(
            "tweet must be one tweet, one-hot of shape (length, n_chars) or codes of shape "
            f"(length,), got shape {tweet.shape}"
        )
    return bytes(tweet[tweet > 0].astype(np.uint8).tolist()).decode("latin-1")

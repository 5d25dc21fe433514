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

from kit.datasets.images import digit_images, digit_pairs, shape_views
from kit.datasets.question_answering import (
    ANSWERS,
    QA_WORDS,
    decode_answer,
    encode_question,
    moving_shapes_vqa,
    shapes_vqa,
)
from kit.datasets.real import CIFAR10_CLASSES, SHAPE_CLASSES, cifar10, mnist
from kit.datasets.show import show
from kit.datasets.text import (
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

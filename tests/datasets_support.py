"""What the kit.datasets tests share: every world, small, with the shapes the guides give."""

import numpy as np

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

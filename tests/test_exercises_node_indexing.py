"""Wrong answers to the node-indexing exercise fail with the intended message."""

from exercise_support import failing

import kit
from kit.quiet import import_keras_quietly

keras = import_keras_quietly()
layers = keras.layers


# node_indexing


def picker(copies=False, order=(1, 0), large_first=False, conv=None):
    def build():
        small = keras.Input(shape=(32, 32, 3), name="small")
        large = keras.Input(shape=(64, 64, 3), name="large")
        shared = conv or layers.Conv2D(16, (3, 3), padding="same", name="shared_conv")
        if copies:
            other = layers.Conv2D(16, (3, 3), padding="same")
            return keras.Model([small, large], [other(large), shared(small)])
        for image in (large, small) if large_first else (small, large):
            shared(image)
        outputs = [kit.nodes.get_output_at(shared, i) for i in order]
        return keras.Model([small, large], outputs)

    return build


def test_node_indexing_with_two_convolutions_is_told_to_share_one():
    failing(
        "node_indexing",
        picker(copies=True),
        "one Conv2D 'shared_conv'",
        "the two images use two different Conv2D layers",
    )


def test_node_indexing_with_outputs_in_call_order_names_the_nodes():
    failing(
        "node_indexing",
        picker(order=(0, 1)),
        "output 1 is node 1",
        "output 1 is node 0 of 'shared_conv' (None, 32, 32, 16); expected node 1",
    )


def test_node_indexing_calling_large_first_is_told_which_node_is_which():
    failing(
        "node_indexing",
        picker(large_first=True),
        "node 0 of 'shared_conv'",
        "node 0 of 'shared_conv' is its call on 'large' (None, 64, 64, 3)",
    )


def test_node_indexing_with_a_layer_called_before_sees_nodes_two_and_three():
    conv = layers.Conv2D(16, (3, 3), padding="same", name="shared_conv")
    conv(keras.Input((8, 8, 3)))
    conv(keras.Input((8, 8, 3)))
    failing(
        "node_indexing",
        picker(conv=conv, order=(3, 2)),
        "node 0 of 'shared_conv'",
        "are nodes 2 and 3, not 0 and 1",
    )

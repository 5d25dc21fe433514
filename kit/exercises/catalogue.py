"""The ten self-study exercises, in course order, and lookup by name.

Each exercise matches one notebook in ``exercises/`` (``01_functional_mlp.ipynb``
... ``10_custom_layer.ipynb``); its spec, requirements and hints live in
:mod:`kit.exercises.first_steps`, :mod:`kit.exercises.sharing`,
:mod:`kit.exercises.node_indexing`, :mod:`kit.exercises.topologies`,
:mod:`kit.exercises.reusable_encoder` and :mod:`kit.exercises.custom_layer`.

Example
-------
>>> [exercise.name for exercise in EXERCISES][:3]
['functional_mlp', 'multi_io', 'siamese_lstm']
"""

from __future__ import annotations

from kit.exercises.custom_layer import CUSTOM_LAYER
from kit.exercises.first_steps import FUNCTIONAL_MLP, MULTI_IO
from kit.exercises.node_indexing import NODE_INDEXING
from kit.exercises.reusable_encoder import REUSABLE_ENCODER
from kit.exercises.sharing import SHARED_VISION, SIAMESE_LSTM
from kit.exercises.topologies import INCEPTION_MODULE, RESIDUAL_PROJECTION, VQA

__all__ = ["BY_NAME", "EXERCISES"]

EXERCISES = (
    FUNCTIONAL_MLP,
    MULTI_IO,
    SIAMESE_LSTM,
    NODE_INDEXING,
    INCEPTION_MODULE,
    RESIDUAL_PROJECTION,
    SHARED_VISION,
    VQA,
    REUSABLE_ENCODER,
    CUSTOM_LAYER,
)
BY_NAME = {exercise.name: exercise for exercise in EXERCISES}

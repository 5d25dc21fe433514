"""The ten self-study exercises, in course order, and lookup by name.

Each exercise matches one notebook in ``exercises/`` (``01_functional_mlp.ipynb``
... ``10_custom_layer.ipynb``); its spec, requirements and hints live in
:mod:`kit.exercises.first_steps`, :mod:`kit.exercises.sharing` and
:mod:`kit.exercises.topologies`.

Example
-------
>>> [exercise.name for exercise in EXERCISES][:3]
['functional_mlp', 'multi_io', 'siamese_lstm']
"""

from __future__ import annotations

from kit.exercises.first_steps import CUSTOM_LAYER, FUNCTIONAL_MLP, MULTI_IO
from kit.exercises.sharing import NODE_INDEXING, REUSABLE_ENCODER, SHARED_VISION, SIAMESE_LSTM
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

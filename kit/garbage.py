"""Keep Python's garbage collector away from the objects that live as long as the kernel.

Once TensorFlow, Keras and matplotlib are loaded, a kernel holds some 300,000
objects (modules, classes, functions) that live until it stops. Python's cyclic
garbage collector walks every one of them at each full collection: one per
``keras.backend.clear_session()``, and others that tracing a model starts by
itself, 0.1-0.4 s each. ``gc.freeze`` takes them out of its walks, after one
last collection so that no garbage is frozen with them; reference counting
still frees any of them that is dropped. Used by ``%load_ext kit`` once Keras
and the live graph are loaded (``benchmarks/frozen_objects.py``), and only when
it is what loads Keras, as in the first cell of every course notebook: later,
the learner's models would be frozen too, and a frozen model that is dropped
is never freed (Keras models hold reference cycles).
"""

from __future__ import annotations

import gc

__all__ = ["freeze_loaded_objects"]


def freeze_loaded_objects() -> int:
    """Collect garbage, then leave every object alive now out of later collections.

    Returns how many objects are frozen.

    Example
    -------
    Not run here: it would freeze the process that runs the examples.

    >>> freeze_loaded_objects()  # doctest: +SKIP
    312408
    >>> len(gc.get_objects())  # doctest: +SKIP
    0
    """
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()

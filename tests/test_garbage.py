"""kit.garbage: %load_ext kit keeps the garbage collector off the objects already loaded.

Each test runs in a fresh interpreter: a frozen object stays frozen for the
life of its process.
"""

import subprocess
import sys

COLLECT_THEN_FREEZE = """
import gc, weakref
from kit.garbage import freeze_loaded_objects

class Node:
    pass

garbage = Node()
garbage.cycle = garbage  # only the cyclic collector can free it
gone = weakref.ref(garbage)
del garbage
kept = Node()
kept.cycle = kept
frozen = freeze_loaded_objects()
print(gone() is None, frozen == gc.get_freeze_count() > 1000, len(gc.get_objects()))
"""

LOAD_EXT = """
import gc, sys
from IPython.core.interactiveshell import InteractiveShell
if sys.argv[1] == "after-a-model":
    import keras
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
shell = InteractiveShell.instance()
assert gc.get_freeze_count() == 0
shell.run_line_magic("load_ext", "kit")
print(gc.get_freeze_count())
"""


def run_python(code, *arguments):
    done = subprocess.run(
        [sys.executable, "-c", code, *arguments], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.split()


def test_garbage_is_collected_first_and_the_rest_left_out_of_later_walks():
    collected, counted, walked = run_python(COLLECT_THEN_FREEZE)
    assert collected == "True"  # the cycle was freed, not frozen
    assert counted == "True"
    assert walked == "0"


def test_load_ext_freezes_keras_and_the_live_graph_once_they_are_loaded():
    frozen = int(run_python(LOAD_EXT, "first-cell")[-1])
    assert frozen > 100_000  # TensorFlow and Keras alone leave more than that


def test_load_ext_after_the_learner_built_a_model_freezes_nothing():
    assert run_python(LOAD_EXT, "after-a-model")[-1] == "0"

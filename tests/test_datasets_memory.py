"""shape_views draws its scenes a few hundred at a time: same pixels, smaller peak."""

import subprocess
import sys

import numpy as np

import kit

# VmHWM, the peak of this process's own memory: getrusage's maxrss would keep the peak of the
# (TensorFlow-sized) test worker this process was forked from.
PEAK = """
import kit
kit.datasets.shape_views(n_train=1000, n_test=200)
status = open("/proc/self/status").read().split("VmHWM:")[1]
print(int(status.split()[0]) // 1024)
"""


def test_scenes_cut_into_parts_are_the_scenes_drawn_whole():
    (x_small, y_small), _ = kit.datasets.shape_views(n_train=300, n_test=1, seed=3)
    (x_again, y_again), _ = kit.datasets.shape_views(n_train=300, n_test=1, seed=3)
    assert x_small["gray"].shape == (300, 64, 64, 1) and x_small["colour"].shape == (300, 32, 32, 3)
    assert x_small["gray"].dtype == np.float32 and x_small["colour"].dtype == np.float32
    for name in ("gray", "colour"):
        np.testing.assert_array_equal(x_small[name], x_again[name])
        # Scenes on both sides of the first cut (250) are drawn: bright shapes on a dark ground.
        assert (x_small[name][240:260].max(axis=(1, 2, 3)) > 0.5).all()
    np.testing.assert_array_equal(y_small, y_again)


def test_making_the_notebook_sized_set_peaks_under_200_mb():
    # 1,200 scenes are 35 MB of pixels; drawn all at once the temporaries took over 200 MB.
    done = subprocess.run([sys.executable, "-c", PEAK], capture_output=True, text=True, check=True)
    assert int(done.stdout.split()[-1]) < 200

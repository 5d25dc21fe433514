"""kit.onednn: %load_ext kit turns TensorFlow's oneDNN kernels on, unless the learner chose otherwise."""

import json
import os
import platform
import subprocess
import sys

import pytest

from kit.onednn import ONEDNN_SETTINGS, use_onednn

LOAD_EXT_AND_REPORT = """
import json, os
from kit.onednn import ONEDNN_SETTINGS
from IPython.testing.globalipapp import start_ipython
start_ipython().run_line_magic("load_ext", "kit")
from tensorflow.python.util import _pywrap_util_port
print(json.dumps({
    "onednn": _pywrap_util_port.IsMklEnabled(),
    "settings": {name: os.environ.get(name) for name in ONEDNN_SETTINGS},
}))
"""


def load_ext_in_a_fresh_python(**preset):
    env = {name: value for name, value in os.environ.items() if name not in ONEDNN_SETTINGS}
    env.update(preset, TF_CPP_MIN_LOG_LEVEL="3")
    done = subprocess.run(
        [sys.executable, "-c", LOAD_EXT_AND_REPORT], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_adds_only_the_settings_that_are_missing():
    environ = {"TF_ONEDNN_USE_SYSTEM_ALLOCATOR": "0", "PATH": "/bin"}
    assert use_onednn(environ) == {"TF_ENABLE_ONEDNN_OPTS": "1"}
    assert environ == {"TF_ONEDNN_USE_SYSTEM_ALLOCATOR": "0", "PATH": "/bin", "TF_ENABLE_ONEDNN_OPTS": "1"}
    assert use_onednn(environ) == {}


@pytest.mark.skipif(
    not (sys.platform.startswith("linux") and platform.machine() == "x86_64"),
    reason="the oneDNN switch is read by TensorFlow's x86-64 Linux wheels",
)
def test_load_ext_turns_onednn_on_in_tensorflow():
    report = load_ext_in_a_fresh_python()
    assert report == {"onednn": True, "settings": ONEDNN_SETTINGS}


def test_load_ext_keeps_the_learners_own_choice():
    report = load_ext_in_a_fresh_python(TF_ENABLE_ONEDNN_OPTS="0")
    assert report == {
        "onednn": False,
        "settings": {"TF_ENABLE_ONEDNN_OPTS": "0", "TF_ONEDNN_USE_SYSTEM_ALLOCATOR": "1"},
    }

import subprocess
import sys


def run(code):
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "TF_CPP_MIN_LOG_LEVEL": "3"},
    )


def test_quiet_import_leaves_stderr_empty_and_restores_it():
    result = run(
        "from kit.quiet import import_keras_quietly\n"
        "import os, sys\n"
        "keras = import_keras_quietly()\n"
        "print(keras.layers.Dense(2).units)\n"
        "os.write(2, b'still works')\n"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "2"
    assert result.stderr == "still works"


def test_plain_import_is_noisy_so_the_fix_matters():
    result = run("import tensorflow")
    assert result.returncode == 0
    assert "absl::InitializeLog" in result.stderr or "I0000" in result.stderr

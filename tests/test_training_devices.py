"""Tests of kit.training.devices: the decisions on made-up device lists, the real setup,
MirroredStrategy over logical CPUs and MultiWorkerMirroredStrategy with two real
worker processes."""

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from kit.training import devices as devices
from kit.training.devices import DeviceInfo

SCRIPTS = Path(__file__).parent / "train_scripts"


def fake_gpu(index, capability=(8, 0), name="NVIDIA Fake"):
    return DeviceInfo(f"GPU:{index}", "GPU", name, 16 * 2**30, capability)


CPU = DeviceInfo("CPU:0", "CPU", "2 threads")


def tf_config(workers, index, kind="worker", chief=()):
    cluster = {"worker": list(workers)}
    if chief:
        cluster["chief"] = list(chief)
    return json.dumps({"cluster": cluster, "task": {"type": kind, "index": index}})


# ----------------------------------------------------------- decisions (fakes)


def test_memory_growth_on_fake_gpus():
    gpus = [fake_gpu(0), fake_gpu(1)]
    assert devices.plan_memory_growth(gpus + [CPU]) == ("GPU:0", "GPU:1")
    assert devices.plan_memory_growth([CPU]) == ()
    assert devices.make_plan(gpus + [CPU]).memory_growth == ("GPU:0", "GPU:1")


def test_memory_growth_applied_to_each_fake_gpu():
    calls = []
    notes = devices.apply_memory_growth(["gpu-a", "gpu-b"], lambda gpu, on: calls.append((gpu, on)))
    assert calls == [("gpu-a", True), ("gpu-b", True)]
    assert notes == {"gpu-a": "memory growth on", "gpu-b": "memory growth on"}


def test_memory_growth_too_late_on_fake_gpus():
    def already_initialised(gpu, on):
        raise RuntimeError("Physical devices cannot be modified after being initialized")

    notes = devices.apply_memory_growth(["gpu-a"], already_initialised)
    assert "too late" in notes["gpu-a"]
    assert "restart" in notes["gpu-a"].lower() and "kit.setup()" in notes["gpu-a"]


@pytest.mark.parametrize(
    "capability, policy",
    [
        ((6, 1), "float32"),
        ((7, 0), "mixed_float16"),
        ((7, 5), "mixed_float16"),
        ((8, 0), "mixed_bfloat16"),
        ((8, 6), "mixed_bfloat16"),
        ((9, 0), "mixed_bfloat16"),
    ],
)
def test_precision_by_compute_capability_on_fake_gpus(capability, policy):
    chosen, reason = devices.choose_precision([fake_gpu(0, capability)])
    assert chosen == policy
    assert ".".join(map(str, capability)) in reason


def test_precision_follows_the_weakest_of_several_fake_gpus():
    assert devices.choose_precision([fake_gpu(0, (8, 6)), fake_gpu(1, (7, 0))])[0] == "mixed_float16"
    assert devices.choose_precision([fake_gpu(0, (8, 6)), fake_gpu(1, (6, 0))])[0] == "float32"


def test_precision_without_gpu_or_capability_is_float32():
    assert devices.choose_precision([CPU])[0] == "float32"
    assert devices.choose_precision([fake_gpu(0, None)])[0] == "float32"


def test_precision_asked_for_explicitly_on_fake_gpus():
    assert devices.choose_precision([fake_gpu(0, (8, 0))], "float32")[0] == "float32"
    chosen, reason = devices.choose_precision([CPU], "mixed_float16")
    assert chosen == "mixed_float16" and "slow on a CPU" in reason


def test_precision_rejects_unknown_names():
    with pytest.raises(ValueError, match=r"precision should be one of .*'mixed_bfloat16'.*got 'fp16'"):
        devices.choose_precision([CPU], "fp16")


def test_strategy_choice_on_fake_devices():
    assert devices.choose_strategy([CPU])[0] == devices.DEFAULT
    assert devices.choose_strategy([fake_gpu(0)])[:2] == (devices.DEFAULT, ("GPU:0",))
    kind, names, reason = devices.choose_strategy([fake_gpu(0), fake_gpu(1), CPU])
    assert (kind, names) == (devices.MIRRORED, ("GPU:0", "GPU:1"))
    assert reason == "MirroredStrategy over 2 GPUs"
    kind, names, _ = devices.choose_strategy([CPU], logical_cpus=2)
    assert (kind, names) == (devices.MIRRORED, ("CPU:0", "CPU:1"))


def test_strategy_multi_worker_when_tf_config_describes_a_cluster_on_fake_gpus():
    config = tf_config(["127.0.0.1:1", "127.0.0.1:2"], 0)
    kind, _, reason = devices.choose_strategy([fake_gpu(0), fake_gpu(1)], tf_config=config)
    assert kind == devices.MULTI_WORKER and "2 workers" in reason
    alone = tf_config(["127.0.0.1:1"], 0)
    assert devices.choose_strategy([CPU], tf_config=alone)[0] == devices.DEFAULT


def test_bad_tf_config_names_what_is_expected():
    with pytest.raises(ValueError, match=r"TF_CONFIG should be JSON like .*got 'worker=a:1'"):
        devices.choose_strategy([CPU], tf_config="worker=a:1")


def test_worker_roles_from_tf_config():
    workers = ["a:1", "b:2"]
    assert devices._worker_role(tf_config(workers, 0)) == (0, True)
    assert devices._worker_role(tf_config(workers, 1)) == (1, False)
    assert devices._worker_role(tf_config(workers, 0, chief=["c:3"])) == (1, False)
    assert devices._worker_role(tf_config(workers, 0, kind="chief", chief=["c:3"])) == (0, True)
    assert devices._worker_role(None) == (0, True)


def test_report_lists_fake_gpus_with_memory_and_capability():
    gpus = [fake_gpu(0, (7, 5), "Tesla T4"), fake_gpu(1, (7, 5), "Tesla T4")]
    plan = devices.make_plan(gpus + [CPU])
    report = devices.format_report(gpus + [CPU], plan, {"GPU:0": "memory growth on"}, 0, False)
    assert "Tesla T4 (16.0 GiB, compute capability 7.5); memory growth on" in report
    assert "mixed_float16" in report and "MirroredStrategy over 2 GPUs" in report
    assert "runs/" in report


# ------------------------------------------------------------- real setup


def test_setup_on_this_machine(capsys):
    env = devices.setup(seed=3)
    printed = capsys.readouterr().out
    assert printed.startswith("kit.setup")
    assert "CPU" in printed and "precision  float32" in printed and "seed       3" in printed
    assert env.report == printed.strip()
    assert env.replicas == 1 and env.is_chief
    with env.scope():
        import tensorflow as tf

        assert tf.distribute.get_strategy() is env.strategy
    assert devices.current_setup() is env


def test_setup_probes_devices_once():
    first = devices._probe()
    second = devices._probe()
    assert first[1] is second[1]


def test_machine_state_is_one_object_that_resets():
    env = devices.setup(verbose=False)
    assert devices._machine.setup is env and devices._machine.devices is not None
    saved = dict(vars(devices._machine))
    try:
        devices._machine.reset()
        assert devices._machine.setup is None and devices._machine.devices is None
        assert devices._machine.growth is None and not devices._machine.deterministic
        made = devices.current_setup()  # none in force: a quiet one is made
        assert devices._machine.setup is made and devices._machine.devices is not None
    finally:
        vars(devices._machine).update(saved)
    assert devices.current_setup() is env


@pytest.mark.parametrize(
    "arguments, error, pattern",
    [
        ({"seed": "zero"}, TypeError, "seed should be a non-negative int or None, got 'zero'"),
        ({"seed": -1}, TypeError, "got -1"),
        ({"deterministic": "yes"}, TypeError, "deterministic should be True or False"),
        ({"precision": "half"}, ValueError, "precision should be one of"),
    ],
)
def test_setup_rejects_bad_arguments(arguments, error, pattern):
    with pytest.raises(error, match=pattern):
        devices.setup(verbose=False, **arguments)


# -------------------------------------------------- real strategies (subprocesses)


def _environment(**extra):
    environment = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", PYTHONHASHSEED="0")
    environment.pop("TF_CONFIG", None)
    environment.update(extra)
    return environment


def _run(arguments, cwd, timeout=120):
    completed = subprocess.run(
        [sys.executable, *map(str, arguments)],
        cwd=cwd,
        env=_environment(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return completed


def test_mirrored_strategy_over_two_logical_cpus(tmp_path):
    _run(
        [
            SCRIPTS / "distributed.py",
            tmp_path / "run",
            tmp_path / "result.npz",
            "--logical-cpus",
            "2",
            "--prebuilt-too",
        ],
        tmp_path,
    )
    result = np.load(tmp_path / "result.npz")
    assert str(result["strategy"]) == "MirroredStrategy"
    assert int(result["replicas"]) == 2 and int(result["model_replicas"]) == 2
    assert str(result["variable"]) == "MirroredVariable"
    losses = result["loss"]
    assert len(losses) == 3 and losses[-1] < losses[0]
    assert all(np.isfinite(result[name]).all() for name in result.files if name.startswith("weight"))

    assert "built outside" not in str(result["printed"])
    prebuilt = np.load(tmp_path / "result.prebuilt.npz")  # a model built outside the scope
    assert int(prebuilt["replicas"]) == 2 and int(prebuilt["model_replicas"]) == 1
    assert "built outside kit.setup()'s scope" in str(prebuilt["printed"])


def _free_ports(count):
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


@pytest.mark.slow
def test_multi_worker_mirrored_strategy_with_two_worker_processes(tmp_path):
    workers = [f"127.0.0.1:{port}" for port in _free_ports(2)]
    processes = []
    try:
        for index in range(2):
            log = open(tmp_path / f"worker-{index}.log", "w")
            processes.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        str(SCRIPTS / "distributed.py"),
                        str(tmp_path / "run"),
                        str(tmp_path / f"result-{index}.npz"),
                    ],
                    cwd=tmp_path,
                    env=_environment(TF_CONFIG=tf_config(workers, index)),
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
            log.close()
        deadline = time.monotonic() + 150
        for process in processes:
            process.wait(timeout=max(1, deadline - time.monotonic()))
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()
    logs = [(tmp_path / f"worker-{index}.log").read_text()[-3000:] for index in range(2)]
    assert [process.returncode for process in processes] == [0, 0], logs
    first, second = (np.load(tmp_path / f"result-{index}.npz") for index in range(2))
    assert str(first["strategy"]) == "KerasReadyMultiWorkerStrategy"
    assert int(first["replicas"]) == 2 and int(second["replicas"]) == 2
    weights = [name for name in first.files if name.startswith("weight")]
    assert weights and all(np.array_equal(first[name], second[name]) for name in weights)
    np.testing.assert_array_equal(first["loss"], second["loss"])
    assert first["loss"][-1] < first["loss"][0]
    assert (tmp_path / "run" / "state.json").exists()
    assert (tmp_path / "run" / "worker-1" / "state.json").exists()


@pytest.mark.parametrize("policy, compute", [("mixed_float16", "float16"), ("mixed_bfloat16", "bfloat16")])
def test_mixed_precision_chosen_explicitly_trains_and_resumes(tmp_path, policy, compute):
    import keras

    from kit.training.trainer import train

    try:
        env = devices.setup(seed=0, precision=policy, verbose=False)
        assert keras.mixed_precision.global_policy().name == policy
        assert "slow on a CPU" in env.report

        def build():
            inputs = keras.Input((4,))
            hidden = keras.layers.Dense(8, activation="relu")(inputs)
            outputs = keras.layers.Dense(2, activation="softmax", dtype="float32")(hidden)
            return keras.Model(inputs, outputs, name="mixed")

        x = np.random.default_rng(0).normal(size=(64, 4)).astype("float32")
        y = (x[:, 0] > 0).astype("int64")
        first = train(build, x, y, epochs=1, run_dir=tmp_path / "run", progress=None)
        assert first.model.layers[1].compute_dtype == compute
        assert first.model.layers[1].kernel.dtype == "float32"
        resumed = train(build, x, y, epochs=2, run_dir=tmp_path / "run", progress=None)
        assert resumed.epoch == [0, 1] and np.isfinite(resumed.history["loss"]).all()
    finally:
        devices.setup(verbose=False)
    assert keras.mixed_precision.global_policy().name == "float32"

"""Device probing and training setup: ``kit.setup``.

``kit.setup()`` looks at the machine once, prints a short report and returns a
:class:`Setup` whose ``strategy`` and ``scope()`` the training helper uses. It is
the first training cell of the notebooks that train models, e.g.
``notebooks/07_shared_vision_model.ipynb`` and ``notebooks/08_vqa_video_qa.ipynb``.

The decisions are pure functions over :class:`DeviceInfo` records, so they can
be checked with made-up device lists; :func:`setup` feeds them the real probe
and applies them.

Example
-------
>>> import kit
>>> env = kit.setup(seed=0)            # doctest: +SKIP
>>> with env.scope():                  # doctest: +SKIP
...     model = build_model()
"""

from __future__ import annotations

import json
import os
import random
from dataclasses import dataclass, field

#: Accepted values of ``precision``.
PRECISIONS = ("auto", "float32", "mixed_float16", "mixed_bfloat16")
#: Strategy kinds chosen by :func:`choose_strategy`.
DEFAULT, MIRRORED, MULTI_WORKER = "default", "mirrored", "multi_worker"
#: Compute capability from which float16 tensor cores pay off, and bfloat16 ones.
FLOAT16_FROM, BFLOAT16_FROM = (7, 0), (8, 0)
#: Where ``kit.train`` keeps checkpoints unless told otherwise.
RUNS_DIR = "runs"

__all__ = [
    "BFLOAT16_FROM",
    "DEFAULT",
    "FLOAT16_FROM",
    "MIRRORED",
    "MULTI_WORKER",
    "PRECISIONS",
    "RUNS_DIR",
    "DeviceInfo",
    "Plan",
    "Setup",
    "apply_memory_growth",
    "choose_precision",
    "choose_strategy",
    "cluster_of",
    "cpu_threads",
    "current_setup",
    "format_report",
    "fresh_seed",
    "make_plan",
    "plan_memory_growth",
    "setup",
]

_TOO_LATE = (
    "too late: TensorFlow already initialised the GPUs in this process. Restart "
    "the kernel and call kit.setup() before anything else uses TensorFlow"
)


@dataclass(frozen=True)
class DeviceInfo:
    """One device as the decisions see it.

    Attributes
    ----------
    name : str
        TensorFlow's short name, e.g. ``"GPU:0"`` or ``"CPU:0"``.
    kind : str
        ``"GPU"`` or ``"CPU"``.
    description : str
        Marketing name, e.g. ``"NVIDIA A100-SXM4-40GB"`` (empty when unknown).
    memory_bytes : int or None
        Device memory, None when unknown.
    compute_capability : tuple of int or None
        ``(major, minor)`` for CUDA GPUs, None otherwise.
    """

    name: str
    kind: str
    description: str = ""
    memory_bytes: int | None = None
    compute_capability: tuple | None = None


@dataclass(frozen=True)
class Plan:
    """What :func:`setup` will do, decided by :func:`make_plan`."""

    memory_growth: tuple
    precision: str
    precision_reason: str
    strategy: str
    strategy_devices: tuple
    strategy_reason: str


def plan_memory_growth(gpus):
    """Names of the GPUs that get memory growth: all of them.

    A shared course GPU must not be taken whole by the first learner's process,
    so every GPU allocates memory as it needs it.

    >>> plan_memory_growth([DeviceInfo("GPU:0", "GPU")])
    ('GPU:0',)
    """
    return tuple(device.name for device in gpus if device.kind == "GPU")


def choose_precision(gpus, requested="auto"):
    """Pick the Keras dtype policy and say why.

    Mixed float16 needs tensor cores (compute capability 7.0 or more); from 8.0
    (Ampere) bfloat16 runs as fast and needs no loss scaling, so it wins. With
    several GPUs the weakest decides. Without a GPU the answer is float32.

    >>> choose_precision([DeviceInfo("GPU:0", "GPU", compute_capability=(7, 5))])[0]
    'mixed_float16'
    """
    if requested not in PRECISIONS:
        raise ValueError(f"precision should be one of {', '.join(map(repr, PRECISIONS))}, got {requested!r}.")
    gpus = [device for device in gpus if device.kind == "GPU"]
    if requested != "auto":
        note = " (chosen; it is slow on a CPU)" if not gpus and requested != "float32" else " (chosen)"
        return requested, requested + note
    if not gpus:
        return "float32", "float32 (no GPU)"
    capabilities = [device.compute_capability for device in gpus]
    if any(capability is None for capability in capabilities):
        return "float32", "float32 (compute capability unknown)"
    weakest = min(capabilities)
    shown = ".".join(map(str, weakest))
    if weakest >= BFLOAT16_FROM:
        return "mixed_bfloat16", (
            f"mixed_bfloat16 (compute capability {shown} >= 8.0: bfloat16 is as fast "
            "as float16 and needs no loss scaling)"
        )
    if weakest >= FLOAT16_FROM:
        return "mixed_float16", (
            f"mixed_float16 (compute capability {shown} >= 7.0 has float16 tensor "
            "cores; Keras adds loss scaling)"
        )
    return "float32", f"float32 (compute capability {shown} < 7.0: no tensor cores)"


def cluster_of(tf_config):
    """The cluster described by a TF_CONFIG string, or None when there is none.

    Returns ``(cluster, task)`` with ``cluster`` mapping job name to addresses.

    >>> cluster_of('{"cluster": {"worker": ["a:1", "b:2"]}, "task": {"type": "worker", "index": 0}}')[0]
    {'worker': ['a:1', 'b:2']}
    """
    if not tf_config:
        return None
    try:
        parsed = json.loads(tf_config)
    except json.JSONDecodeError as error:
        raise ValueError(
            f"TF_CONFIG should be JSON like "
            f'{{"cluster": {{"worker": ["host:port", ...]}}, "task": {{"type": "worker", "index": 0}}}}, '
            f"got {tf_config[:80]!r} ({error.msg})."
        ) from None
    cluster = parsed.get("cluster") or {}
    if not isinstance(cluster, dict):
        raise ValueError(f"TF_CONFIG's cluster should be a dict of job -> addresses, got {cluster!r}.")
    return cluster, parsed.get("task") or {}


def choose_strategy(gpus, logical_cpus=1, tf_config=None):
    """Pick the distribution strategy: ``(kind, devices, reason)``.

    - a TF_CONFIG cluster with more than one task: MultiWorkerMirroredStrategy;
    - several GPUs: MirroredStrategy over them;
    - no GPU but the CPU split into several logical devices (practice for
      multi-device training on a laptop): MirroredStrategy over those;
    - otherwise the default strategy (one device).

    >>> choose_strategy([DeviceInfo("GPU:0", "GPU"), DeviceInfo("GPU:1", "GPU")])[0]
    'mirrored'
    """
    described = cluster_of(tf_config)
    if described is not None:
        cluster, _ = described
        tasks = sum(len(addresses) for job, addresses in cluster.items() if job in ("chief", "worker"))
        if tasks > 1:
            return MULTI_WORKER, (), (f"MultiWorkerMirroredStrategy (TF_CONFIG describes {tasks} workers)")
    gpus = [device for device in gpus if device.kind == "GPU"]
    if len(gpus) > 1:
        names = tuple(device.name for device in gpus)
        return MIRRORED, names, f"MirroredStrategy over {len(gpus)} GPUs"
    if len(gpus) == 1:
        return DEFAULT, (gpus[0].name,), "default strategy (one GPU)"
    if logical_cpus > 1:
        names = tuple(f"CPU:{index}" for index in range(logical_cpus))
        return MIRRORED, names, f"MirroredStrategy over {logical_cpus} logical CPU devices"
    return DEFAULT, ("CPU:0",), "default strategy (one CPU device)"


def make_plan(devices, logical_cpus=1, tf_config=None, precision="auto"):
    """All decisions at once, from device descriptions only.

    >>> make_plan([DeviceInfo("CPU:0", "CPU")]).strategy
    'default'
    """
    gpus = [device for device in devices if device.kind == "GPU"]
    policy, policy_reason = choose_precision(gpus, precision)
    kind, strategy_devices, strategy_reason = choose_strategy(gpus, logical_cpus, tf_config)
    return Plan(
        memory_growth=plan_memory_growth(gpus),
        precision=policy,
        precision_reason=policy_reason,
        strategy=kind,
        strategy_devices=strategy_devices,
        strategy_reason=strategy_reason,
    )


def apply_memory_growth(gpus, set_memory_growth):
    """Turn on memory growth for each GPU; returns one note per GPU.

    ``set_memory_growth`` is ``tf.config.experimental.set_memory_growth``. It
    raises RuntimeError once TensorFlow has initialised the GPUs; the note then
    says that it came too late and what to do.
    """
    notes = {}
    for gpu in gpus:
        try:
            set_memory_growth(gpu, True)
            notes[gpu] = "memory growth on"
        except RuntimeError:
            notes[gpu] = "memory growth " + _TOO_LATE
    return notes


@dataclass
class Setup:
    """What :func:`setup` returns: the strategy, its scope and the report.

    Attributes
    ----------
    strategy : tf.distribute.Strategy
    plan : Plan
    devices : list of DeviceInfo
    report : str
    seed : int or None
    deterministic : bool
    worker_index : int
        This process's index among the workers (0 unless multi-worker).
    is_chief : bool
        True for the worker that writes shared files (checkpoints).
    """

    strategy: object
    plan: Plan
    devices: list
    report: str
    seed: int | None = None
    deterministic: bool = False
    worker_index: int = 0
    is_chief: bool = True
    notes: list = field(default_factory=list)

    def scope(self):
        """The strategy's scope: build and compile models inside it."""
        return self.strategy.scope()

    @property
    def replicas(self):
        """Number of model copies trained in step (devices times workers)."""
        return self.strategy.num_replicas_in_sync

    def __str__(self):
        return self.report

    def _repr_pretty_(self, printer, cycle):
        printer.text(self.report)


class _Machine:
    """What this process knows about its machine, and the setup in force.

    TensorFlow fixes its devices once per process (memory growth and logical
    devices cannot change afterwards), so the probe is read once and kept here,
    with the last :class:`Setup` and whether deterministic ops were turned on
    (they cannot be turned off). ``reset()`` forgets it all (for tests).
    """

    def __init__(self):
        self.reset()

    def reset(self):
        self.physical = None  # tf.config PhysicalDevice objects of the GPUs
        self.devices = None  # DeviceInfo records, as probed
        self.logical_cpus = 1
        self.growth = None  # GPU name -> memory growth note, once applied
        self.devices_with_memory = None  # devices with GPU memory filled in
        self.deterministic = False
        self.setup = None  # the last Setup made by setup()


#: The one record of this process's machine.
_machine = _Machine()


def _probe():
    """Physical devices and their details, read once per process."""
    if _machine.devices is None:
        _machine.physical, _machine.devices, _machine.logical_cpus = _read_devices()
    return _machine.physical, _machine.devices, _machine.logical_cpus


def _read_devices():
    import tensorflow as tf

    physical = tf.config.list_physical_devices("GPU")
    devices = []
    for index, gpu in enumerate(physical):
        try:
            details = tf.config.experimental.get_device_details(gpu)
        except Exception:  # details are a nicety: an odd driver must not stop setup
            details = {}
        devices.append(
            DeviceInfo(
                name=f"GPU:{index}",
                kind="GPU",
                description=details.get("device_name", ""),
                compute_capability=details.get("compute_capability"),
            )
        )
    cpus = tf.config.list_physical_devices("CPU")
    logical = tf.config.get_logical_device_configuration(cpus[0]) if cpus else None
    logical_cpus = len(logical) if logical else 1
    split = f", split into {logical_cpus} logical devices" if logical_cpus > 1 else ""
    devices.append(DeviceInfo(name="CPU:0", kind="CPU", description=f"{cpu_threads()} threads{split}"))
    return physical, devices, logical_cpus


def cpu_threads():
    """CPU threads this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _gpu_memory(devices):
    """Fill in GPU memory sizes once the runtime is up (memory growth applied)."""
    if not any(device.kind == "GPU" for device in devices):
        return devices
    try:
        from tensorflow.python.client import device_lib

        limits = [d.memory_limit for d in device_lib.list_local_devices() if d.device_type == "GPU"]
    except Exception:  # memory is only reported, never decided on
        return devices
    gpus = [device for device in devices if device.kind == "GPU"]
    filled = [
        DeviceInfo(gpu.name, gpu.kind, gpu.description, limit, gpu.compute_capability)
        for gpu, limit in zip(gpus, limits)
    ] + gpus[len(limits) :]
    return filled + [device for device in devices if device.kind != "GPU"]


def _make_strategy(plan):
    import tensorflow as tf

    if plan.strategy == MULTI_WORKER:
        from kit.training.multi_worker import KerasReadyMultiWorkerStrategy

        return KerasReadyMultiWorkerStrategy()
    if plan.strategy == MIRRORED:
        return tf.distribute.MirroredStrategy(devices=[f"/{name}" for name in plan.strategy_devices])
    return tf.distribute.get_strategy()


def _worker_role(tf_config):
    """(index, is_chief) of this process in a TF_CONFIG cluster."""
    described = cluster_of(tf_config)
    if described is None:
        return 0, True
    cluster, task = described
    kind, index = task.get("type", "worker"), int(task.get("index", 0))
    if kind == "chief":
        return 0, True
    offset = len(cluster.get("chief", []))
    return index + offset, kind == "worker" and index == 0 and not cluster.get("chief")


def _format_bytes(count):
    return f"{count / 2**30:.1f} GiB" if count else "memory unknown"


def format_report(devices, plan, growth_notes, seed, deterministic, notes=()):
    """The text :func:`setup` prints."""
    lines = ["kit.setup"]
    for device in devices:
        if device.kind == "CPU":
            lines.append(f"  CPU        {device.description}")
    for device in devices:
        if device.kind != "GPU":
            continue
        capability = ".".join(map(str, device.compute_capability)) if device.compute_capability else "?"
        lines.append(
            f"  {device.name:<10} {device.description or 'GPU'} ({_format_bytes(device.memory_bytes)}, "
            f"compute capability {capability}); {growth_notes.get(device.name, 'memory growth off')}"
        )
    if not any(device.kind == "GPU" for device in devices):
        lines.append("  GPU        none: training runs on the CPU")
    lines.append(f"  precision  {plan.precision_reason}")
    lines.append(f"  strategy   {plan.strategy_reason}")
    if seed is None:
        lines.append("  seed       none (runs differ; kit.setup(seed=0) makes them repeat)")
    else:
        lines.append(f"  seed       {seed}" + (", deterministic ops" if deterministic else ""))
    lines.append(f"  runs       ./{RUNS_DIR}/<model name>-<fingerprint> (kit.train(run_dir=...) changes it)")
    lines.extend(f"  note       {note}" for note in notes)
    return "\n".join(lines)


def setup(seed=None, precision="auto", deterministic=False, *, verbose=True):
    """Probe the devices once, apply the choices and report them.

    Parameters
    ----------
    seed : int, optional
        Seeds Python, NumPy, TensorFlow and Keras so runs repeat.
    precision : {"auto", "float32", "mixed_float16", "mixed_bfloat16"}
        ``"auto"`` picks mixed precision on GPUs that profit from it.
    deterministic : bool
        Also make TensorFlow's ops deterministic (slower; needs a seed, 0 if
        none is given). Once on, it stays on until the process ends.
    verbose : bool
        Print the report.

    Returns
    -------
    Setup
        ``.strategy``, ``.scope()``, ``.report``.

    Used first in every training notebook. Call it before building models: the
    precision policy applies to layers created afterwards, and memory growth only
    to GPUs TensorFlow has not touched yet.

    Example
    -------
    >>> env = setup(seed=0, verbose=False)          # doctest: +SKIP
    >>> env.strategy.num_replicas_in_sync           # doctest: +SKIP
    1
    """
    _check_setup_arguments(seed, deterministic)
    from kit.quiet import import_keras_quietly

    keras = import_keras_quietly()  # TensorFlow's start-up lines would land in the notebook
    tf_config = os.environ.get("TF_CONFIG")
    _, devices, logical_cpus = _probe()
    plan = make_plan(devices, logical_cpus, tf_config, precision)
    growth = _memory_growth()
    strategy = _strategy_for(plan)
    devices = _devices_with_memory()
    keras.mixed_precision.set_global_policy(plan.precision)
    seed, notes = _seed_and_determinism(keras, seed, deterministic)

    worker_index, is_chief = _worker_role(tf_config)
    report = format_report(devices, plan, growth, seed, deterministic, notes)
    result = Setup(
        strategy=strategy,
        plan=plan,
        devices=devices,
        report=report,
        seed=seed,
        deterministic=deterministic,
        worker_index=worker_index,
        is_chief=is_chief,
        notes=notes,
    )
    _machine.setup = result
    if verbose:
        print(report)
    return result


def _check_setup_arguments(seed, deterministic):
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or seed < 0):
        raise TypeError(f"seed should be a non-negative int or None, got {seed!r}.")
    if not isinstance(deterministic, bool):
        raise TypeError(f"deterministic should be True or False, got {deterministic!r}.")


def _memory_growth():
    """Memory growth turned on for every GPU, once per process; GPU name -> note."""
    if _machine.growth is None:
        import tensorflow as tf

        physical = _probe()[0]
        names = {gpu: f"GPU:{index}" for index, gpu in enumerate(physical)}
        raw = apply_memory_growth(physical, tf.config.experimental.set_memory_growth)
        _machine.growth = {names[gpu]: note for gpu, note in raw.items()}
    return _machine.growth


def _strategy_for(plan):
    """The strategy of the last setup when the plan picks the same one, else a new one.

    Models built under the last strategy keep working with the new setup.
    """
    last = _machine.setup
    if last is not None and (last.plan.strategy, last.plan.strategy_devices) == (
        plan.strategy,
        plan.strategy_devices,
    ):
        return last.strategy
    return _make_strategy(plan)


def _devices_with_memory():
    if _machine.devices_with_memory is None:
        _machine.devices_with_memory = _gpu_memory(_probe()[1])
    return _machine.devices_with_memory


def _seed_and_determinism(keras, seed, deterministic):
    """Seed everything and turn deterministic ops on if asked; returns ``(seed, notes)``."""
    import tensorflow as tf

    notes = []
    if deterministic and seed is None:
        seed = 0
        notes.append("deterministic=True needs a seed: using seed=0")
    if seed is not None:
        keras.utils.set_random_seed(seed)
    if deterministic:
        tf.config.experimental.enable_op_determinism()
    elif _machine.deterministic:
        notes.append("deterministic ops stay on until the process restarts")
    _machine.deterministic = _machine.deterministic or deterministic
    return seed, notes


def current_setup():
    """The last :func:`setup` of this process, making a quiet one if none was made."""
    return _machine.setup or setup(verbose=False)


def fresh_seed():
    """A seed for a run that was not given one (stored with the run so it resumes)."""
    return random.SystemRandom().randrange(2**31)

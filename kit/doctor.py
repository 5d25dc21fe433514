"""``kit doctor``: is this machine ready for the course? Each problem comes with its fix.

Checks Python, TensorFlow and Keras against the kit's pins, the devices ``kit.setup`` sees,
Graphviz (for ``plot_model``, which the course compares with ``kit.draw``), the memory left
(a notebook peaks under 1.5 GB; Binder gives 2 GB) and whether the live graph widget renders.
Each check is a small function of plain values, so it can be tested with made-up inputs.

Example
-------
>>> print(format_findings([Finding("Python", OK, "3.11.7")]))  # doctest: +SKIP
kit doctor: everything is ready
"""

from __future__ import annotations

import json
import platform
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "CGROUP_MEMORY_FILES",
    "COMFORTABLE_BYTES",
    "Finding",
    "MARKS",
    "NOTEBOOK_PEAK_BYTES",
    "WIDGET_MANAGER_FOR_IPYWIDGETS",
    "available_memory",
    "check_devices",
    "check_graphviz",
    "check_memory",
    "check_version",
    "check_widgets",
    "examine",
    "format_findings",
    "gpu_driver_present",
    "graphviz_versions",
    "installed_version",
    "wanted_range",
    "widget_manager_version",
]

OK, NOTE, PROBLEM = "ok", "note", "problem"
MARKS = {OK: "✓", NOTE: "!", PROBLEM: "✗"}
#: Peak memory of the heaviest course notebook: each stays under it to fit Binder's 2 GB.
NOTEBOOK_PEAK_BYTES = int(1.5 * 2**30)
#: Below this a second kernel would not fit beside the first.
COMFORTABLE_BYTES = 3 * 2**30
#: cgroup files (limit, usage) of v2 then v1: a container's share, which psutil does not see.
CGROUP_MEMORY_FILES = (
    ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory.current"),
    ("/sys/fs/cgroup/memory/memory.limit_in_bytes", "/sys/fs/cgroup/memory/memory.usage_in_bytes"),
)
#: Major version of JupyterLab's widget manager extension that renders each ipywidgets major.
WIDGET_MANAGER_FOR_IPYWIDGETS = {7: 3, 8: 5}


@dataclass(frozen=True)
class Finding:
    """One line of ``kit doctor``: what was checked, how it stands, and how to fix it.

    Example
    -------
    >>> print(Finding("Graphviz", NOTE, "not found", "apt-get install graphviz"))
      ! Graphviz     not found
          fix: apt-get install graphviz
    """

    topic: str
    status: str
    detail: str
    fix: str = ""

    def __str__(self):
        line = f"  {MARKS[self.status]} {self.topic:<12} {self.detail}"
        return line + (f"\n      fix: {self.fix}" if self.fix else "")


def format_findings(findings) -> str:
    """The report ``kit doctor`` prints: a headline, then one line per finding."""
    problems = sum(finding.status == PROBLEM for finding in findings)
    notes = sum(finding.status == NOTE for finding in findings)
    if problems:
        headline = f"kit doctor: {problems} problem{'s' if problems > 1 else ''} found, each with its fix"
    elif notes:
        headline = "kit doctor: no problem; see the notes marked !"
    else:
        headline = "kit doctor: no problem found"
    return "\n".join([headline, *map(str, findings)])


def _pip(requirement: str) -> str:
    return f"{sys.executable} -m pip install '{requirement}'"


def wanted_range(name: str) -> str:
    """The version range the installed kit asks for ``name`` (e.g. ``'<2.22,>=2.21'``), or ''."""
    from importlib import metadata

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    try:
        requires = metadata.requires("kit") or []
    except metadata.PackageNotFoundError:
        return ""
    for text in requires:
        requirement = Requirement(text)
        if canonicalize_name(requirement.name) == canonicalize_name(name) and requirement.marker is None:
            lower_first = sorted(map(str, requirement.specifier), key=lambda part: not part.startswith(">"))
            return ",".join(lower_first)
    return ""


def installed_version(distribution: str):
    """The installed version of a distribution, or None."""
    from importlib import metadata

    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def check_version(topic: str, installed, wanted: str, fix: str) -> Finding:
    """Compare an installed version with the range the kit wants.

    Example
    -------
    >>> check_version("Keras", "3.9.0", ">=3.15,<3.16", "pip install 'keras>=3.15,<3.16'").status
    'problem'
    """
    from packaging.specifiers import SpecifierSet

    if installed is None:
        return Finding(topic, PROBLEM, f"not installed (kit needs {wanted or 'it'})", fix)
    if wanted and not SpecifierSet(wanted).contains(installed, prereleases=True):
        return Finding(topic, PROBLEM, f"{installed}, but kit needs {wanted}", fix)
    return Finding(topic, OK, installed + (f" (kit needs {wanted})" if wanted else ""))


def gpu_driver_present() -> bool:
    """Whether an NVIDIA driver is installed, whatever TensorFlow sees."""
    return shutil.which("nvidia-smi") is not None or Path("/proc/driver/nvidia/version").exists()


def check_devices(devices, driver_present: bool, choices: str = "") -> Finding:
    """Describe what ``kit.setup`` found; a GPU that TensorFlow misses is a problem.

    ``devices`` are :class:`kit.training.devices.DeviceInfo` records.

    Example
    -------
    >>> from kit.training.devices import DeviceInfo
    >>> check_devices([DeviceInfo("CPU:0", "CPU", "8 threads")], driver_present=True).status
    'problem'
    """
    gpus = [device for device in devices if device.kind == "GPU"]
    cpus = [device for device in devices if device.kind == "CPU"]
    cpu = f"CPU ({cpus[0].description})" if cpus and cpus[0].description else "CPU"
    tail = f"; kit.setup() picks {choices}" if choices else ""
    if gpus:
        names = ", ".join(f"{gpu.name} {gpu.description or 'GPU'}" for gpu in gpus)
        return Finding("devices", OK, f"{names} and {cpu}{tail}")
    if driver_present:
        return Finding(
            "devices",
            PROBLEM,
            f"{cpu} only: an NVIDIA driver is installed but TensorFlow sees no GPU",
            _pip(f"tensorflow[and-cuda]{wanted_range('tensorflow')}")
            + " (the kit's gpu extra), then restart the kernel",
        )
    return Finding("devices", OK, f"{cpu}, no GPU: training runs on the CPU{tail}")


def graphviz_versions():
    """``(dot_version, pydot_version)``; None for what is missing."""
    dot, version = shutil.which("dot"), None
    if dot:
        try:
            answer = subprocess.run([dot, "-V"], capture_output=True, text=True, timeout=20)
        except (OSError, subprocess.TimeoutExpired):
            answer = None
        if answer is not None and answer.returncode == 0:
            words = (answer.stderr + answer.stdout).split()
            version = words[words.index("version") + 1] if "version" in words else "unknown version"
    return version, installed_version("pydot")


def check_graphviz(dot_version, pydot_version) -> Finding:
    """Graphviz is only needed by ``keras.utils.plot_model`` (kit.draw does without it).

    Example
    -------
    >>> check_graphviz(None, "4.0.1").status
    'note'
    """
    missing = []
    if dot_version is None:
        missing.append(
            (
                "Graphviz's dot program",
                "apt-get install graphviz (Debian, Ubuntu), brew install graphviz (macOS) "
                "or conda install graphviz; on Binder, binder/apt.txt installs it",
            )
        )
    if pydot_version is None:
        missing.append(("pydot", _pip("pydot>=2")))
    if missing:
        what = " and ".join(name for name, _ in missing)
        return Finding(
            "Graphviz",
            NOTE,
            f"{what} missing: keras.utils.plot_model cannot draw (kit.draw does not need them)",
            "; ".join(fix for _, fix in missing),
        )
    return Finding(
        "Graphviz", OK, f"dot {dot_version} and pydot {pydot_version}: keras.utils.plot_model draws"
    )


def available_memory():
    """``(bytes, where)``: the smaller of the machine's free memory and the container's share."""
    import psutil

    machine = psutil.virtual_memory()
    best = (machine.available, "free on this machine")
    for limit_file, usage_file in CGROUP_MEMORY_FILES:
        try:
            limit_text = Path(limit_file).read_text().strip()
            usage = int(Path(usage_file).read_text().strip())
        except (OSError, ValueError):
            continue
        if limit_text.isdigit() and int(limit_text) < machine.total:
            limit = int(limit_text)
            left = max(limit - usage, 0)
            if left < best[0]:
                best = (left, f"left of this container's {_gib(limit)} limit")
        break
    return best


def _gib(count) -> str:
    return f"{count / 2**30:.1f} GiB"


def check_memory(available: int, where: str = "available") -> Finding:
    """Is there room for the heaviest notebook (1.5 GiB)?

    Example
    -------
    >>> check_memory(2**30).status
    'problem'
    """
    detail = f"{_gib(available)} {where}; the heaviest notebook needs {_gib(NOTEBOOK_PEAK_BYTES)}"
    if available < NOTEBOOK_PEAK_BYTES:
        return Finding(
            "memory",
            PROBLEM,
            detail,
            "shut down the kernels you no longer use (JupyterLab: Kernel > Shut Down All Kernels), "
            "close other programs, or ask for a server with at least 2 GB",
        )
    if available < COMFORTABLE_BYTES:
        return Finding(
            "memory",
            NOTE,
            detail + ": one notebook at a time",
            "shut down each notebook's kernel before opening the next (Kernel > Shut Down Kernel)",
        )
    return Finding("memory", OK, detail)


def widget_manager_version():
    """Version of JupyterLab's widget manager extension (what draws ipywidgets), or None."""
    from jupyter_core.paths import jupyter_path

    for folder in jupyter_path("labextensions"):
        package = Path(folder) / "@jupyter-widgets" / "jupyterlab-manager" / "package.json"
        try:
            return json.loads(package.read_text(encoding="utf-8"))["version"]
        except (OSError, ValueError, KeyError):
            continue
    return None


def check_widgets(ipywidgets_version, jupyterlab_version, manager_version, live_error=None) -> Finding:
    """Can JupyterLab render the kit's widgets?

    ``live_error`` is what went wrong drawing a live graph without a browser
    (None when it drew).

    Example
    -------
    >>> check_widgets("8.1.7", "4.4.0", None).status
    'problem'
    """
    restart = ", then restart JupyterLab and reload the page"
    if jupyterlab_version is None:
        return Finding(
            "widgets", PROBLEM, "JupyterLab is not installed", _pip(f"jupyterlab{wanted_range('jupyterlab')}")
        )
    if ipywidgets_version is None:
        return Finding(
            "widgets",
            PROBLEM,
            "ipywidgets is not installed",
            _pip(f"ipywidgets{wanted_range('ipywidgets')}") + restart,
        )
    if manager_version is None:
        return Finding(
            "widgets",
            PROBLEM,
            "JupyterLab has no widget manager extension: widgets would show as text only",
            _pip("jupyterlab_widgets") + restart,
        )
    widgets_major, manager_major = int(ipywidgets_version.split(".")[0]), int(manager_version.split(".")[0])
    if WIDGET_MANAGER_FOR_IPYWIDGETS.get(widgets_major) != manager_major:
        return Finding(
            "widgets",
            PROBLEM,
            f"ipywidgets {ipywidgets_version} cannot be drawn by JupyterLab's widget manager "
            f"{manager_version}",
            _pip(f"ipywidgets{wanted_range('ipywidgets')}") + " jupyterlab_widgets --upgrade" + restart,
        )
    if live_error is not None:
        return Finding(
            "widgets",
            PROBLEM,
            f"the live graph cannot draw: {live_error}",
            f"{sys.executable} -m pip install --force-reinstall matplotlib ipywidgets" + restart,
        )
    return Finding(
        "widgets",
        OK,
        f"ipywidgets {ipywidgets_version}, JupyterLab {jupyterlab_version} with widget manager "
        f"{manager_version}; the live graph draws",
    )


def examine() -> list:
    """Run every check of ``kit doctor``; memory first, before TensorFlow takes its share."""
    memory = check_memory(*available_memory())
    python = check_version(
        "Python",
        platform.python_version(),
        _requires_python(),
        "install Python 3.11 or newer, then rerun ./scripts/install with PYTHON=/path/to/python3.11",
    )
    graphviz = check_graphviz(*graphviz_versions())
    tensorflow, keras, devices = _check_tensorflow()
    widgets = check_widgets(
        installed_version("ipywidgets"),
        installed_version("jupyterlab"),
        widget_manager_version(),
        _live_graph_error(),
    )
    return [python, tensorflow, keras, devices, graphviz, memory, widgets]


def _requires_python() -> str:
    from importlib import metadata

    try:
        return metadata.metadata("kit")["Requires-Python"] or ""
    except metadata.PackageNotFoundError:
        return ""


def _check_tensorflow():
    """Findings for TensorFlow, Keras and the devices ``kit.setup`` sees."""
    findings = []
    for topic, name in (("TensorFlow", "tensorflow"), ("Keras", "keras")):
        wanted = wanted_range(name)
        findings.append(check_version(topic, installed_version(name), wanted, _pip(f"{name}{wanted}")))
    try:
        from kit.quiet import import_keras_quietly

        import_keras_quietly()
        from kit.training.devices import setup

        environment = setup(verbose=False)
    except Exception as error:  # reported, with the fix, rather than a traceback
        wanted = wanted_range("tensorflow")
        devices = Finding(
            "devices",
            PROBLEM,
            f"not probed: TensorFlow fails to start ({type(error).__name__}: {error})",
            f"{sys.executable} -m pip install --force-reinstall 'tensorflow{wanted}'",
        )
        return (*findings, devices)
    choices = f"{environment.plan.strategy_reason}, {environment.plan.precision_reason}"
    return (*findings, check_devices(environment.devices, gpu_driver_present(), choices))


def _live_graph_error():
    """None when the live graph draws a small model (without a browser), else what failed."""
    try:
        from kit.live_graph.widget import LiveGraph
        from kit.quiet import import_keras_quietly

        keras = import_keras_quietly()
        with LiveGraph(ipython=False) as graph:
            pixels = keras.Input((4,), name="doctor_pixels")
            keras.layers.Dense(2, name="doctor_dense")(pixels)
    except Exception as error:  # reported, with the fix, rather than a traceback
        return f"{type(error).__name__}: {error}"
    if graph.state.errors:
        return graph.state.errors[-1].splitlines()[0]
    if not graph.last_png.startswith(b"\x89PNG") or graph.image.value != graph.last_png:
        return "it produced no picture"
    return None

"""The checks of ``kit doctor``, each fed made-up values (fake GPUs named as such)."""

import json
import sys
from pathlib import Path

from kit import doctor
from kit.training.devices import DeviceInfo


def test_check_version_outside_the_range_gives_the_pip_command():
    finding = doctor.check_version("Keras", "3.9.0", ">=3.15,<3.16", doctor._pip("keras>=3.15,<3.16"))
    assert finding.status == doctor.PROBLEM
    assert "3.9.0, but kit needs >=3.15,<3.16" in finding.detail
    assert finding.fix.endswith("-m pip install 'keras>=3.15,<3.16'")
    assert doctor.check_version("Keras", "3.15.1", ">=3.15,<3.16", "").status == doctor.OK
    assert doctor.check_version("Keras", None, ">=3.15,<3.16", "x").status == doctor.PROBLEM


def test_wanted_range_reads_the_installed_kit_metadata():
    assert doctor.wanted_range("tensorflow") == ">=2.21,<2.22"
    assert doctor.wanted_range("no-such-package") == ""


def test_memory_thresholds():
    assert doctor.check_memory(int(1.2 * 2**30)).status == doctor.PROBLEM
    assert "Shut Down All Kernels" in doctor.check_memory(int(1.2 * 2**30)).fix
    assert doctor.check_memory(2 * 2**30).status == doctor.NOTE
    assert doctor.check_memory(8 * 2**30).status == doctor.OK
    available, where = doctor.available_memory()
    import psutil

    assert 0 < available <= psutil.virtual_memory().total and where


def test_gpu_driver_without_tensorflow_gpu_on_fake_devices():
    cpu_only = [DeviceInfo("CPU:0", "CPU", "8 threads")]
    missing = doctor.check_devices(cpu_only, driver_present=True)
    assert missing.status == doctor.PROBLEM and "tensorflow[and-cuda]>=2.21,<2.22" in missing.fix
    assert doctor.check_devices(cpu_only, driver_present=False).status == doctor.OK
    gpus = [DeviceInfo("GPU:0", "GPU", "NVIDIA T4", compute_capability=(7, 5)), *cpu_only]
    found = doctor.check_devices(gpus, driver_present=True, choices="default strategy (one GPU)")
    assert found.status == doctor.OK and "GPU:0 NVIDIA T4" in found.detail


def test_widget_checks():
    assert (
        doctor.widget_manager_version()
        == json.loads(
            (
                Path(sys.prefix)
                / "share/jupyter/labextensions/@jupyter-widgets/jupyterlab-manager/package.json"
            ).read_text()
        )["version"]
    )
    assert doctor.check_widgets("8.1.7", "4.4.0", "5.0.13").status == doctor.OK
    missing = doctor.check_widgets("8.1.7", "4.4.0", None)
    assert missing.status == doctor.PROBLEM and "restart JupyterLab" in missing.fix
    assert doctor.check_widgets("7.8.1", "4.4.0", "5.0.13").status == doctor.PROBLEM
    assert doctor.check_widgets(None, "4.4.0", "5.0.13").status == doctor.PROBLEM
    assert doctor.check_widgets("8.1.7", "4.4.0", "5.0.13", live_error="no image").status == doctor.PROBLEM


def test_report_headline_counts_problems():
    findings = [
        doctor.Finding("memory", doctor.PROBLEM, "0.5 GiB", "close kernels"),
        doctor.Finding("Graphviz", doctor.NOTE, "missing", "apt-get install graphviz"),
        doctor.Finding("Python", doctor.OK, "3.11.7"),
    ]
    report = doctor.format_findings(findings)
    assert report.splitlines()[0] == "kit doctor: 1 problem found, each with its fix"
    assert "  ✗ memory" in report and "      fix: close kernels" in report
    assert doctor.format_findings(findings[1:]).startswith("kit doctor: no problem; see the notes")

"""Start a real JupyterLab for a test and stop it for sure; open Debian's Chromium on it.

Used by tests/test_browser.py (JupyterLab in headless Chromium) and
tests/test_cli.py (``kit lab``). Every wait is bounded.

Example
-------
>>> with jupyterlab(root) as lab:                        # doctest: +SKIP
...     lab.api("/api/status")["started"]
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
    "--disable-dev-shm-usage",
)
#: Where screenshots go (git-ignored); CI keeps them as artifacts.
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def running_as_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


@dataclass
class Server:
    """A JupyterLab process started by :func:`jupyterlab` or :func:`serve`."""

    process: subprocess.Popen
    url: str
    token: str
    runtime_dir: Path
    log_path: Path

    def api(self, path: str, timeout: float = 10):
        """GET a server API path with the token; the decoded JSON answer."""
        request = urllib.request.Request(self.url + path, headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return json.loads(answer.read().decode())

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def lab_url(self, path: str, workspace: str | None = None) -> str:
        """Address of a file of the root folder in JupyterLab, token included.

        A new ``workspace`` name gives a JupyterLab with only that file open
        (the default workspace also reopens what earlier pages left open).
        """
        where = f"workspaces/{workspace}/tree" if workspace else "tree"
        return f"{self.url}/lab/{where}/{path}?token={self.token}"


def jupyterlab_command(root: Path, port: int) -> list:
    """``jupyter lab`` bound to 127.0.0.1:port, serving ``root``, with no browser of its own."""
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--ServerApp.root_dir={root}",
    ]
    if running_as_root():
        command.append("--allow-root")  # CI runs as root; JupyterLab refuses it otherwise
    return command


@contextlib.contextmanager
def serve(command, port: int, *, cwd=None, environment=None, timeout: float = 120):
    """Run a command that starts a Jupyter server on ``port``; yield it once it answers.

    The token comes in ``JUPYTER_TOKEN``, the runtime files go to a fresh
    folder, and the process group is terminated (then killed) on the way out.
    """
    token = secrets.token_hex(16)
    with tempfile.TemporaryDirectory(prefix="kit-jupyter-") as scratch:
        scratch = Path(scratch)
        env = dict(os.environ if environment is None else environment)
        # A fresh runtime and config folder: no saved workspace or user setting leaks in.
        env.update(
            JUPYTER_TOKEN=token,
            JUPYTER_RUNTIME_DIR=str(scratch / "runtime"),
            JUPYTER_CONFIG_DIR=str(scratch / "config"),
            TF_CPP_MIN_LOG_LEVEL="3",
        )
        env.setdefault("KIT_HOME", str(scratch / "kit-home"))
        _quiet_lab_settings(scratch / "config")
        log_path = scratch / "server.log"
        with open(log_path, "wb") as log:
            process = subprocess.Popen(
                command,
                cwd=cwd,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        server = Server(process, f"http://127.0.0.1:{port}", token, scratch / "runtime", log_path)
        try:
            _wait_until_ready(server, timeout)
            yield server
        finally:
            _stop(process)


@contextlib.contextmanager
def jupyterlab(root: Path, timeout: float = 120):
    """JupyterLab on a free port of 127.0.0.1, serving ``root``, token authentication on."""
    port = free_port()
    with serve(jupyterlab_command(root, port), port, cwd=root, timeout=timeout) as server:
        yield server


def _quiet_lab_settings(config_dir: Path):
    """JupyterLab settings for tests: no news or update pop-up over the notebook."""
    settings = config_dir / "lab" / "user-settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text(
        json.dumps({"checkForUpdates": False, "fetchNews": "false"})
    )


def _wait_until_ready(server: Server, timeout: float):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"JupyterLab exited with {server.process.returncode}:\n{server.log()[-4000:]}")
        try:
            server.api("/api/status", timeout=2)
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError, ValueError):
            time.sleep(0.5)
    raise TimeoutError(f"JupyterLab did not answer within {timeout} s:\n{server.log()[-4000:]}")


def _stop(process: subprocess.Popen, grace: float = 15):
    """Terminate the server's process group (server and kernels); kill what lingers."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(grace)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)  # kernels the server left behind
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(5)


@contextlib.contextmanager
def chromium_page(width: int = 1400, height: int = 1000):
    """A page of headless Debian Chromium driven by Playwright (no browser download)."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="kit-chromium-") as profile, sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            profile,
            executable_path=str(CHROMIUM),
            headless=True,
            args=list(CHROMIUM_FLAGS),
            viewport={"width": width, "height": height},
        )
        try:
            page = context.pages[0] if context.pages else context.new_page()
            yield page
        finally:
            context.close()

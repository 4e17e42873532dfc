"""The `reverie serve` process in the background, for the demo and the tests: start, wait healthy, stop."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from core.settings import REPO_ROOT, Settings
from infra.process import running_pid, start_daemon, stop_pid


def pidfile(settings: Settings) -> Path:
    return settings.data_dir / "reverie.pid"


def logfile(settings: Settings) -> Path:
    return settings.data_dir / "reverie.log"


def base_url(settings: Settings) -> str:
    return f"http://{settings.http_host}:{settings.http_port}"


def start(settings: Settings, timeout: float = 90.0) -> subprocess.Popen[bytes] | None:
    """Start `reverie serve` unless it runs; wait until its gateway answers. None if it already ran."""
    if running_pid(pidfile(settings)) is not None:
        wait_healthy(settings, timeout)
        return None
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, **settings.to_env(), "PYTHONUNBUFFERED": "1"}
    proc = start_daemon(
        [sys.executable, "-m", "infra.cli", "serve"], pidfile(settings), logfile(settings), env=env, cwd=REPO_ROOT
    )
    wait_healthy(settings, timeout, proc)
    return proc


def wait_healthy(settings: Settings, timeout: float, proc: subprocess.Popen[bytes] | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            tail = logfile(settings).read_text(errors="replace")[-3000:]
            raise RuntimeError(f"reverie serve exited with {proc.returncode}:\n{tail}")
        try:
            if httpx.get(base_url(settings) + "/healthz", timeout=1.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"the gateway did not answer within {timeout:.0f}s; see {logfile(settings)}")


def stop(settings: Settings) -> bool:
    return stop_pid(pidfile(settings), timeout=30.0)

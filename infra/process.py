"""Background services started by pid file: start once, find again, stop for sure."""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger("reverie.infra")


def port_open(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.3)
        return sock.connect_ex((host, port)) == 0


def wait_for_port(
    host: str, port: int, timeout: float, proc: subprocess.Popen[bytes] | None = None, log: Path | None = None
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if port_open(host, port):
            return
        if proc is not None and proc.poll() is not None:
            tail = log.read_text(errors="replace")[-2000:] if log and log.exists() else ""
            raise RuntimeError(f"process exited with {proc.returncode} before {host}:{port} opened\n{tail}")
        time.sleep(0.2)
    raise TimeoutError(f"{host}:{port} did not open within {timeout:.0f}s")


def running_pid(pidfile: Path) -> int | None:
    """The pid in ``pidfile`` if that process is still alive and still the one started, else None (and the stale
    file is removed)."""
    try:
        lines = pidfile.read_text().split("\n", 1)
        pid = int(lines[0].strip())
    except (FileNotFoundError, ValueError):
        return None
    if pid <= 0:  # os.kill(0 or -1, …) would signal our own process group, or every process we may
        pidfile.unlink(missing_ok=True)
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        pidfile.unlink(missing_ok=True)
        return None
    except PermissionError:
        # alive, and another user's: after a reboot most likely a system service on our old pid. Its command line
        # says whether it is ours (started with sudo), not a traceback that stops `reverie down` halfway.
        pass
    started = lines[1].strip() if len(lines) > 1 else ""
    if _is_zombie(pid) or (started and _command_of(pid) not in (None, started)):
        pidfile.unlink(missing_ok=True)
        return None
    if not started:
        # Written before pidfiles held the command: nothing tells the service from a program that got its pid since.
        # Leaving a service running is the lesser harm; the warning says what to stop by hand.
        log.warning("%s names pid %d but not its command: left alone; stop it if it is the service", pidfile, pid)
        pidfile.unlink(missing_ok=True)
        return None
    return pid


def _command_of(pid: int) -> str | None:
    """The process's command line, as start_daemon records it; None when it cannot be read."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().rstrip(b"\0").decode(errors="replace")
    except OSError:
        return None


def _is_zombie(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state == "Z"


def start_daemon(
    cmd: list[str], pidfile: Path, log: Path, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.Popen[bytes]:
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "ab") as out:
        # A new session keeps the service alive after the starting shell exits and lets stop() signal the group.
        proc = subprocess.Popen(
            cmd,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
            cwd=cwd,
            start_new_session=True,
        )
    # the command beside the pid: after a reboot the pid may belong to another program, which must not be stopped
    # (its start time cannot tell: a paused VM's uptime and wall clock disagree)
    pidfile.write_text(f"{proc.pid}\n" + "\0".join(cmd))
    return proc


def stop_pid(pidfile: Path, timeout: float = 20.0) -> bool:
    """Stop the process group in ``pidfile``: SIGTERM, then SIGKILL after ``timeout``. True if one was running."""
    pid = running_pid(pidfile)
    if pid is None:
        return False
    _signal_group(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if running_pid(pidfile) is None:
            break
        time.sleep(0.2)
    else:
        _signal_group(pid, signal.SIGKILL)
        time.sleep(0.5)
    pidfile.unlink(missing_ok=True)
    return True


def kill_pid(pidfile: Path) -> bool:
    """SIGKILL the process group in ``pidfile`` at once, as a crash or a power cut would end it. True if one ran."""
    pid = running_pid(pidfile)
    if pid is None:
        return False
    _signal_group(pid, signal.SIGKILL)
    deadline = time.monotonic() + 10.0
    while running_pid(pidfile) is not None and time.monotonic() < deadline:
        time.sleep(0.1)
    pidfile.unlink(missing_ok=True)
    return True


def _signal_group(pid: int, sig: signal.Signals) -> None:
    try:
        os.killpg(pid, sig)
    except (ProcessLookupError, PermissionError):
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            pass


@dataclass(frozen=True)
class Daemon:
    """A local service owned by one data folder: its pid file, its log, and the port that says it is up."""

    name: str
    home: Path
    host: str
    port: int

    @property
    def pidfile(self) -> Path:
        return self.home / f"{self.name}.pid"

    @property
    def logfile(self) -> Path:
        return self.home / f"{self.name}.log"

    def is_running(self) -> bool:
        return running_pid(self.pidfile) is not None

    def ensure(self, prepare: Callable[[], list[str]], timeout: float) -> bool:
        """Start unless running; ``prepare`` readies the folder and returns the command. True if started here."""
        if self.is_running():
            wait_for_port(self.host, self.port, timeout)
            return False
        if port_open(self.host, self.port):
            raise RuntimeError(f"{self.host}:{self.port} is taken by a process that is not this folder's {self.name}")
        self.home.mkdir(parents=True, exist_ok=True)
        proc = start_daemon(prepare(), self.pidfile, self.logfile)
        wait_for_port(self.host, self.port, timeout, proc, self.logfile)
        log.info("%s listening on %s:%d (pid %d)", self.name, self.host, self.port, proc.pid)
        return True

    def stop(self, timeout: float = 30.0) -> bool:
        return stop_pid(self.pidfile, timeout)

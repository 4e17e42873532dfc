"""Background processes by pid file, with real short-lived processes and real sockets on 127.0.0.1."""

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from infra.process import Daemon, port_open, running_pid, start_daemon, stop_pid, wait_for_port
from tests.conftest import free_port


def alive(pid: int) -> bool:
    """Running and not a zombie."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def group_members(pgid: int) -> list[int]:
    """The live processes of a process group."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            found.append(int(entry.name))
    return found


def wait_until(check, timeout: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


@pytest.fixture
def reap():
    """Processes a test started: killed and waited for whatever the test did."""
    procs: list[subprocess.Popen] = []
    yield procs
    for proc in procs:
        if proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                proc.kill()
        proc.wait(10)


def test_start_daemon_writes_the_pidfile_and_logs_output_in_a_session_of_its_own(tmp_path: Path, reap):
    pidfile, log = tmp_path / "svc.pid", tmp_path / "logs" / "svc.log"
    log.parent.mkdir()
    log.write_bytes(b"earlier run\n")
    proc = start_daemon(["sh", "-c", "echo out; echo err >&2; sleep 30"], pidfile, log)
    reap.append(proc)
    pid_line, command = pidfile.read_text().split("\n", 1)
    assert pid_line == str(proc.pid) and command.split("\0")[0] == "sh"  # the command, to tell a reused pid
    assert os.getpgid(proc.pid) == proc.pid != os.getpgid(0)  # a group of its own: stop_pid signals it whole
    assert os.getsid(proc.pid) == proc.pid
    wait_until(lambda: "err" in log.read_text())
    assert log.read_text().startswith("earlier run\nout\n")  # appended, stdout and stderr together
    assert running_pid(pidfile) == proc.pid


def test_start_daemon_passes_env_and_cwd_and_makes_the_log_folder(tmp_path: Path, reap):
    pidfile, log = tmp_path / "p.pid", tmp_path / "new" / "deeper" / "p.log"
    work = tmp_path / "work"
    work.mkdir()
    proc = start_daemon(["sh", "-c", 'echo "$GREETING $(pwd)"'], pidfile, log, env={"GREETING": "hi"}, cwd=work)
    reap.append(proc)
    assert proc.wait(10) == 0
    assert log.read_text().strip() == f"hi {work}"


def test_running_pid_without_a_file_or_with_garbage_is_none(tmp_path: Path):
    assert running_pid(tmp_path / "missing.pid") is None
    garbage = tmp_path / "garbage.pid"
    garbage.write_text("not a pid\n")
    assert running_pid(garbage) is None
    garbage.write_text("")
    assert running_pid(garbage) is None


def test_running_pid_reads_surrounding_whitespace(tmp_path: Path, reap):
    proc = subprocess.Popen(["sleep", "30"])
    reap.append(proc)
    pidfile = tmp_path / "p.pid"
    pidfile.write_text(f"  {proc.pid} \nsleep\x0030\n")
    assert running_pid(pidfile) == proc.pid
    assert pidfile.exists()


def test_a_pidfile_of_a_dead_process_is_stale_and_removed(tmp_path: Path):
    proc = subprocess.Popen(["true"])
    proc.wait(10)  # reaped: the pid names no process now
    pidfile = tmp_path / "dead.pid"
    pidfile.write_text(str(proc.pid))
    assert running_pid(pidfile) is None
    assert not pidfile.exists()


def test_a_pidfile_of_a_zombie_is_stale_and_removed(tmp_path: Path):
    proc = subprocess.Popen(["true"])
    wait_until(lambda: not alive(proc.pid))  # exited, not yet reaped: a zombie
    pidfile = tmp_path / "zombie.pid"
    pidfile.write_text(str(proc.pid))
    try:
        assert running_pid(pidfile) is None
        assert not pidfile.exists()
    finally:
        proc.wait(10)


def test_a_pidfile_whose_pid_was_reused_by_another_program_is_stale(tmp_path: Path, reap):
    stranger = subprocess.Popen(["sleep", "30"])  # it happens to get the old service's pid
    reap.append(stranger)
    pidfile = tmp_path / "old.pid"
    pidfile.write_text(f"{stranger.pid}\n" + "\0".join(["java", "-cp", "kafka.jar"]))  # what start_daemon wrote
    assert running_pid(pidfile) is None and not pidfile.exists()


@pytest.fixture
def stranger(reap) -> subprocess.Popen:
    """Another program that now holds a pid a pidfile names; a session of its own, so that a wrong stop could only
    ever reach it, never the test run."""
    proc = subprocess.Popen(["sleep", "60"], start_new_session=True)
    reap.append(proc)
    return proc


def test_stop_pid_never_signals_another_program_that_holds_the_stored_pid(tmp_path: Path, stranger):
    pidfile = tmp_path / "kafka.pid"
    pidfile.write_text(f"{stranger.pid}\n" + "\0".join(["java", "-cp", "kafka.jar"]))
    assert stop_pid(pidfile, timeout=1) is False
    assert not pidfile.exists()  # judged stale, not merely skipped
    time.sleep(0.2)  # a signal, had one been sent, would have landed by now
    assert stranger.poll() is None and alive(stranger.pid)


def test_a_daemon_stops_its_own_process_but_not_a_stranger_on_its_pid(tmp_path: Path, stranger):
    daemon = Daemon("web", tmp_path / "home", "127.0.0.1", free_port())
    daemon.home.mkdir()
    daemon.pidfile.write_text(f"{stranger.pid}\n" + "\0".join(http_server(daemon.port)))
    assert daemon.stop(timeout=1) is False
    time.sleep(0.2)
    assert stranger.poll() is None and alive(stranger.pid)


def test_a_stored_pid_now_held_by_another_users_program_is_stale_not_an_error(tmp_path: Path, stranger, monkeypatch):
    real_kill = os.kill

    def kill(pid: int, sig: int) -> None:
        if pid == stranger.pid:  # what a user who is not root meets on a root-owned process
            raise PermissionError(1, "Operation not permitted")
        real_kill(pid, sig)

    monkeypatch.setattr(os, "kill", kill)
    pidfile = tmp_path / "weed.pid"
    pidfile.write_text(f"{stranger.pid}\n" + "\0".join(["weed", "server"]))
    assert running_pid(pidfile) is None and not pidfile.exists()
    pidfile.write_text(f"{stranger.pid}\n" + "\0".join(stranger.args))  # the very command: alive, not stale
    assert running_pid(pidfile) == stranger.pid


def test_a_pidfile_without_the_command_cannot_tell_a_stranger_and_is_never_signalled(tmp_path: Path, stranger, caplog):
    pidfile = tmp_path / "reverie.pid"
    pidfile.write_text(f"{stranger.pid}\n")  # as written before pidfiles held the command
    assert stop_pid(pidfile, timeout=1) is False
    assert not pidfile.exists()
    assert f"names pid {stranger.pid} but not its command: left alone" in caplog.text  # what to stop by hand
    time.sleep(0.2)
    assert stranger.poll() is None and alive(stranger.pid)


def test_the_process_start_daemon_started_is_running_however_long_ago(tmp_path: Path, reap):
    pidfile, log = tmp_path / "s.pid", tmp_path / "s.log"
    proc = start_daemon(["sleep", "30"], pidfile, log)
    reap.append(proc)
    past = time.time() - 3600
    os.utime(pidfile, (past, past))  # an old pidfile is not stale while its own process runs
    assert running_pid(pidfile) == proc.pid


@pytest.mark.parametrize("text", ["0", "-1"])
def test_a_pidfile_with_a_non_positive_pid_is_not_running(tmp_path: Path, text: str):
    # stop_pid would then signal killpg(0, …): the caller's own process group
    pidfile = tmp_path / "odd.pid"
    pidfile.write_text(text)
    assert running_pid(pidfile) is None


def test_stop_pid_stops_the_whole_process_group(tmp_path: Path, reap):
    pidfile, log = tmp_path / "g.pid", tmp_path / "g.log"
    proc = start_daemon(["sh", "-c", "sleep 60 & sleep 60 & echo started; wait"], pidfile, log)
    reap.append(proc)
    wait_until(lambda: "started" in log.read_text() and len(group_members(proc.pid)) == 3)
    assert stop_pid(pidfile, timeout=10) is True
    proc.wait(10)
    wait_until(lambda: group_members(proc.pid) == [], timeout=5)  # the children went too, not only the shell
    assert not pidfile.exists()


def test_stop_pid_kills_a_group_that_ignores_sigterm(tmp_path: Path, reap):
    pidfile, log = tmp_path / "stubborn.pid", tmp_path / "stubborn.log"
    code = (
        "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); print('ready', flush=True); time.sleep(60)"
    )
    proc = start_daemon([sys.executable, "-c", code], pidfile, log)
    reap.append(proc)
    wait_until(lambda: "ready" in log.read_text())
    started = time.monotonic()
    assert stop_pid(pidfile, timeout=0.6) is True
    assert time.monotonic() - started >= 0.6  # it waited for SIGTERM first
    assert proc.wait(10) == -signal.SIGKILL
    assert not pidfile.exists()


def test_stop_pid_of_nothing_running_is_false(tmp_path: Path):
    assert stop_pid(tmp_path / "none.pid") is False
    proc = subprocess.Popen(["true"])
    proc.wait(10)
    stale = tmp_path / "stale.pid"
    stale.write_text(str(proc.pid))
    assert stop_pid(stale) is False
    assert not stale.exists()


def test_port_open_sees_a_listening_socket_only():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        port = server.getsockname()[1]
        assert port_open("127.0.0.1", port) is False  # bound, not listening
        server.listen()
        assert port_open("127.0.0.1", port) is True
    assert port_open("127.0.0.1", port) is False


def test_wait_for_port_returns_once_the_port_opens():
    port = free_port()
    server = socket.socket()

    def listen_later() -> None:
        time.sleep(0.4)
        server.bind(("127.0.0.1", port))
        server.listen()

    thread = threading.Thread(target=listen_later)
    started = time.monotonic()
    thread.start()
    try:
        wait_for_port("127.0.0.1", port, timeout=10)
        assert 0.3 <= time.monotonic() - started < 5
    finally:
        thread.join()
        server.close()


def test_wait_for_port_times_out_on_a_closed_port():
    port = free_port()
    started = time.monotonic()
    with pytest.raises(TimeoutError, match=f"127.0.0.1:{port} did not open within 1s"):
        wait_for_port("127.0.0.1", port, timeout=0.6)
    assert time.monotonic() - started >= 0.6


def test_wait_for_port_reports_a_process_that_died_with_its_log(tmp_path: Path, reap):
    log = tmp_path / "crash.log"
    proc = start_daemon(["sh", "-c", "echo cannot bind the port >&2; exit 3"], tmp_path / "crash.pid", log)
    reap.append(proc)
    started = time.monotonic()
    with pytest.raises(RuntimeError, match="exited with 3 before") as raised:
        wait_for_port("127.0.0.1", free_port(), timeout=30, proc=proc, log=log)
    assert "cannot bind the port" in str(raised.value)
    assert time.monotonic() - started < 10  # it did not wait out the timeout


def http_server(port: int) -> list[str]:
    return [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"]


def test_daemon_ensure_starts_once_and_stops(tmp_path: Path):
    port = free_port()
    daemon = Daemon("web", tmp_path / "home", "127.0.0.1", port)
    assert daemon.pidfile == tmp_path / "home" / "web.pid"
    assert daemon.logfile == tmp_path / "home" / "web.log"
    assert not daemon.is_running()
    prepared: list[int] = []

    def prepare() -> list[str]:
        prepared.append(1)
        return http_server(port)

    assert daemon.ensure(prepare, timeout=20) is True
    pid = int(daemon.pidfile.read_text().split("\n")[0])
    try:
        assert daemon.is_running() and port_open("127.0.0.1", port)
        assert daemon.ensure(prepare, timeout=20) is False  # already running: not started again
        assert prepared == [1]
        assert int(daemon.pidfile.read_text().split("\n")[0]) == pid
    finally:
        assert daemon.stop(timeout=10) is True
    os.waitpid(pid, 0)  # our child: reap it
    assert not daemon.is_running()
    assert not port_open("127.0.0.1", port)
    assert daemon.stop() is False


def test_daemon_refuses_a_port_taken_by_another_process(tmp_path: Path):
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        daemon = Daemon("web", tmp_path / "home", "127.0.0.1", port)
        with pytest.raises(RuntimeError, match="taken by a process that is not this folder's web"):
            daemon.ensure(lambda: pytest.fail("must not prepare"), timeout=5)
    assert not daemon.pidfile.exists()

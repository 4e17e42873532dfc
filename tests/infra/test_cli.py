"""The `reverie` command's own decisions, without the services it starts."""

import subprocess
import sys
import time
from pathlib import Path

import pytest

from core.settings import DEVELOPMENT_TOKEN_KEYS, load_settings
from infra import cli, kafka, seaweed, server, worker


def test_reverie_serve_refuses_the_development_key_beyond_loopback_with_a_reason_not_a_traceback(monkeypatch):
    monkeypatch.setenv("REVERIE_HTTP_HOST", "0.0.0.0")
    monkeypatch.setenv("REVERIE_TOKEN_KEYS", DEVELOPMENT_TOKEN_KEYS)
    monkeypatch.setattr(worker, "ensure_topics_sync", lambda settings: pytest.fail("serve() went past the check"))
    with pytest.raises(SystemExit) as exited:
        cli.main(["serve"])
    message = str(exited.value.code)  # SystemExit(str): printed to stderr, exit status 1
    assert message.startswith("reverie serve: REVERIE_TOKEN_KEYS lists the development key (dev-1)")
    assert "'0.0.0.0'" in message


def test_reverie_down_signals_no_other_program_that_now_holds_a_stored_pid(monkeypatch, tmp_path: Path, capsys):
    # after a reboot: every pidfile names a pid that another program got
    stranger = subprocess.Popen(["sleep", "60"], start_new_session=True)  # a session of its own: nothing else is hit
    try:
        monkeypatch.setenv("REVERIE_DATA_DIR", str(tmp_path / "data"))
        settings = load_settings()
        commands = {
            server.pidfile(settings): [sys.executable, "-m", "infra.cli", "serve"],
            kafka._daemon(settings).pidfile: ["java", "-cp", "kafka/libs/*", "kafka.Kafka"],
            seaweed._daemon(settings).pidfile: ["weed", "server", "-s3"],
        }
        for pidfile, command in commands.items():
            pidfile.parent.mkdir(parents=True, exist_ok=True)
            pidfile.write_text(f"{stranger.pid}\n" + "\0".join(command))
        cli.main(["down"])
        assert capsys.readouterr().out.splitlines() == [
            "reverie serve: not running",
            "seaweedfs: not running",
            "kafka: not running",
        ]
        assert [p for p in commands if p.exists()] == []  # each one was read and judged stale
        time.sleep(0.2)  # a signal, had one been sent, would have landed by now
        assert stranger.poll() is None
    finally:
        stranger.kill()
        stranger.wait(10)

"""The `reverie` command's own decisions, without the services it starts."""

import pytest

from core.settings import DEVELOPMENT_TOKEN_KEYS
from infra import cli, worker


def test_reverie_serve_refuses_the_development_key_beyond_loopback_with_a_reason_not_a_traceback(monkeypatch):
    monkeypatch.setenv("REVERIE_HTTP_HOST", "0.0.0.0")
    monkeypatch.setenv("REVERIE_TOKEN_KEYS", DEVELOPMENT_TOKEN_KEYS)
    monkeypatch.setattr(worker, "ensure_topics_sync", lambda settings: pytest.fail("serve() went past the check"))
    with pytest.raises(SystemExit) as exited:
        cli.main(["serve"])
    message = str(exited.value.code)  # SystemExit(str): printed to stderr, exit status 1
    assert message.startswith("reverie serve: REVERIE_TOKEN_KEYS lists the development key (dev-1)")
    assert "'0.0.0.0'" in message

"""Operators' calls to a running embedded server: its process owns chDB and qdrant-edge, so `reverie sql` and
`reverie replay` ask its gateway (with a short-lived operator token) instead of opening the stores."""

from __future__ import annotations

from typing import Any

import httpx

from core.settings import Settings
from gateway import auth
from infra import server
from infra.process import running_pid


def server_running(settings: Settings) -> bool:
    return running_pid(server.pidfile(settings)) is not None


def call(settings: Settings, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    """The JSON answer of an operator endpoint; a refusal raises with the gateway's own message."""
    token = auth.issue(settings, "operator", ttl_s=60, operator=True)
    answer = httpx.request(
        method,
        f"{server.base_url(settings)}{path}",
        json=body,
        headers={"Authorization": f"Bearer {token}"},
        timeout=300,
    )
    found: dict[str, Any] = answer.json()
    if answer.status_code >= 400:
        raise RuntimeError(found.get("error", answer.text))
    return found

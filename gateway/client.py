"""A small HTTP client for the gateway, as a device or a script would use it (the demo and the tests do)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx


class GatewayError(RuntimeError):
    def __init__(self, status: int, body: Any) -> None:
        super().__init__(f"{status}: {body}")
        self.status = status
        self.body = body


class Client:
    def __init__(self, base_url: str, token: str, timeout: float = 60.0) -> None:
        self.http = httpx.Client(base_url=base_url, timeout=timeout, headers={"Authorization": f"Bearer {token}"})

    def close(self) -> None:
        self.http.close()

    def _json(self, response: httpx.Response) -> Any:
        body = (
            response.json()
            if response.headers.get("content-type", "").startswith("application/json")
            else response.text
        )
        if response.status_code >= 400:
            raise GatewayError(response.status_code, body)
        return body

    def upload(self, path: Path, **fields: Any) -> dict[str, Any]:
        data = {k: str(v) for k, v in fields.items() if v is not None}
        with open(path, "rb") as fh:
            return self._json(self.http.post("/v1/captures", files={"file": (path.name, fh, "video/mp4")}, data=data))

    def capture(self, capture_id: str) -> dict[str, Any]:
        return self._json(self.http.get(f"/v1/captures/{capture_id}"))

    def request_memory(self, text: str, target_seconds: float | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"text": text}
        if target_seconds is not None:
            body["target_seconds"] = target_seconds
        return self._json(self.http.post("/v1/memories", json=body))

    def memory(self, memory_id: str) -> dict[str, Any]:
        return self._json(self.http.get(f"/v1/memories/{memory_id}"))

    def wait_probed(self, capture_id: str, timeout: float = 120.0) -> dict[str, Any]:
        return self._wait(lambda: self.capture(capture_id), lambda c: c["status"] == "probed", timeout)

    def wait_memory(self, memory_id: str, timeout: float = 120.0) -> dict[str, Any]:
        return self._wait(lambda: self.memory(memory_id), lambda m: m["status"] in ("rendered", "failed"), timeout)

    @staticmethod
    def _wait(fetch: Any, done: Any, timeout: float) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            try:
                value = fetch()
                if done(value):
                    return value
            except GatewayError as exc:
                if exc.status != 404:  # 404: the projection has not caught up yet
                    raise
            if time.monotonic() > deadline:
                raise TimeoutError(f"not done after {timeout:.0f}s")
            time.sleep(0.1)

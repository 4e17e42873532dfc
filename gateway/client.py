"""A small HTTP client for the gateway, as a device or a script would use it (the demo and the tests do)."""

from __future__ import annotations

import base64
import hashlib
import json
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

TUS = {"Tus-Resumable": "1.0.0"}


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

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

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
        kind = "image/jpeg" if path.suffix.lower() in (".jpg", ".jpeg") else "video/mp4"
        with open(path, "rb") as fh:
            return self._json(self.http.post("/v1/captures", files={"file": (path.name, fh, kind)}, data=data))

    def create_upload(self, length: int, **metadata: Any) -> str:
        """Start a tus upload; returns its URL path."""
        encoded = ",".join(
            f"{k} {base64.b64encode(str(v).encode()).decode()}" for k, v in metadata.items() if v is not None
        )
        response = self.http.post(
            "/v1/uploads", headers={**TUS, "Upload-Length": str(length), "Upload-Metadata": encoded}
        )
        if response.status_code != 201:
            self._json(response)
            raise GatewayError(response.status_code, response.text)
        return str(response.headers["location"])

    def upload_offset(self, url: str) -> int:
        response = self.http.head(url, headers=TUS)
        if response.status_code != 200:
            raise GatewayError(response.status_code, "no such upload")
        return int(response.headers["upload-offset"])

    def resume(
        self,
        url: str,
        path: Path,
        chunk_size: int = 8 * 1024 * 1024,
        attempts: int = 5,
        on_progress: Callable[[int], object] | None = None,
    ) -> dict[str, Any]:
        """Send the rest of ``path`` from the server's offset; after a dropped connection, ask again and go on.
        ``on_progress`` hears how many more bytes the server has after each chunk."""
        length = path.stat().st_size
        failures = 0
        while True:
            try:
                offset = self.upload_offset(url)
                with open(path, "rb") as fh:
                    fh.seek(offset)
                    chunk = fh.read(chunk_size)
                response = self.http.patch(
                    url,
                    content=chunk,
                    headers={**TUS, "Upload-Offset": str(offset), "Content-Type": "application/offset+octet-stream"},
                )
            except httpx.TransportError:
                failures += 1
                if failures >= attempts:
                    raise
                time.sleep(0.2 * failures)
                continue
            if response.status_code != 204:
                self._json(response)
                raise GatewayError(response.status_code, response.text)
            if on_progress is not None:
                on_progress(int(response.headers["upload-offset"]) - offset)
            if int(response.headers["upload-offset"]) >= length:
                return {
                    "capture_id": response.headers["reverie-capture-id"],
                    "status_url": response.headers["reverie-capture-url"],
                }

    def upload_resumable(self, path: Path, chunk_size: int = 8 * 1024 * 1024, **metadata: Any) -> dict[str, Any]:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        url = self.create_upload(path.stat().st_size, filename=path.name, sha256=digest, **metadata)
        return self.resume(url, path, chunk_size)

    def capture(self, capture_id: str) -> dict[str, Any]:
        return self._json(self.http.get(f"/v1/captures/{capture_id}"))

    def request_memory(
        self, text: str, target_seconds: float | None = None, said_at: datetime | str | None = None
    ) -> dict[str, Any]:
        """Ask for a memory; ``said_at`` is the device's clock with its offset (times resolve in the user's day)."""
        body: dict[str, Any] = {"text": text}
        if target_seconds is not None:
            body["target_seconds"] = target_seconds
        if said_at is not None:
            body["said_at"] = said_at.isoformat() if isinstance(said_at, datetime) else said_at
        return self._json(self.http.post("/v1/memories", json=body))

    def search(self, text: str, at: datetime | str | None = None, limit: int = 20) -> dict[str, Any]:
        """The album's moments that match words, best first; ``at`` is the device's clock with its offset."""
        params: dict[str, Any] = {"q": text, "limit": limit}
        if at is not None:
            params["at"] = at.isoformat() if isinstance(at, datetime) else at
        return self._json(self.http.get("/v1/search", params=params))

    def set_face_recognition(self, enabled: bool) -> dict[str, Any]:
        return self._json(self.http.put("/v1/settings/face-recognition", json={"enabled": enabled}))

    def name_place(self, name: str, lat: float, lon: float, radius_m: float | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"lat": lat, "lon": lon}
        if radius_m is not None:
            body["radius_m"] = radius_m
        return self._json(self.http.put(f"/v1/places/{quote(name, safe='')}", json=body))

    def places(self) -> list[dict[str, Any]]:
        return list(self._json(self.http.get("/v1/places"))["places"])

    def people(self) -> list[dict[str, Any]]:
        return list(self._json(self.http.get("/v1/people"))["people"])

    def name_person(self, person_id: str, name: str, relationship: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"name": name}
        if relationship is not None:
            body["relationship"] = relationship
        return self._json(self.http.post(f"/v1/people/{quote(person_id, safe='')}", json=body))

    def memory(self, memory_id: str) -> dict[str, Any]:
        return self._json(self.http.get(f"/v1/memories/{memory_id}"))

    def wait_probed(self, capture_id: str, timeout: float = 120.0) -> dict[str, Any]:
        return self._wait(lambda: self.capture(capture_id), lambda c: c["status"] == "probed", timeout)

    def wait_prepared(self, capture_id: str, timeout: float = 300.0) -> dict[str, Any]:
        """Until the mezzanine is ready (memories cut from it get crossfades)."""
        return self._wait(lambda: self.capture(capture_id), lambda c: bool(c.get("prepared")), timeout)

    def wait_memory(self, memory_id: str, timeout: float = 120.0) -> dict[str, Any]:
        """Follow the memory's live status (Server-Sent Events), as a device does, until it is rendered or
        failed; its last view."""
        deadline = time.monotonic() + timeout
        while True:
            url = f"/v1/memories/{memory_id}/events"
            with self.http.stream("GET", url, timeout=max(1.0, deadline - time.monotonic())) as events:
                if events.status_code == 404 and time.monotonic() < deadline:
                    time.sleep(0.1)  # asked for a moment ago and not projected yet
                    continue
                if events.status_code >= 400:
                    raise GatewayError(events.status_code, events.read().decode())
                views = [json.loads(line[5:]) for line in events.iter_lines() if line.startswith("data:")]
            if views and views[-1]["status"] in ("rendered", "failed"):
                return dict(views[-1])
            if time.monotonic() > deadline:
                raise TimeoutError(f"memory {memory_id} not done after {timeout:.0f}s")

    @staticmethod
    def _wait(fetch: Any, done: Any, timeout: float, what: str = "") -> Any:
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
                raise TimeoutError(f"{what + ': ' if what else ''}not done after {timeout:.0f}s")
            time.sleep(0.1)

"""The gateway against the real stack: validation, auth and per-user scoping."""

from pathlib import Path

import httpx
import pytest

from gateway.client import GatewayError
from streams.storage.blobs import BlobStore
from tests.conftest import Served, read_topic
from tests.media_helpers import small_clip

pytestmark = pytest.mark.integration


def raw_objects(served: Served) -> list[str]:
    blobs = BlobStore(served.settings)
    return [o.object_name for o in blobs.client.list_objects(blobs.bucket, prefix="raw/", recursive=True)]


def test_an_upload_that_is_not_a_video_gets_422_and_emits_nothing(served: Served, tmp_path: Path):
    junk = tmp_path / "holiday.mp4"
    junk.write_bytes(b"this is not a video at all" * 1000)
    with pytest.raises(GatewayError) as err:
        served.client("alice").upload(junk)
    assert err.value.status == 422
    assert "not a usable video" in err.value.body["error"]
    truncated = tmp_path / "truncated.mp4"
    truncated.write_bytes(small_clip(tmp_path / "ok.mp4", seconds=3).read_bytes()[:20_000])
    with pytest.raises(GatewayError) as err:
        served.client("alice").upload(truncated)
    assert err.value.status == 422
    assert read_topic(served.settings, "captures", timeout=3) == []
    assert raw_objects(served) == []


def test_form_errors_say_what_is_wrong(served: Served, tmp_path: Path):
    client = served.client("alice")
    clip = small_clip(tmp_path / "c.mp4", seconds=1)
    with pytest.raises(GatewayError, match="latitude|lat must"):
        client.upload(clip, lat="north", lon=2.0)
    with pytest.raises(GatewayError, match="ISO 8601"):
        client.upload(clip, captured_at="last tuesday")
    response = client.http.post("/v1/captures", data={"lat": "1"})
    assert response.status_code in (400, 422) and "error" in response.json()
    empty = tmp_path / "empty.mp4"
    empty.write_bytes(b"")
    with pytest.raises(GatewayError, match="empty"):
        client.upload(empty)
    for body in (b"not json", b'{"text": ""}', b'{"text": "Paris", "target_seconds": 1}', b"[1,2]"):
        response = client.http.post("/v1/memories", content=body, headers={"content-type": "application/json"})
        assert response.status_code == 422, body


def test_tokens_are_required_and_checked(served: Served):
    base = f"http://{served.settings.http_host}:{served.settings.http_port}"
    assert httpx.get(base + "/v1/memories/x").status_code == 401
    forged = httpx.get(base + "/v1/memories/x", headers={"Authorization": "Bearer rv1.alice.AAAA"})
    assert forged.status_code == 401 and forged.headers["www-authenticate"] == "Bearer"
    assert httpx.get(base + "/healthz").json() == {"status": "ok"}


def test_users_only_ever_see_their_own_captures_and_memories(served: Served, tmp_path: Path):
    alice, bob = served.client("alice"), served.client("bob")
    capture = alice.upload(
        small_clip(tmp_path / "c.mp4", seconds=2, lat=48.8584, lon=2.2945, when="2025-06-12T09:15:00Z")
    )
    alice.wait_probed(capture["capture_id"])
    with pytest.raises(GatewayError) as err:
        bob.capture(capture["capture_id"])
    assert err.value.status == 404
    memory = alice.request_memory("Paris", target_seconds=5)
    assert alice.wait_memory(memory["memory_id"])["status"] == "rendered"
    with pytest.raises(GatewayError) as err:
        bob.memory(memory["memory_id"])
    assert err.value.status == 404
    # bob asking for Paris gets nothing of alice's
    mine = bob.wait_memory(bob.request_memory("Paris", target_seconds=5)["memory_id"])
    assert mine["status"] == "failed" and "no clips found for a 5 s memory video, in Paris (FR)" in mine["reason"]


def test_the_same_clip_twice_is_stored_once(served: Served, tmp_path: Path):
    client = served.client("alice")
    clip = small_clip(tmp_path / "c.mp4", seconds=1)
    first = client.upload(clip)
    client.wait_probed(first["capture_id"])
    second = client.http.post("/v1/captures", files={"file": ("again.mp4", clip.read_bytes(), "video/mp4")})
    assert second.status_code == 200 and second.json()["capture_id"] == first["capture_id"]
    assert len(raw_objects(served)) == 1


def test_openapi_describes_the_api(served: Served):
    doc = served.client("alice").http.get("/openapi.json").json()
    assert doc["openapi"].startswith("3.")
    assert {"/v1/captures", "/v1/captures/{capture_id}", "/v1/memories", "/v1/memories/{memory_id}"} <= set(
        doc["paths"]
    )
    assert "multipart/form-data" in doc["paths"]["/v1/captures"]["post"]["requestBody"]["content"]

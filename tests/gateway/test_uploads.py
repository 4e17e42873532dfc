"""Resumable (tus 1.0) uploads against the real stack: cut connections, resume, sha256 end to end, no duplicates."""

from __future__ import annotations

import hashlib
import socket
import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest

from gateway.client import TUS, GatewayError
from infra.album import long_clip
from streams.storage.blobs import BlobStore
from tests.conftest import Served, read_topic, wait_for
from tests.media_helpers import small_clip

pytestmark = pytest.mark.integration
MB = 1024 * 1024


@pytest.fixture(scope="module")
def big_clip(sample_album, tmp_path_factory) -> Path:
    """A real ≥ 50 MB 1080p clip: album clips joined end to end by stream copy."""
    out = long_clip(sample_album, 144.0, tmp_path_factory.mktemp("big") / "big.mp4")
    assert out.stat().st_size >= 50 * MB
    return out


def cut_patch(served: Served, url: str, token: str, offset: int, body: bytes, send: int) -> None:
    """A PATCH whose connection dies after ``send`` bytes of its body, as on a flaky mobile link."""
    head = (
        f"PATCH {url} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
        f"Tus-Resumable: 1.0.0\r\nUpload-Offset: {offset}\r\n"
        f"Content-Type: application/offset+octet-stream\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode()
    with socket.create_connection((served.settings.http_host, served.settings.http_port)) as sock:
        sock.sendall(head + body[:send])
        sock.shutdown(socket.SHUT_RDWR)


def raw_objects(served: Served) -> list[str]:
    blobs = BlobStore(served.settings)
    return [o.object_name for o in blobs.client.list_objects(blobs.bucket, prefix="raw/", recursive=True)]


def test_a_50_mb_upload_survives_a_cut_connection_and_is_stored_once(served: Served, big_clip: Path):
    client = served.client("alice")
    data = big_clip.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    url = client.create_upload(len(data), filename="big.mp4", sha256=digest, device_id="glasses-1")
    first = client.http.patch(
        url,
        content=data[: 20 * MB],
        headers={**TUS, "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream"},
    )
    assert first.status_code == 204 and first.headers["upload-offset"] == str(20 * MB)

    token = client.http.headers["authorization"].split()[1]
    cut_patch(served, url, token, 20 * MB, data[20 * MB :], send=12 * MB)
    resumed_at = client.upload_offset(url)
    assert 20 * MB < resumed_at <= 32 * MB  # what arrived before the cut was kept

    capture = client.resume(url, big_clip)
    client.wait_probed(capture["capture_id"])
    assert client.capture(capture["capture_id"])["sha256"] == digest
    blobs = BlobStore(served.settings)
    objects = raw_objects(served)
    assert len(objects) == 1
    body = blobs.client.get_object(blobs.bucket, objects[0])
    try:
        assert hashlib.sha256(body.read()).hexdigest() == digest
    finally:
        body.close()

    again = client.upload_resumable(big_clip, chunk_size=32 * MB)
    assert again["capture_id"] == capture["capture_id"]
    assert raw_objects(served) == objects
    assert len(read_topic(served.settings, "captures", expect=1)) == 1


def test_tus_rules_are_enforced(served: Served, tmp_path: Path):
    alice, bob = served.client("alice"), served.client("bob")
    clip = small_clip(tmp_path / "c.mp4", seconds=1)
    url = alice.create_upload(clip.stat().st_size, filename="c.mp4")
    with pytest.raises(GatewayError) as err:
        bob.upload_offset(url)
    assert err.value.status == 404
    wrong = alice.http.patch(
        url, content=b"x", headers={**TUS, "Upload-Offset": "5", "Content-Type": "application/offset+octet-stream"}
    )
    assert wrong.status_code == 409 and wrong.headers["upload-offset"] == "0"
    assert alice.http.patch(url, content=b"x", headers={**TUS, "Upload-Offset": "0"}).status_code == 415
    assert alice.http.post("/v1/uploads", headers={"Upload-Length": "10"}).status_code == 412
    too_big = alice.http.post("/v1/uploads", headers={**TUS, "Upload-Length": str(10**12)})
    assert too_big.status_code == 413
    assert (
        alice.http.post(
            "/v1/uploads", headers={**TUS, "Upload-Length": "10", "Upload-Metadata": "lat bm9ydGg="}
        ).status_code
        == 422
    )
    options = alice.http.options("/v1/uploads")
    assert options.headers["tus-version"] == "1.0.0" and "creation" in options.headers["tus-extension"]
    assert alice.http.delete(url, headers=TUS).status_code == 204
    with pytest.raises(GatewayError):
        alice.upload_offset(url)


def test_a_completed_upload_that_is_not_a_video_is_refused_and_discarded(served: Served, tmp_path: Path):
    client = served.client("alice")
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"\x00\x00\x00\x20ftypisom" + bytes(range(256)) * 40)
    with pytest.raises(GatewayError) as err:
        client.upload_resumable(junk, chunk_size=4096)
    assert err.value.status == 422 and "not a usable video" in err.value.body["error"]
    assert raw_objects(served) == []
    assert not list((served.settings.data_dir / "uploads").glob("*.part"))
    assert read_topic(served.settings, "captures", timeout=3) == []


def test_a_wrong_device_checksum_is_refused(served: Served, tmp_path: Path):
    clip = small_clip(tmp_path / "c.mp4", seconds=1)
    client = served.client("alice")
    url = client.create_upload(clip.stat().st_size, filename="c.mp4", sha256="0" * 64)
    with pytest.raises(GatewayError, match="checksum mismatch"):
        client.resume(url, clip)
    assert raw_objects(served) == []


def test_quotas_and_limits_give_clear_errors(settings, tmp_path: Path):
    served = Served(settings.with_(quota_count=1, quota_bytes=2 * MB, max_clip_seconds=2.5))
    served.start()
    try:
        client = served.client("alice")
        first = client.upload(small_clip(tmp_path / "a.mp4", seconds=1))
        client.wait_probed(first["capture_id"])
        with pytest.raises(GatewayError) as err:
            client.upload(small_clip(tmp_path / "b.mp4", seconds=1, image="coffee"))
        assert err.value.status == 413 and "capture quota reached: 1 of 1" in err.value.body["error"]
        big = served.client("bob").http.post("/v1/uploads", headers={**TUS, "Upload-Length": str(3 * MB)})
        assert big.status_code == 413 and "storage quota exceeded" in big.json()["error"]
        with pytest.raises(GatewayError) as err:
            served.client("bob").upload(small_clip(tmp_path / "long.mp4", seconds=3))
        assert err.value.status == 422 and "at most 2 s" in err.value.body["error"]
        assert raw_objects(served) == [first["object_key"]]
    finally:
        served.close()


def test_unfinished_uploads_expire_are_swept_and_count_against_the_quota(settings, tmp_path: Path):
    served = Served(settings.with_(quota_bytes=3 * MB, upload_expiry_seconds=4))
    served.start()
    try:
        http = served.client("erin").http
        assert "expiration" in http.options("/v1/uploads").headers["tus-extension"]
        first = http.post("/v1/uploads", headers={**TUS, "Upload-Length": str(2 * MB)})
        assert first.status_code == 201
        expires = parsedate_to_datetime(first.headers["upload-expires"])
        assert 0 < (expires - datetime.now(UTC)).total_seconds() <= 5
        url = first.headers["location"]
        assert http.patch(url, content=b"x" * 1000, headers={**TUS, "Upload-Offset": "0",
                          "Content-Type": "application/offset+octet-stream"}).status_code == 204  # fmt: skip
        # the unfinished 2 MB hold their place: another 2 MB would pass the 3 MB quota
        second = http.post("/v1/uploads", headers={**TUS, "Upload-Length": str(2 * MB)})
        assert second.status_code == 413
        assert "1 unfinished uploads hold 2097152 bytes" in second.json()["error"]
        # after the expiry the upload is gone (410, not a silent 404) and holds nothing
        time.sleep(4.5)
        gone = http.head(url, headers=TUS)
        assert gone.status_code == 410
        third = http.post("/v1/uploads", headers={**TUS, "Upload-Length": str(2 * MB)})
        assert third.status_code == 201
        # the background sweep removes what nobody asks about again; its device still hears that it expired
        folder = served.settings.data_dir / "uploads"
        wait_for(lambda: {p.suffix for p in folder.iterdir()}, lambda suffixes: suffixes == {".gone"}, timeout=30)
        assert http.head(third.headers["location"], headers=TUS).status_code == 410
    finally:
        served.close()

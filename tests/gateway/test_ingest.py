"""The gateway on damaged uploads: 201 for what still is a usable video, else 422 with a reason; never a 5xx,
never a blob without a capture."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from streams.storage.blobs import BlobStore
from tests.conftest import Served
from tests.media_helpers import damaged, small_clip

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def clip_bytes(tmp_path_factory) -> bytes:
    return small_clip(tmp_path_factory.mktemp("ingest") / "c.mp4", seconds=2).read_bytes()


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    kind=st.sampled_from(["truncated", "flipped", "noise"]),
    where=st.floats(0.0, 1.0),
    flips=st.lists(st.integers(0, 2**20), max_size=12),
)
def test_damaged_uploads_get_a_clear_answer_and_leave_no_orphans(served: Served, clip_bytes: bytes, kind, where, flips):
    data = damaged(clip_bytes, kind, where, flips)
    response = served.client("alice").http.post("/v1/captures", files={"file": ("x.mp4", data, "video/mp4")})
    assert response.status_code in (200, 201, 422), response.text
    if response.status_code == 422:
        assert response.json()["error"]
    blobs = BlobStore(served.settings)
    stored = {o.object_name for o in blobs.client.list_objects(blobs.bucket, prefix="raw/", recursive=True)}
    accepted = served.accepted
    if response.status_code in (200, 201):
        accepted.add(response.json()["object_key"])
    assert stored == accepted


def test_uploads_and_memories_never_answer_5xx_to_junk(served: Served, tmp_path: Path):
    client = served.client("alice")
    for body in (b"", b"--x\r\n", b"\x00" * 1000):
        response = client.http.post("/v1/captures", content=body, headers={"content-type": "multipart/form-data"})
        assert response.status_code in (400, 422), response.text

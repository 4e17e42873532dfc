"""Partial uploads on disk: the .part file's size is the offset, and what reached it survives a dropped
connection and a restart."""

import asyncio
import json
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from starlette.requests import ClientDisconnect

from gateway.resumable import Expired, OffsetMismatch, PartialUpload, PartialUploads, TooLong, sweep_interval


async def stream(*chunks: bytes) -> AsyncIterator[bytes]:
    for chunk in chunks:
        yield chunk


async def dropped_after(*chunks: bytes) -> AsyncIterator[bytes]:
    for chunk in chunks:
        yield chunk
    raise ClientDisconnect()


def append(uploads: PartialUploads, upload: PartialUpload, offset: int, chunks: AsyncIterator[bytes]) -> int:
    return asyncio.run(uploads.append(upload, offset, chunks))


@pytest.fixture
def uploads(tmp_path: Path) -> PartialUploads:
    return PartialUploads(tmp_path / "uploads")


def test_create_makes_the_folder_an_empty_part_and_its_description(uploads: PartialUploads):
    upload = uploads.create("alice", 100, {"filename": "a.mp4"})
    assert uploads.folder.is_dir()
    assert uploads.offset(upload) == 0
    assert uploads.path(upload) == uploads.folder / f"{upload.upload_id}.part"
    meta = json.loads((uploads.folder / f"{upload.upload_id}.json").read_text())
    assert meta["user_id"] == "alice" and meta["length"] == 100 and meta["metadata"] == {"filename": "a.mp4"}


def test_each_upload_gets_its_own_url_safe_id(uploads: PartialUploads):
    ids = {uploads.create("alice", 10, {}).upload_id for _ in range(50)}
    assert len(ids) == 50
    assert all(i.replace("-", "").replace("_", "").isalnum() and len(i) >= 20 for i in ids)


def test_get_returns_the_upload_to_its_owner_only(uploads: PartialUploads):
    upload = uploads.create("alice", 100, {"k": "v"})
    assert uploads.get("alice", upload.upload_id) == upload
    assert uploads.get("bob", upload.upload_id) is None  # looks like a missing one
    assert uploads.get("alice", "nosuchuploadid") is None


@pytest.mark.parametrize("upload_id", ["", "../uploads/x", "a/b", "a.b", "id with space", "--"])
def test_get_refuses_ids_that_are_not_plain_tokens(uploads: PartialUploads, upload_id: str):
    assert uploads.get("alice", upload_id) is None


def test_get_of_a_path_outside_the_folder_reads_nothing(uploads: PartialUploads, tmp_path: Path):
    outside = PartialUpload("evil", "alice", 10)
    (tmp_path / "evil.json").write_text(outside.to_json())
    assert uploads.get("alice", "../evil") is None


@pytest.mark.parametrize("text", ["{not json", '{"upload_id": "x"}', '{"unexpected": 1}'])
def test_get_treats_a_damaged_description_as_missing(uploads: PartialUploads, text: str):
    upload = uploads.create("alice", 10, {})
    (uploads.folder / f"{upload.upload_id}.json").write_text(text)
    assert uploads.get("alice", upload.upload_id) is None


def test_append_writes_chunks_and_returns_the_new_offset(uploads: PartialUploads):
    upload = uploads.create("alice", 10, {})
    assert append(uploads, upload, 0, stream(b"abc", b"de")) == 5
    assert uploads.offset(upload) == 5
    assert append(uploads, upload, 5, stream(b"fghij")) == 10
    assert uploads.path(upload).read_bytes() == b"abcdefghij"


def test_append_at_the_wrong_offset_is_refused_and_writes_nothing(uploads: PartialUploads):
    upload = uploads.create("alice", 10, {})
    append(uploads, upload, 0, stream(b"abc"))
    for wrong in (0, 2, 4):
        with pytest.raises(OffsetMismatch, match=f"Upload-Offset {wrong} does not match the 3 bytes"):
            append(uploads, upload, wrong, stream(b"zz"))
    assert uploads.path(upload).read_bytes() == b"abc"


def test_more_bytes_than_declared_are_refused_and_keep_what_fitted(uploads: PartialUploads):
    upload = uploads.create("alice", 6, {})
    with pytest.raises(TooLong, match="Upload-Length 6"):
        append(uploads, upload, 0, stream(b"abcd", b"efg"))
    assert uploads.path(upload).read_bytes() == b"abcd"  # the chunk that overflowed is not written
    assert append(uploads, upload, 4, stream(b"ef")) == 6


def test_an_empty_body_changes_nothing(uploads: PartialUploads):
    upload = uploads.create("alice", 6, {})
    assert append(uploads, upload, 0, stream()) == 0
    assert uploads.offset(upload) == 0


def test_a_dropped_connection_keeps_what_arrived(uploads: PartialUploads):
    upload = uploads.create("alice", 10, {})
    assert append(uploads, upload, 0, dropped_after(b"abc", b"d")) == 4
    assert uploads.offset(upload) == 4
    assert append(uploads, upload, 4, stream(b"efghij")) == 10
    assert uploads.path(upload).read_bytes() == b"abcdefghij"


def test_an_upload_resumes_after_the_gateway_restarts(tmp_path: Path):
    first = PartialUploads(tmp_path / "u")
    upload = first.create("alice", 8, {"filename": "clip.mp4"})
    append(first, upload, 0, dropped_after(b"1234"))

    again = PartialUploads(tmp_path / "u")
    found = again.get("alice", upload.upload_id)
    assert found == upload
    assert found is not None and found.metadata == {"filename": "clip.mp4"}
    assert again.offset(found) == 4
    assert append(again, found, 4, stream(b"5678")) == 8
    assert again.path(found).read_bytes() == b"12345678"


def test_lock_is_one_per_upload(uploads: PartialUploads):
    a, b = uploads.create("alice", 1, {}), uploads.create("alice", 1, {})
    assert uploads.lock(a) is uploads.lock(a)
    assert uploads.lock(a) is not uploads.lock(b)


def test_remove_deletes_both_files_and_the_lock(uploads: PartialUploads):
    upload = uploads.create("alice", 4, {})
    other = uploads.create("alice", 4, {})
    append(uploads, upload, 0, stream(b"ab"))
    lock = uploads.lock(upload)
    uploads.remove(upload)
    assert uploads.get("alice", upload.upload_id) is None
    assert {p.name for p in uploads.folder.iterdir()} == {f"{other.upload_id}.json", f"{other.upload_id}.part"}
    assert uploads.lock(upload) is not lock
    uploads.remove(upload)  # a second time is harmless


def test_partial_upload_json_round_trips():
    upload = PartialUpload("id1", "alice", 42, {"a": "b"}, created_at=1.5)
    assert PartialUpload(**json.loads(upload.to_json())) == upload


def test_an_upload_expires_and_is_then_gone_for_its_owner(tmp_path: Path):
    uploads = PartialUploads(tmp_path / "uploads", expiry_s=60.0)
    upload = uploads.create("alice", 100, {})
    assert uploads.expires_at(upload) == upload.created_at + 60.0
    assert uploads.live("alice", upload.upload_id, now=upload.created_at + 59.0) == upload
    with pytest.raises(Expired) as expired:
        uploads.live("alice", upload.upload_id, now=upload.created_at + 60.0)
    assert expired.value.expired_at == upload.created_at + 60.0
    # its bytes went with it; a note says it expired, to its owner only, for one more expiry period
    assert [p.name for p in uploads.folder.iterdir()] == [f"{upload.upload_id}.gone"]
    with pytest.raises(Expired):
        uploads.live("alice", upload.upload_id)
    assert uploads.live("bob", upload.upload_id) is None
    assert uploads.sweep(now=upload.created_at + 119.0) == [] and uploads.live("bob", upload.upload_id) is None
    uploads.sweep(now=upload.created_at + 120.0)
    assert list(uploads.folder.iterdir()) == []
    assert uploads.live("alice", upload.upload_id) is None


def test_the_sweep_removes_expired_uploads_and_orphans_but_not_live_or_busy_ones(tmp_path: Path):
    uploads = PartialUploads(tmp_path / "uploads", expiry_s=60.0)
    old, busy, young = (uploads.create("alice", 10, {}) for _ in range(3))
    for upload, age in ((old, 61.0), (busy, 61.0), (young, 30.0)):
        upload.created_at -= age
        (uploads.folder / f"{upload.upload_id}.json").write_text(upload.to_json())
    orphan = uploads.folder / "orphan.part"
    orphan.write_bytes(b"x")
    os.utime(orphan, (orphan.stat().st_mtime - 61.0,) * 2)
    fresh_orphan = uploads.folder / "fresh.part"  # a create in progress: its description is being written
    fresh_orphan.write_bytes(b"")

    async def sweep_while_busy() -> list[str]:
        async with uploads.lock(busy):
            return uploads.sweep()

    assert sorted(asyncio.run(sweep_while_busy())) == sorted([old.upload_id, "orphan"])
    left = sorted(p.name for p in uploads.folder.iterdir())
    assert left == sorted([f"{busy.upload_id}.json", f"{busy.upload_id}.part", f"{young.upload_id}.json",
                           f"{young.upload_id}.part", "fresh.part", f"{old.upload_id}.gone"])  # fmt: skip
    assert uploads.sweep() == [busy.upload_id]  # no longer busy: the next sweep takes it


def test_unfinished_uploads_hold_their_declared_length_against_the_quota(tmp_path: Path):
    uploads = PartialUploads(tmp_path / "uploads", expiry_s=60.0)
    a = uploads.create("alice", 100, {})
    uploads.create("alice", 50, {})
    uploads.create("bob", 7, {})
    assert uploads.reserved("alice") == (2, 150)
    assert uploads.reserved("alice", besides=a.upload_id) == (1, 50)  # the upload being finished is not counted twice
    assert uploads.reserved("bob") == (1, 7) and uploads.reserved("carol") == (0, 0)
    assert uploads.reserved("alice", now=a.created_at + 61.0) == (0, 0)  # expired ones hold nothing


def test_the_sweep_runs_every_quarter_of_the_expiry_within_bounds():
    assert sweep_interval(3600.0) == 600.0
    assert sweep_interval(400.0) == 100.0
    assert sweep_interval(1.0) == 1.0

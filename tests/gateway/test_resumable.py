"""Partial uploads on disk: the .part file's size is the offset, and what reached it survives a dropped
connection and a restart."""

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from starlette.requests import ClientDisconnect

from gateway.resumable import OffsetMismatch, PartialUpload, PartialUploads, TooLong


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

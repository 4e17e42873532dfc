"""Blobs in the real S3 server (SeaweedFS): keys per user, tiers, the read-through cache, multipart uploads."""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from core.settings import Settings
from streams.storage.blobs import (
    TIERS,
    BlobStore,
    MissingBlob,
    enrolment_key,
    memory_key,
    processed_key,
    raw_key,
)
from tests.conftest import purge_test_data

MIB = 1024 * 1024


def test_keys_follow_the_layout_and_start_with_the_user():
    at = datetime(2025, 6, 2, 23, 59, tzinfo=UTC)
    assert raw_key("alice", "c1", at) == "raw/alice/2025/06/02/c1.mp4"
    assert raw_key("alice", "c1", at, ".jpg") == "raw/alice/2025/06/02/c1.jpg"
    assert processed_key("alice", "c1", "poster.jpg") == "processed/alice/c1/poster.jpg"
    assert enrolment_key("alice", "e1") == "raw/alice/enrolments/e1.jpg"
    assert memory_key("alice", "m1") == "memories/alice/m1.mp4"


def test_one_users_keys_are_never_under_anothers_prefix():
    at = datetime(2025, 1, 1, tzinfo=UTC)
    keys = {
        user: [raw_key(user, "c", at), processed_key(user, "c", "x"), enrolment_key(user, "e"), memory_key(user, "m")]
        for user in ("al", "alice")
    }
    for key in keys["alice"]:
        assert not any(key.startswith(prefix) for prefix in ("raw/al/", "processed/al/", "memories/al/"))
    for key in keys["al"]:
        assert key.split("/")[1] == "al"


def test_an_unknown_tier_is_refused_before_anything_is_sent(tmp_path: Path):
    # an unreachable endpoint: the tier check must come first
    blobs = BlobStore(Settings(data_dir=tmp_path, s3_endpoint="127.0.0.1:9"))
    file = tmp_path / "f"
    file.write_bytes(b"x")
    with pytest.raises(ValueError, match="tier must be one of"):
        blobs.put_file("k", file, "text/plain", tier="lukewarm")
    assert TIERS == ("hot", "warm", "cold")


@pytest.fixture
def blobs(settings: Settings) -> Iterator[BlobStore]:
    store = BlobStore(settings)
    store.ensure_bucket()
    yield store
    for key, upload_id in store.incomplete_uploads(""):
        store.client._abort_multipart_upload(store.bucket, key, upload_id)
    purge_test_data(settings)


@pytest.mark.integration
def test_ensure_bucket_twice_is_harmless(blobs: BlobStore):
    blobs.ensure_bucket()
    assert blobs.client.bucket_exists(blobs.bucket)


@pytest.mark.integration
def test_put_file_stores_the_bytes_with_a_tier(blobs: BlobStore, tmp_path: Path):
    file = tmp_path / "clip.mp4"
    file.write_bytes(b"\0\1\2" * 1000)
    blobs.put_file("raw/alice/c1.mp4", file, "video/mp4")
    blobs.put_file("raw/alice/c2.mp4", file, "video/mp4", tier="cold")
    assert blobs.read("raw/alice/c1.mp4") == file.read_bytes()
    assert blobs.tier("raw/alice/c1.mp4") == "hot"
    assert blobs.tier("raw/alice/c2.mp4") == "cold"
    assert blobs.client.stat_object(blobs.bucket, "raw/alice/c1.mp4").content_type == "video/mp4"


@pytest.mark.integration
def test_put_bytes_exists_names_and_remove(blobs: BlobStore):
    for key in ("memories/bob/m2.mp4", "memories/alice/m1.mp4", "memories/alice/m0.mp4", "raw/alice/x"):
        blobs.put_bytes(key, key.encode(), "text/plain")
    assert blobs.exists("memories/alice/m1.mp4")
    assert not blobs.exists("memories/alice/nope.mp4")
    assert blobs.tier("memories/alice/m1.mp4") == "hot"
    assert blobs.names("memories/alice/") == ["memories/alice/m0.mp4", "memories/alice/m1.mp4"]
    assert blobs.names("memories/") == ["memories/alice/m0.mp4", "memories/alice/m1.mp4", "memories/bob/m2.mp4"]
    assert blobs.names("nothing/") == []
    blobs.remove("memories/alice/m0.mp4")
    assert not blobs.exists("memories/alice/m0.mp4")
    assert blobs.read("memories/alice/m1.mp4") == b"memories/alice/m1.mp4"


@pytest.mark.integration
def test_fetch_downloads_once_into_the_cache(blobs: BlobStore):
    key = "processed/alice/c1/mezzanine.mp4"
    blobs.put_bytes(key, b"first version")
    local = blobs.fetch(key)
    assert local == blobs.cache / key
    assert local.read_bytes() == b"first version"
    # keys are immutable, so the cache is trusted: it does not go back to the bucket
    blobs.put_bytes(key, b"changed behind its back")
    assert blobs.fetch(key).read_bytes() == b"first version"
    blobs.remove(key)
    assert blobs.fetch(key).read_bytes() == b"first version"
    assert not [p.name for p in local.parent.iterdir() if p.name.startswith(".part-")]


@pytest.mark.integration
def test_fetch_of_a_missing_blob_raises_missing_blob_and_leaves_nothing(blobs: BlobStore):
    key = "raw/alice/2025/06/12/gone.mp4"
    with pytest.raises(MissingBlob, match="gone.mp4 is missing"):
        blobs.fetch(key)
    assert not (blobs.cache / key).exists()
    assert list((blobs.cache / key).parent.iterdir()) == []  # no half-written temporary file


@pytest.mark.integration
def test_adopt_seeds_the_cache_without_a_download(blobs: BlobStore, tmp_path: Path):
    upload = tmp_path / "upload.mp4"
    upload.write_bytes(b"just uploaded")
    key = "raw/alice/2025/06/12/c9.mp4"
    blobs.adopt(key, upload)
    blobs.adopt(key, upload)  # twice is harmless
    assert not blobs.exists(key)  # never in the bucket, yet fetch finds it
    assert blobs.fetch(key).read_bytes() == b"just uploaded"


@pytest.mark.integration
def test_discard_and_remove_prefix_drop_the_cached_copies_too(blobs: BlobStore):
    keys = [processed_key("alice", "c1", n) for n in ("a.jpg", "b.jpg", "sub/c.jpg")]
    others = [processed_key("alice", "c10", "a.jpg"), processed_key("bob", "c1", "a.jpg")]
    for key in keys + others:
        blobs.put_bytes(key, b"x")
        blobs.fetch(key)
    blobs.discard(keys[0])
    assert not blobs.exists(keys[0]) and not (blobs.cache / keys[0]).exists()
    blobs.discard(keys[0])  # a missing object is not an error
    assert blobs.remove_prefix("processed/alice/c1/") == 2
    assert blobs.names("processed/") == sorted(others)
    assert not (blobs.cache / "processed/alice/c1").exists()
    assert all((blobs.cache / key).exists() for key in others)
    assert blobs.remove_prefix("processed/alice/c1/") == 0


@pytest.mark.integration
def test_a_presigned_url_reads_the_object_without_credentials(blobs: BlobStore):
    blobs.put_bytes("memories/alice/m1.mp4", b"the memory", "video/mp4")
    url = blobs.presigned_url("memories/alice/m1.mp4")
    assert "X-Amz-Expires=3600" in url and "X-Amz-Signature=" in url
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.read() == b"the memory"


@pytest.mark.integration
def test_a_multipart_upload_appears_only_when_completed_with_its_parts_in_order(blobs: BlobStore):
    key = memory_key("alice", "m1")
    upload = blobs.begin_multipart(key, "video/mp4", tier="warm")
    first, second, last = b"a" * (5 * MIB), b"b" * (5 * MIB), b"tail"
    upload.send(3, last)  # in any order
    upload.send(1, first)
    upload.send(2, second)
    assert not blobs.exists(key)
    assert (key, upload.upload_id) in blobs.incomplete_uploads("memories/alice/")
    upload.complete()
    assert blobs.read(key) == first + second + last
    assert blobs.tier(key) == "warm"
    assert blobs.client.stat_object(blobs.bucket, key).content_type == "video/mp4"
    assert blobs.incomplete_uploads("memories/alice/") == []


@pytest.mark.integration
def test_an_aborted_multipart_upload_leaves_nothing(blobs: BlobStore):
    key = memory_key("alice", "m2")
    upload = blobs.begin_multipart(key, "video/mp4")
    upload.send(1, b"partial")
    upload.abort()
    assert blobs.incomplete_uploads(key) == []
    assert not blobs.exists(key)
    with pytest.raises(ValueError, match="tier must be one of"):
        blobs.begin_multipart(key, "video/mp4", tier="frozen")
    assert blobs.incomplete_uploads(key) == []


@pytest.mark.integration
def test_beginning_again_drops_only_that_keys_leftover_parts(blobs: BlobStore):
    key = memory_key("alice", "m3")
    sibling = key + ".bak"  # shares the key as a prefix but is another object
    killed = blobs.begin_multipart(key, "video/mp4")
    killed.send(1, b"from a worker that died")
    elsewhere = blobs.begin_multipart(sibling, "video/mp4")
    again = blobs.begin_multipart(key, "video/mp4")
    listed = blobs.incomplete_uploads("memories/alice/")
    assert (key, killed.upload_id) not in listed
    assert (key, again.upload_id) in listed and (sibling, elsewhere.upload_id) in listed
    again.send(1, b"whole")
    again.complete()
    assert blobs.read(key) == b"whole"

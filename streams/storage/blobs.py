"""Blobs in S3-compatible storage through the minio client; a local read-through cache for media work.

Keys follow the design's layout: ``raw/{user}/{yyyy}/{mm}/{dd}/{id}.mp4``, ``processed/{user}/{id}/…`` and
``memories/{user}/{id}.mp4``; every object carries a storage-tier tag (hot when written).
All calls block: run them off the event loop.
"""

from __future__ import annotations

import io
import os
import shutil
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

from minio import Minio
from minio.commonconfig import Tags
from minio.datatypes import Part
from minio.error import S3Error
from minio.helpers import genheaders

from core.settings import Settings

TIERS = ("hot", "warm", "cold")


def raw_key(user_id: str, capture_id: str, at: datetime, suffix: str = ".mp4") -> str:
    return f"raw/{user_id}/{at:%Y/%m/%d}/{capture_id}{suffix}"


def processed_key(user_id: str, capture_id: str, name: str) -> str:
    return f"processed/{user_id}/{capture_id}/{name}"


def enrolment_key(user_id: str, enrolment_id: str) -> str:
    return f"raw/{user_id}/enrolments/{enrolment_id}.jpg"


def memory_key(user_id: str, memory_id: str) -> str:
    return f"memories/{user_id}/{memory_id}.mp4"


class MissingBlob(LookupError):
    """The event names an object that is not in the bucket."""


class BlobStore:
    def __init__(self, settings: Settings) -> None:
        self.bucket = settings.s3_bucket
        self.presign_ttl = timedelta(seconds=settings.presign_seconds)
        self.cache = settings.cache_dir / "blobs"
        self.client = Minio(
            settings.s3_endpoint,
            access_key=settings.s3_access_key,
            secret_key=settings.s3_secret_key,
            secure=settings.s3_secure,
            region=settings.s3_region,
        )

    def ensure_bucket(self) -> None:
        if not self.client.bucket_exists(self.bucket):
            try:
                self.client.make_bucket(self.bucket)
            except S3Error as exc:  # another process made it first
                if exc.code not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
                    raise

    def put_file(self, key: str, path: Path, content_type: str, tier: str = "hot") -> None:
        """Store a file; the ``tier`` tag (hot, warm, cold) is what lifecycle rules move objects by."""
        self.client.fput_object(self.bucket, key, str(path), content_type=content_type, tags=_tier(tier))

    def begin_multipart(self, key: str, content_type: str, tier: str = "hot") -> MultipartUpload:
        """An object sent in parts, in any order, that appears only when completed. Keys are written once, so
        parts an earlier attempt at this key left (its worker killed mid-upload) are dropped first."""
        self._drop_incomplete(key)
        headers = genheaders(None, None, _tier(tier), None, False)
        headers["Content-Type"] = content_type
        # minio keeps its multipart calls protected; the version is pinned in pyproject.toml
        upload_id = self.client._create_multipart_upload(self.bucket, key, headers)
        return MultipartUpload(self, key, upload_id)

    def incomplete_uploads(self, prefix: str) -> list[tuple[str, str]]:
        """(key, upload id) of the multipart uploads under ``prefix`` begun and neither completed nor aborted."""
        listing = self.client._list_multipart_uploads(self.bucket, prefix=prefix)
        return [(u.object_name, u.upload_id) for u in listing.uploads if u.object_name and u.upload_id]

    def _drop_incomplete(self, key: str) -> None:
        for name, upload_id in self.incomplete_uploads(key):
            if name == key:
                self.client._abort_multipart_upload(self.bucket, key, upload_id)

    def tier(self, key: str) -> str | None:
        tags = self.client.get_object_tags(self.bucket, key)
        return tags.get("tier") if tags else None

    def fetch(self, key: str) -> Path:
        """A local copy of the object, downloaded once; keys are immutable, so the cache never goes stale."""
        local = self.cache / key
        if local.exists():
            return local
        local.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=local.parent, prefix=".part-")
        os.close(fd)
        try:
            self.client.fget_object(self.bucket, key, tmp)
            os.replace(tmp, local)
        except S3Error as exc:
            if exc.code in ("NoSuchKey", "NoSuchObject"):
                raise MissingBlob(f"the stored object {key} is missing") from exc
            raise
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        return local

    def adopt(self, key: str, path: Path) -> None:
        """Seed the cache with a local copy just uploaded, so agents in this process need not download it."""
        local = self.cache / key
        local.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(path, local)
        except FileExistsError:
            pass
        except OSError:
            shutil.copyfile(path, local)

    def exists(self, key: str) -> bool:
        try:
            self.client.stat_object(self.bucket, key)
            return True
        except S3Error as exc:
            if exc.code in ("NoSuchKey", "NoSuchObject", "NotFound"):
                return False
            raise

    def read(self, key: str) -> bytes:
        """A small object's bytes (a playlist), straight from the bucket."""
        response = self.client.get_object(self.bucket, key)
        try:
            return response.read()
        finally:
            response.close()
            response.release_conn()

    def put_bytes(self, key: str, data: bytes, content_type: str = "application/octet-stream") -> None:
        self.client.put_object(
            self.bucket, key, io.BytesIO(data), len(data), content_type=content_type, tags=_tier("hot")
        )

    def names(self, prefix: str) -> list[str]:
        """The keys under ``prefix``, sorted."""
        found = self.client.list_objects(self.bucket, prefix=prefix, recursive=True)
        return sorted(o.object_name for o in found if o.object_name is not None)

    def presigned_url(self, key: str) -> str:
        return self.client.presigned_get_object(self.bucket, key, expires=self.presign_ttl)

    def remove(self, key: str) -> None:
        self.client.remove_object(self.bucket, key)

    def remove_prefix(self, prefix: str) -> int:
        """Remove every object under ``prefix`` and their cached copies; returns how many objects went."""
        names = self.names(prefix)
        for name in names:
            self.discard(name)
        shutil.rmtree(self.cache / prefix, ignore_errors=True)
        return len(names)

    def discard(self, key: str) -> None:
        """Remove the object and its cached copy (removing a missing object is not an error in S3)."""
        self.client.remove_object(self.bucket, key)
        (self.cache / key).unlink(missing_ok=True)


class MultipartUpload:
    """One S3 multipart upload: parts numbered from 1, each but the last at least 5 MiB."""

    def __init__(self, blobs: BlobStore, key: str, upload_id: str) -> None:
        self.blobs, self.key, self.upload_id = blobs, key, upload_id
        self.parts: dict[int, str] = {}

    def send(self, number: int, data: bytes) -> None:
        client = self.blobs.client
        self.parts[number] = client._upload_part(self.blobs.bucket, self.key, data, None, self.upload_id, number)

    def complete(self) -> None:
        parts = [Part(n, etag) for n, etag in sorted(self.parts.items())]
        self.blobs.client._complete_multipart_upload(self.blobs.bucket, self.key, self.upload_id, parts)

    def abort(self) -> None:
        self.blobs.client._abort_multipart_upload(self.blobs.bucket, self.key, self.upload_id)


def _tier(tier: str) -> Tags:
    if tier not in TIERS:
        raise ValueError(f"tier must be one of {TIERS}")
    tags = Tags.new_object_tags()
    tags["tier"] = tier
    return tags

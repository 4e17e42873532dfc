"""Qdrant vector read models: qdrant-edge in-process (``edge:///path``) or a Qdrant server (``http://``).

One collection per model (the model's name and version make the collection name), so a new model means a new
projection built by replay, never a silent mix. Point ids are derived from (user, capture, model): writing the
same event twice writes the same point.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path
from typing import Any, Protocol

from streams.events import stable_id


def collection_name(model: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", model.lower()).strip("_")


class VectorStore(Protocol):
    def upsert(self, user_id: str, key: str, vector: list[float], payload: dict[str, Any]) -> None: ...
    def search(self, user_id: str, vector: list[float], limit: int) -> list[tuple[str, float, dict[str, Any]]]: ...
    def points(self, user_id: str | None = None) -> list[tuple[str, dict[str, Any]]]: ...
    def close(self) -> None: ...


def open_vectors(dsn: str, model: str, size: int) -> VectorStore:
    if dsn.startswith("edge://"):
        return EdgeVectors(Path(dsn.removeprefix("edge://")) / collection_name(model), model, size)
    if dsn.startswith(("http://", "https://")):
        from qdrant_client import QdrantClient  # noqa: PLC0415

        return ServerVectors(QdrantClient(url=dsn), model, size)
    raise ValueError(f"unsupported Qdrant DSN {dsn!r}: use edge:///path or http(s)://host:port")


class EdgeVectors:
    """One qdrant-edge shard per collection, owned by this process."""

    def __init__(self, path: Path, model: str, size: int) -> None:
        import qdrant_edge as q  # noqa: PLC0415

        self.q = q
        self.model = model
        self._lock = threading.Lock()
        if path.exists() and any(path.iterdir()):
            self.shard = q.EdgeShard.load(str(path))
        else:
            path.mkdir(parents=True, exist_ok=True)
            config = q.EdgeConfig(vectors={model: q.EdgeVectorParams(size=size, distance=q.Distance.Cosine)})
            self.shard = q.EdgeShard.create(str(path), config)
            self.shard.update(q.UpdateOperation.create_field_index("user_id", q.PayloadSchemaType.Keyword))

    def _user_filter(self, user_id: str) -> Any:
        q = self.q
        return q.Filter(must=[q.FieldCondition("user_id", match=q.MatchValue(user_id))])

    def upsert(self, user_id: str, key: str, vector: list[float], payload: dict[str, Any]) -> None:
        point = self.q.Point(
            stable_id(user_id, key, self.model), {self.model: vector}, {**payload, "user_id": user_id, "key": key}
        )
        with self._lock:
            self.shard.update(self.q.UpdateOperation.upsert_points([point]))

    def search(self, user_id: str, vector: list[float], limit: int) -> list[tuple[str, float, dict[str, Any]]]:
        request = self.q.QueryRequest(
            limit=limit,
            query=self.q.Query.Nearest(vector, using=self.model),
            filter=self._user_filter(user_id),
            with_payload=True,
        )
        with self._lock:
            hits = self.shard.query(request)
        return [(str(h.id), float(h.score), dict(h.payload or {})) for h in hits]

    def points(self, user_id: str | None = None) -> list[tuple[str, dict[str, Any]]]:
        found: list[tuple[str, dict[str, Any]]] = []
        offset = None
        flt = self._user_filter(user_id) if user_id is not None else None
        with self._lock:
            while True:
                records, offset = self.shard.scroll(
                    self.q.ScrollRequest(offset=offset, limit=256, filter=flt, with_payload=True, with_vector=False)
                )
                found.extend((str(r.id), dict(r.payload or {})) for r in records)
                if offset is None:
                    break
        return sorted(found, key=lambda p: p[0])

    def close(self) -> None:
        with self._lock:
            self.shard.flush()
            self.shard.close()


class ServerVectors:
    """The same collection on a Qdrant server through qdrant-client (the distributed topology)."""

    def __init__(self, client: Any, model: str, size: int) -> None:
        from qdrant_client import models  # noqa: PLC0415

        self.m = models
        self.model = model
        self.collection = collection_name(model)
        self.client = client
        if not self.client.collection_exists(self.collection):
            self.client.create_collection(
                self.collection, vectors_config={model: models.VectorParams(size=size, distance=models.Distance.COSINE)}
            )
            self.client.create_payload_index(self.collection, "user_id", models.PayloadSchemaType.KEYWORD)

    def _user_filter(self, user_id: str) -> Any:
        m = self.m
        return m.Filter(must=[m.FieldCondition(key="user_id", match=m.MatchValue(value=user_id))])

    def upsert(self, user_id: str, key: str, vector: list[float], payload: dict[str, Any]) -> None:
        point = self.m.PointStruct(
            id=stable_id(user_id, key, self.model),
            vector={self.model: vector},
            payload={**payload, "user_id": user_id, "key": key},
        )
        self.client.upsert(self.collection, [point])

    def search(self, user_id: str, vector: list[float], limit: int) -> list[tuple[str, float, dict[str, Any]]]:
        hits = self.client.query_points(
            self.collection,
            query=vector,
            using=self.model,
            limit=limit,
            query_filter=self._user_filter(user_id),
            with_payload=True,
        ).points
        return [(str(h.id), float(h.score), dict(h.payload or {})) for h in hits]

    def points(self, user_id: str | None = None) -> list[tuple[str, dict[str, Any]]]:
        found: list[tuple[str, dict[str, Any]]] = []
        offset = None
        flt = self._user_filter(user_id) if user_id is not None else None
        while True:
            records, offset = self.client.scroll(
                self.collection, scroll_filter=flt, limit=256, offset=offset, with_payload=True, with_vectors=False
            )
            found.extend((str(r.id), dict(r.payload or {})) for r in records)
            if offset is None:
                break
        return sorted(found, key=lambda p: p[0])

    def close(self) -> None:
        self.client.close()

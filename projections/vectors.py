"""Qdrant vector read models: qdrant-edge in-process (``edge:///path``) or a Qdrant server (``http://``).

One collection per model (the model's name and version make the collection name), so a new model means a new
projection built by replay, never a silent mix. Point ids are derived from (user, capture, model): writing the
same event twice writes the same point.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

from core.ids import stable_id


def collection_name(model: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", model.lower()).strip("_")


# What is written: a list, or the array('f') an event's vector decodes to (schemas/packed_vectors.py)
Floats = Sequence[float]
# (user id, key, vector, payload): one point of any user, as replays write them in bulk
Point = tuple[str, str, Floats, dict[str, Any]]


class VectorStore(Protocol):
    name: str
    size: int
    model: str

    def upsert(self, user_id: str, key: str, vector: Floats, payload: dict[str, Any]) -> None: ...
    def upsert_points(self, points: list[Point]) -> None: ...
    def search(
        self,
        user_id: str,
        vector: list[float],
        limit: int,
        captures: list[str] | None = None,
        exclude: list[str] | None = None,
        least: float | None = None,
    ) -> list[tuple[str, float, dict[str, Any]]]:
        """The ``limit`` nearest points of the user (among ``captures``, but not ``exclude``), nearest first: (id,
        score, payload). With ``least``, only those scoring at least that: the others' payloads are never read
        (qdrant-edge reads one in ~3 µs, holding the GIL)."""
        ...

    def vectors_of(self, user_id: str, capture_id: str) -> list[tuple[dict[str, Any], list[float]]]: ...
    def delete(self, user_id: str, key: str) -> None: ...
    def delete_user(self, user_id: str, captures: list[str] | None = None) -> None: ...
    def relabel(self, user_id: str, field: str, old: str, new: str) -> None: ...
    def set_payload(self, user_id: str, keys: list[str], payload: dict[str, Any]) -> None: ...
    def upsert_many(self, user_id: str, items: Sequence[tuple[str, Floats, dict[str, Any]]]) -> None: ...
    def points(self, user_id: str | None = None) -> list[tuple[str, dict[str, Any]]]: ...
    def ping(self) -> None: ...
    def optimize(self) -> bool: ...
    def close(self) -> None: ...


def _edge_root(dsn: str, version: int) -> Path:
    root = Path(dsn.removeprefix("edge://"))
    return root if version == 0 else root.with_name(f"{root.name}-v{version}")


def _suffix(version: int) -> str:
    """What a projection version adds to a server collection's name (see projections/versions.py)."""
    return "" if version == 0 else f"_v{version}"


# How a qdrant-edge collection is opened, from its folder, model and size: EdgeVectors in this process, or
# projections/vector_host.py's HostedVectors
EdgeOpener = Callable[[Path, str, int], VectorStore]


def open_vectors(dsn: str, model: str, size: int, version: int = 0, edge: EdgeOpener | None = None) -> VectorStore:
    if dsn.startswith("edge://"):
        return (edge or EdgeVectors)(_edge_root(dsn, version) / collection_name(model), model, size)
    if dsn.startswith(("http://", "https://")):
        from qdrant_client import QdrantClient  # noqa: PLC0415

        return ServerVectors(QdrantClient(url=dsn), model, size, _suffix(version))
    raise ValueError(f"unsupported Qdrant DSN {dsn!r}: use edge:///path or http(s)://host:port")


def open_collections(
    dsn: str, skip: frozenset[str] = frozenset(), version: int = 0, edge: EdgeOpener | None = None
) -> dict[str, VectorStore]:
    """Every collection of a projection version but those named in ``skip`` (already open), by name."""
    if dsn.startswith("edge://"):
        root = _edge_root(dsn, version)
        folders = sorted(p for p in root.iterdir() if p.is_dir() and p.name not in skip) if root.exists() else []
        return {p.name: (edge or EdgeVectors)(p, p.name, 0) for p in folders}
    from qdrant_client import QdrantClient  # noqa: PLC0415

    client = QdrantClient(url=dsn)
    suffix = _suffix(version)
    names = [c.name for c in client.get_collections().collections]
    ours = [n.removesuffix(suffix) for n in names if re.sub(r"_v\d+$", "", n) + suffix == n]
    return {name: ServerVectors(client, name, 0, suffix) for name in ours if name not in skip}


Page = tuple[list[tuple[str, dict[str, Any]]], Any]


class _Vectors:
    """What both backends share: naming, point ids and payloads, and paging through points."""

    def __init__(self, model: str, size: int) -> None:
        self.model, self.size = model, size
        self.name = collection_name(model)  # also the vector's name: Qdrant allows no '/' there

    def point_id(self, user_id: str, key: str) -> str:
        return stable_id(user_id, key, self.model)

    def upsert(self, user_id: str, key: str, vector: Floats, payload: dict[str, Any]) -> None:
        self.upsert_points([(user_id, key, vector, payload)])

    def upsert_many(self, user_id: str, items: Sequence[tuple[str, Floats, dict[str, Any]]]) -> None:
        self.upsert_points([(user_id, key, vector, payload) for key, vector, payload in items])

    def upsert_points(self, points: list[Point]) -> None:
        raise NotImplementedError

    def ping(self) -> None:
        """A search that touches the store and finds nothing: raises when the store does not answer."""
        self.search("", [1.0] + [0.0] * (self.size - 1), 1)  # type: ignore[attr-defined]

    def payload(self, user_id: str, key: str, payload: dict[str, Any]) -> dict[str, Any]:
        return {**payload, "user_id": user_id, "key": key, "model": self.model}

    def _page(self, offset: Any, user_id: str | None) -> Page:
        raise NotImplementedError

    def points(self, user_id: str | None = None) -> list[tuple[str, dict[str, Any]]]:
        """Every point (of one user, or of all for operators), sorted by id."""
        found: list[tuple[str, dict[str, Any]]] = []
        offset = None
        while True:
            page, offset = self._page(offset, user_id)
            found.extend(page)
            if offset is None:
                return sorted(found, key=lambda p: p[0])


class EdgeVectors(_Vectors):
    """One qdrant-edge shard per collection, owned by this process."""

    def __init__(self, path: Path, model: str, size: int) -> None:
        import qdrant_edge as q  # noqa: PLC0415

        super().__init__(model, size)
        self.q = q
        self._lock = threading.Lock()
        if path.exists() and any(path.iterdir()):
            self.shard = q.EdgeShard.load(str(path))
        else:
            path.mkdir(parents=True, exist_ok=True)
            params = q.EdgeVectorParams(size=size, distance=q.Distance.Cosine)
            self.shard = q.EdgeShard.create(str(path), q.EdgeConfig(vectors={self.name: params}))
            for name in ("user_id", "capture_id"):
                self.shard.update(q.UpdateOperation.create_field_index(name, q.PayloadSchemaType.Keyword))

    def _user_filter(
        self, user_id: str | None, captures: list[str] | None = None, exclude: list[str] | None = None
    ) -> Any:
        if user_id is None:
            return None
        must: list[Any] = [self.q.FieldCondition("user_id", match=self.q.MatchValue(user_id))]
        if captures is not None:
            must.append(self.q.FieldCondition("capture_id", match=self.q.MatchAny(captures)))
        if not exclude:
            return self.q.Filter(must=must)
        return self.q.Filter(must=must, must_not=[self.q.FieldCondition("capture_id", match=self.q.MatchAny(exclude))])

    def upsert_points(self, points: list[Point]) -> None:
        made = [
            # qdrant-edge reads any sequence of floats: an array('f') as it is (8.6 µs for 384 floats) beats a list
            # made of it first (6.4 µs, then 5.4)
            self.q.Point(self.point_id(user_id, key), {self.name: vector}, self.payload(user_id, key, payload))  # type: ignore[dict-item]
            for user_id, key, vector, payload in points
        ]
        with self._lock:
            self.shard.update(self.q.UpdateOperation.upsert_points(made))

    def delete(self, user_id: str, key: str) -> None:
        with self._lock:
            self.shard.update(self.q.UpdateOperation.delete_points([self.point_id(user_id, key)]))

    def delete_user(self, user_id: str, captures: list[str] | None = None) -> None:
        """Every point of the user, or only those of ``captures``."""
        with self._lock:
            self.shard.update(self.q.UpdateOperation.delete_points_by_filter(self._user_filter(user_id, captures)))

    def relabel(self, user_id: str, field: str, old: str, new: str) -> None:
        """Set payload ``field`` from ``old`` to ``new`` on every point of the user that has it."""
        flt = self.q.Filter(
            must=[
                self.q.FieldCondition("user_id", match=self.q.MatchValue(user_id)),
                self.q.FieldCondition(field, match=self.q.MatchValue(old)),
            ]
        )
        with self._lock:
            self.shard.update(self.q.UpdateOperation.set_payload_by_filter(flt, {field: new}))

    def set_payload(self, user_id: str, keys: list[str], payload: dict[str, Any]) -> None:
        ids: list[Any] = [self.point_id(user_id, key) for key in keys]
        with self._lock:
            self.shard.update(self.q.UpdateOperation.set_payload(ids, payload))

    def search(
        self,
        user_id: str,
        vector: list[float],
        limit: int,
        captures: list[str] | None = None,
        exclude: list[str] | None = None,
        least: float | None = None,
    ) -> list[tuple[str, float, dict[str, Any]]]:
        request = self.q.QueryRequest(
            limit=limit,
            query=self.q.Query.Nearest(vector, using=self.name),
            filter=self._user_filter(user_id, captures, exclude),
            with_payload=True,
            score_threshold=least,
        )
        with self._lock:
            hits = self.shard.query(request)
        return [(str(h.id), float(h.score), dict(h.payload or {})) for h in hits]

    def vectors_of(self, user_id: str, capture_id: str) -> list[tuple[dict[str, Any], list[float]]]:
        """Every point of one capture of the user with its vector, in no particular order."""
        found: list[tuple[dict[str, Any], list[float]]] = []
        offset = None
        while True:
            request = self.q.ScrollRequest(
                offset=offset,
                limit=256,
                filter=self._user_filter(user_id, [capture_id]),
                with_payload=True,
                with_vector=True,
            )
            with self._lock:
                records, offset = self.shard.scroll(request)
            for r in records:
                vectors: Any = r.vector or {}  # named vectors: this collection's one
                found.append((dict(r.payload or {}), [float(v) for v in vectors[self.name]]))
            if offset is None:
                return found

    def _page(self, offset: Any, user_id: str | None) -> Page:
        request = self.q.ScrollRequest(
            offset=offset, limit=256, filter=self._user_filter(user_id), with_payload=True, with_vector=False
        )
        with self._lock:
            records, offset = self.shard.scroll(request)
        return [(str(r.id), dict(r.payload or {})) for r in records], offset

    def optimize(self) -> bool:
        """Index what is not indexed yet (HNSW over the points written since the last time), blocking: qdrant-edge
        optimises only when asked, and a search over 40,000 unindexed frames took 4-6 ms, indexed 1-3 ms. It holds
        the GIL throughout (7 s for 20,000 new points on this machine), so it runs where nothing waits: when the
        worker starts, before the gateway listens. Nothing new: it returns at once."""
        with self._lock:
            return bool(self.shard.optimize())

    def close(self) -> None:
        with self._lock:
            self.shard.flush()
            self.shard.close()


class ServerVectors(_Vectors):
    """The same collection on a Qdrant server through qdrant-client (the distributed topology)."""

    def __init__(self, client: Any, model: str, size: int, suffix: str = "") -> None:
        from qdrant_client import models  # noqa: PLC0415

        super().__init__(model, size)
        self.m = models
        self.client = client
        self.collection = self.name + suffix  # the vector inside keeps the model's name
        if not client.collection_exists(self.collection):
            params = models.VectorParams(size=size, distance=models.Distance.COSINE)
            client.create_collection(self.collection, vectors_config={self.name: params})
            client.create_payload_index(self.collection, "user_id", models.PayloadSchemaType.KEYWORD)

    def _user_filter(
        self, user_id: str | None, captures: list[str] | None = None, exclude: list[str] | None = None
    ) -> Any:
        if user_id is None:
            return None
        must: list[Any] = [self.m.FieldCondition(key="user_id", match=self.m.MatchValue(value=user_id))]
        if captures is not None:
            must.append(self.m.FieldCondition(key="capture_id", match=self.m.MatchAny(any=captures)))
        if not exclude:
            return self.m.Filter(must=must)
        unwanted: list[Any] = [self.m.FieldCondition(key="capture_id", match=self.m.MatchAny(any=exclude))]
        return self.m.Filter(must=must, must_not=unwanted)

    def upsert_points(self, points: list[Point]) -> None:
        made = [
            self.m.PointStruct(
                id=self.point_id(user_id, key),
                vector={self.name: list(vector)},  # the client's models take lists
                payload=self.payload(user_id, key, payload),
            )
            for user_id, key, vector, payload in points
        ]
        self.client.upsert(self.collection, made)

    def delete(self, user_id: str, key: str) -> None:
        self.client.delete(self.collection, points_selector=self.m.PointIdsList(points=[self.point_id(user_id, key)]))

    def delete_user(self, user_id: str, captures: list[str] | None = None) -> None:
        """Every point of the user, or only those of ``captures``."""
        flt = self._user_filter(user_id, captures)
        self.client.delete(self.collection, points_selector=self.m.FilterSelector(filter=flt))

    def relabel(self, user_id: str, field: str, old: str, new: str) -> None:
        m = self.m
        flt = m.Filter(
            must=[
                m.FieldCondition(key="user_id", match=m.MatchValue(value=user_id)),
                m.FieldCondition(key=field, match=m.MatchValue(value=old)),
            ]
        )
        self.client.set_payload(self.collection, payload={field: new}, points=m.FilterSelector(filter=flt))

    def set_payload(self, user_id: str, keys: list[str], payload: dict[str, Any]) -> None:
        ids: list[Any] = [self.point_id(user_id, key) for key in keys]
        self.client.set_payload(self.collection, payload=payload, points=self.m.PointIdsList(points=ids))

    def search(
        self,
        user_id: str,
        vector: list[float],
        limit: int,
        captures: list[str] | None = None,
        exclude: list[str] | None = None,
        least: float | None = None,
    ) -> list[tuple[str, float, dict[str, Any]]]:
        hits = self.client.query_points(
            self.collection,
            query=vector,
            using=self.name,
            limit=limit,
            query_filter=self._user_filter(user_id, captures, exclude),
            with_payload=True,
            score_threshold=least,
        ).points
        return [(str(h.id), float(h.score), dict(h.payload or {})) for h in hits]

    def vectors_of(self, user_id: str, capture_id: str) -> list[tuple[dict[str, Any], list[float]]]:
        """Every point of one capture of the user with its vector, in no particular order."""
        found: list[tuple[dict[str, Any], list[float]]] = []
        offset = None
        while True:
            records, offset = self.client.scroll(
                self.collection,
                scroll_filter=self._user_filter(user_id, [capture_id]),
                limit=256,
                offset=offset,
                with_payload=True,
                with_vectors=True,
            )
            for r in records:
                vector = r.vector[self.name] if isinstance(r.vector, dict) else r.vector
                found.append((dict(r.payload or {}), [float(v) for v in vector]))
            if offset is None:
                return found

    def _page(self, offset: Any, user_id: str | None) -> Page:
        records, offset = self.client.scroll(
            self.collection,
            scroll_filter=self._user_filter(user_id),
            limit=256,
            offset=offset,
            with_payload=True,
            with_vectors=False,
        )
        return [(str(r.id), dict(r.payload or {})) for r in records], offset

    def optimize(self) -> bool:
        return False  # a Qdrant server indexes by itself, in its own threads

    def close(self) -> None:
        self.client.close()

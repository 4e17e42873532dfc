"""Replay: rebuild every projection from the event log into a new version, then switch reads to it (blue/green).

The replay reads the projected topics from the beginning (or from a time, or an offset) and writes through the
projector's own code (streams/agents/projector.py) into buffered stores of a new projection version
(projections/buffered.py, projections/versions.py). After each flush it records how far it got, so an interrupted
replay resumes where it stopped. Live processing goes on in the live version meanwhile; once the replay has caught
up with the log, reads and the live projector switch to the new version, and the replay reads once more to the end
of the log so that nothing projected during the switch is missed (writes are idempotent, so twice is harmless).
Events of forgotten users no longer open (streams/storage/sealing.py) and are skipped, so a replay brings none of
them back.
A user forgotten while a replay runs may still open in the replay's decoder (its own cache of keys) for a key-cache
period; the replay reads that UserForgotten before it ends, and it purges the user from the new version as it did
from the live one.
Where the time goes: decoding and projecting take turns in one thread; a flush's rows are written by chDB in another
(without the interpreter lock) while the next batches are projected, and the points go to the vector host, another
process, batch by batch, through a thread that writes its pipe (docs/measurements.md has the figures).
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from core import heap
from core.settings import Settings
from projections.buffered import BufferedStore, BufferedVectors
from projections.clickhouse import MetadataStore
from projections.generations import open_generations
from projections.vector_host import opener
from projections.vectors import VectorStore, open_vectors
from projections.versions import Versions, database
from schemas.codec import registry
from streams.agents import projector
from streams.runtime.decoder import Decoder, Pending
from streams.runtime.log_reader import LogReader, Partition, Record
from streams.runtime.services import PROJECTED_TOPICS, Services
from streams.storage.blobs import BlobStore
from streams.video.media import SIGNATURE_MODEL, SIGNATURE_SIZE

log = logging.getLogger("reverie.replay")

CHECKPOINTS = """CREATE TABLE IF NOT EXISTS replay_checkpoints (
    topic String, partition UInt32, next_offset Int64, at DateTime64(3, 'UTC'), revision UInt64
) ENGINE = ReplacingMergeTree(revision) ORDER BY (topic, partition)"""
FLUSH_ROWS = 20_000  # rows held before a flush; a checkpoint follows every flush
FLUSH_SECONDS = 2.0
DECODE_AHEAD = 8  # batches fetched (and, with a decoder process, decoded) ahead of the one being projected


@dataclass
class Progress:
    """What a replay has done so far; ``total`` grows while live events keep arriving."""

    version: int
    source: str
    done: int = 0
    total: int = 0
    projected: int = 0
    skipped: int = 0  # erased, or sealed with a destroyed key (a forgotten user)
    unreadable: int = 0  # not an event (the live agents dead-lettered these already)
    state: str = "running"  # running → switched, or failed
    error: str | None = None
    started: float = field(default_factory=time.monotonic)

    @property
    def rate(self) -> float:
        return self.done / max(time.monotonic() - self.started, 1e-6)

    @property
    def eta_s(self) -> float | None:
        return (self.total - self.done) / self.rate if self.rate > 0 else None

    def as_json(self) -> dict[str, Any]:
        return {**asdict(self), "started": None, "events_per_s": round(self.rate, 1), "eta_s": self.eta_s}


class ReplayServices(Services):
    """Services over buffered stores of one projection version: what the projector writes, held and written in
    bulk."""

    buffered: bool = True

    @classmethod
    def for_version(cls, settings: Settings, version: int, buffered: bool = True) -> ReplayServices:
        async def no_send(topic: str, key: bytes | None, value: bytes | None) -> None:
            raise RuntimeError("a replay emits no events")

        blobs = BlobStore(settings)
        db, counters = database(version), open_generations(settings.cache_url)
        services = cls(
            settings=settings,
            store=(BufferedStore if buffered else MetadataStore)(
                settings.clickhouse, db, counters, settings.cached_albums
            ),
            vectors=_wrap(
                open_vectors(settings.qdrant, SIGNATURE_MODEL, SIGNATURE_SIZE, version, opener(settings)), buffered
            ),
            blobs=blobs,
            registry=registry(),
            send=no_send,
            version=version,
        )
        services.buffered = buffered
        return services

    def _opened(self, store: VectorStore) -> VectorStore:
        return _wrap(store, self.buffered)

    def _buffered_vectors(self) -> list[BufferedVectors]:
        return [v for v in (self.vectors, *self.collections.values()) if isinstance(v, BufferedVectors)]

    def send_vectors(self) -> None:
        """Hand the points projected so far to a vector store that writes them meanwhile (projections/buffered.py)."""
        for vectors in self._buffered_vectors():
            vectors.send()

    def flush_later(self) -> Callable[[], None]:
        """Start writing everything held, to go on projecting meanwhile; what is returned waits until it is all
        written (raising what went wrong). Rows held afterwards are not part of it."""
        sent = [done for vectors in self._buffered_vectors() for done in vectors.sent()]
        writing = self.store.flush_later() if isinstance(self.store, BufferedStore) else None

        def written() -> None:
            if writing is not None:
                writing.result()
            for done in sent:
                done()

        return written

    def flush(self) -> int:
        """Write everything held: the points are sent first, so that they are written while ClickHouse takes its
        rows; returns once both are written."""
        self.send_vectors()
        written = self.store.flush() if isinstance(self.store, BufferedStore) else 0
        for vectors in self._buffered_vectors():
            written += vectors.flush()
        return written

    @property
    def held(self) -> int:
        return self.store.held if isinstance(self.store, BufferedStore) else 0

    def unbuffered(self) -> Services:
        """The same version's stores writing at once, for live processing after the switch."""
        live = dataclasses.replace(
            self,
            store=MetadataStore(
                self.settings.clickhouse,
                database(self.version),
                open_generations(self.settings.cache_url),
                self.settings.cached_albums,
            ),
            vectors=_inner(self.vectors),
            collections={name: _inner(v) for name, v in self.collections.items()},
        )
        live.buffered = False  # collections it opens later write at once too
        return live


def _wrap(store: VectorStore, buffered: bool) -> VectorStore:
    return BufferedVectors(store) if buffered else store


def _inner(store: VectorStore) -> VectorStore:
    return store.inner if isinstance(store, BufferedVectors) else store


def parse_source(source: str) -> tuple[str, Any]:
    """``beginning``, ``time:<ISO 8601>`` or ``offset:<n>`` (the same offset in every partition)."""
    kind, _, value = source.partition(":")
    if kind == "beginning" and not value:
        return kind, None
    if kind == "time":
        at = datetime.fromisoformat(value)
        return kind, at if at.tzinfo else at.replace(tzinfo=UTC)
    if kind == "offset" and value.isdigit():
        return kind, int(value)
    raise ValueError(f"a replay starts at 'beginning', 'time:<ISO 8601>' or 'offset:<n>', not {source!r}")


class Replay:
    """One replay into one projection version; ``run`` it once (again after an interruption: it resumes)."""

    def __init__(self, settings: Settings, services: ReplayServices, source: str, batch: int = 5000) -> None:
        parse_source(source)
        self.settings, self.services, self.batch = settings, services, batch
        self.progress = Progress(version=services.version, source=source)
        self.client = services.store.client
        self.client.command(CHECKPOINTS)
        self._writing: tuple[asyncio.Future[None], dict[Partition, int]] | None = None

    @classmethod
    def start(cls, settings: Settings, source: str = "beginning", fresh: bool = False) -> Replay:
        """Resume the unfinished replay if there is one (unless ``fresh``), else begin a new version."""
        parse_source(source)
        store = MetadataStore(settings.clickhouse)
        try:
            versions = Versions(store.client)
            unfinished = None if fresh else versions.building()
            version, source = unfinished if unfinished else (versions.begin(source), source)
        finally:
            store.close()
        if unfinished:
            log.info("resuming the replay into version %d (from %s)", version, source)
        return cls(settings, ReplayServices.for_version(settings, version), source)

    async def run(
        self, switch: Callable[[Services], None] | None = None, on_progress: Callable[[Progress], None] | None = None
    ) -> Progress:
        """Replay to the end of the log, switch reads over (``switch`` also tells this process), read to the end
        once more. Returns the final progress."""
        reader = LogReader(self.settings)
        self.decoder = Decoder(self.settings)
        try:
            with heap.bulk():
                parts = await asyncio.to_thread(self._assign, reader)
                await self._read_to_end(reader, parts, on_progress)
                await asyncio.to_thread(self._switch, switch)
                await self._read_to_end(reader, parts, on_progress)
        except Exception as exc:
            self.progress.state, self.progress.error = "failed", f"{exc.__class__.__name__}: {exc}"
            log.exception("replay into version %d failed", self.progress.version)
            raise
        finally:
            self.decoder.close()
            await asyncio.to_thread(reader.close)
        if on_progress:
            on_progress(self.progress)
        return self.progress

    def _assign(self, reader: LogReader) -> list[Partition]:
        parts = reader.partitions([self.settings.topic(t) for t in PROJECTED_TOPICS])
        saved = self._checkpoints()
        bounds = reader.bounds(parts)
        kind, value = parse_source(self.progress.source)
        starts = {tp: bounds[tp][0] for tp in parts}
        if kind == "offset":
            starts = {tp: max(bounds[tp][0], value) for tp in parts}
        elif kind == "time":
            found = reader.offsets_at(parts, int(value.timestamp() * 1000))
            starts = {tp: bounds[tp][1] if found.get(tp) is None else int(found[tp] or 0) for tp in parts}
        self._origin = dict(starts)
        self._position = {tp: saved.get(tp, starts[tp]) for tp in parts}
        reader.assign(self._position)
        return parts

    async def _read_to_end(
        self, reader: LogReader, parts: list[Partition], on_progress: Callable[[Progress], None] | None
    ) -> None:
        ends = {tp: high for tp, (_, high) in (await asyncio.to_thread(reader.bounds, parts)).items()}
        positions = dict(self._position)
        self.progress.total = sum(ends[tp] - self._origin[tp] for tp in parts)
        self.progress.done = sum(positions[tp] - self._origin[tp] for tp in parts)
        flushed = time.monotonic()
        fetched = dict(positions)
        # batches fetched (being decoded, with a decoder process), in order, with the positions reached after each
        ahead: deque[tuple[Pending, list[Record], dict[Partition, int]]] = deque()
        while ahead or any(fetched[tp] < ends[tp] for tp in parts):
            while len(ahead) < DECODE_AHEAD and any(fetched[tp] < ends[tp] for tp in parts):
                messages = await asyncio.to_thread(reader.read, self.batch)
                for m in messages:
                    fetched[(m.topic, m.partition)] = m.offset + 1
                if messages:
                    ahead.append((self.decoder.decode([m.value for m in messages]), messages, dict(fetched)))
            if not ahead:
                continue
            decoding, messages, positions = ahead.popleft()
            await asyncio.to_thread(self._project, messages, decoding)
            self.progress.done = sum(positions[tp] - self._origin[tp] for tp in parts)
            if self.services.held >= FLUSH_ROWS or time.monotonic() - flushed > FLUSH_SECONDS:
                await self._checkpoint_written()
                # written while the next batches are projected; checkpointed once written (at the next flush)
                self._writing = (asyncio.ensure_future(asyncio.to_thread(self.services.flush_later())), positions)
                flushed = time.monotonic()
            if on_progress:
                on_progress(self.progress)
        await self._checkpoint_written()
        await asyncio.to_thread(self._flush, positions)
        # the reader has fetched exactly this far: the next pass (after the switch) goes on from here
        self._position = dict(fetched)

    def _project(self, messages: list[Any], decoding: Pending) -> None:
        for message, (kind, value) in zip(messages, decoding.result(), strict=True):
            if kind == "destroyed":
                self.progress.skipped += 1
                continue
            if kind == "unreadable":
                self.progress.unreadable += 1
                log.warning("%s[%d]@%d is not an event: %s", message.topic, message.partition, message.offset, value)
                continue
            name, record = value
            if self.services.erased(name, record):
                self.progress.skipped += 1
            elif projector.project(self.services, name, record):
                self.progress.projected += 1
        self.services.send_vectors()

    async def _checkpoint_written(self) -> None:
        """Wait for the write flush_later started, then record how far it reached."""
        if self._writing is None:
            return
        (writing, positions), self._writing = self._writing, None
        await writing
        await asyncio.to_thread(self._checkpoint, positions)

    def _flush(self, positions: dict[Partition, int]) -> None:
        self.services.flush()
        self._checkpoint(positions)

    def _checkpoint(self, positions: dict[Partition, int]) -> None:
        at, revision = datetime.now(UTC), time.time_ns()
        rows = [[topic, partition, offset, at, revision] for (topic, partition), offset in positions.items()]
        self.client.insert(
            "replay_checkpoints", rows, column_names=["topic", "partition", "next_offset", "at", "revision"]
        )

    def _checkpoints(self) -> dict[Partition, int]:
        result = self.client.query("SELECT topic, partition, next_offset FROM replay_checkpoints FINAL")
        return {(t, int(p)): int(o) for t, p, o in result.result_rows}

    def _switch(self, switch: Callable[[Services], None] | None) -> None:
        if switch:
            switch(self.services.unbuffered())
        Versions(self.client).switch(self.progress.version)
        self.progress.state = "switched"
        log.info("projection version %d is live", self.progress.version)

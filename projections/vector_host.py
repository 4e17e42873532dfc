"""qdrant-edge in a process of its own, so that its searches hold that process's interpreter lock, not ours.

qdrant-edge keeps the GIL for the whole of a query: 1-3 ms on a 40,000-frame album, more while its search threads
wait for a core. In the process that answers reads nothing else ran meanwhile: under 50 searching clients the
queries took 58 % of that process's interpreter time while a core stood idle. A host process owns every shard
this process opens; each call is a message on a pipe, and while one thread waits for its answer the others run.

One host per process, started on first use as `python -m projections.vector_host` (a new interpreter: it shares no
threads or chDB state with this one, and unlike multiprocessing's spawn it does not import the caller's main
script again). Calls are answered one at a time, in order. A host that dies is started again and reopens the
shards; the calls it had not answered are not repeated (they may have been applied), and raise. A host that dies
again and again (RESTARTS within a minute) is not started again: every call says why.
"""

from __future__ import annotations

import atexit
import itertools
import logging
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import Future
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, cast

from core import heap
from core.settings import Settings
from projections.vectors import EdgeOpener, EdgeVectors, Point, _Vectors

log = logging.getLogger("reverie.vectors")
RESTARTS = 3  # starts within a minute after which a dying host is left dead


class VectorHostError(RuntimeError):
    """The host process could not do what was asked; the message says what it raised, or that it died."""


def _serve(conn: Connection) -> None:
    """The host's loop: (call id, shard folder, method, arguments) in, (call id, True, result) or (call id, False,
    why) out, in order; None in ends it."""
    # Stopped by the process that started it, which closes the shards first; a signal to the whole process group
    # (Ctrl-C, `reverie down`) must not cut a shard's write short. If that process dies, the pipe ends and so do we.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    # What a call brings and answers (points, hits) dies with the call: collected less often than every 700
    # allocations, as in a replay's decoder (core/heap.py)
    heap.for_batches()
    stores: dict[str, EdgeVectors] = {}
    try:
        while True:
            try:
                asked = conn.recv()
            except EOFError:  # the process that started us is gone
                return
            if asked is None:
                return
            key, folder, method, args = asked
            try:
                if method == "open":
                    if folder not in stores:
                        stores[folder] = EdgeVectors(Path(folder), *args)
                    result: Any = None
                elif method == "model":
                    stores[folder].model = args[0]
                    result = None
                elif method == "close":
                    store = stores.pop(folder, None)
                    if store is not None:
                        store.close()
                    result = None
                else:
                    result = getattr(stores[folder], method)(*args)
            except Exception as exc:  # answered, not fatal: the next call may well succeed
                conn.send((key, False, f"{method} on {Path(folder).name}: {exc.__class__.__name__}: {exc}"))
            else:
                conn.send((key, True, result))
    finally:
        for store in stores.values():
            store.close()


class VectorHost:
    """The host process and the pipe to it. Any thread may call. Calls are sent in order without waiting for the
    answers to those before (a thread of ours reads the answers): the host goes on with the next call while the
    thread that asked the last one waits for this process's GIL. One call at a time, an answer waited for under a
    lock, kept the host idle a third of the time under 50 clients."""

    def __init__(self) -> None:
        self._lock = threading.Lock()  # sending, and the bookkeeping that goes with it
        self._waiting: dict[int, Future[Any]] = {}
        self._ids = itertools.count()
        self._opened: dict[str, tuple[str, int]] = {}  # folder → (model, size): reopened by a new host
        self._stopping = False
        self._broken: str | None = None  # why the host is left dead
        self._starts: list[float] = []
        self._start()

    def _start(self) -> None:
        ours, theirs = socket.socketpair()
        with theirs:
            self.process = subprocess.Popen(  # noqa: S603 - this interpreter, this module
                [sys.executable, "-m", "projections.vector_host", str(theirs.fileno())], pass_fds=[theirs.fileno()]
            )
        self._conn = Connection(ours.detach())
        self._starts = [t for t in self._starts if time.monotonic() - t < 60.0] + [time.monotonic()]
        threading.Thread(target=self._answers, args=(self._conn,), name="vector-host-answers", daemon=True).start()
        for folder, (model, size) in self._opened.items():
            self._send(folder, "open", (model, size))

    def call(self, folder: str, method: str, *args: Any) -> Any:
        """Ask the host and wait for its answer; raises VectorHostError with what went wrong there."""
        return self.submit(folder, method, *args).result()

    def submit(self, folder: str, method: str, *args: Any) -> Future[Any]:
        """Ask the host; its answer (or the VectorHostError) arrives in the future returned."""
        with self._lock:
            if self._broken is not None:
                raise VectorHostError(self._broken)
            if method == "open":
                self._opened[folder] = (args[0], args[1])
            elif method == "close":
                self._opened.pop(folder, None)
            elif method == "model" and folder in self._opened:
                self._opened[folder] = (args[0], self._opened[folder][1])
            return self._send(folder, method, args)

    def _send(self, folder: str, method: str, args: tuple[Any, ...]) -> Future[Any]:
        key, asked = next(self._ids), Future[Any]()
        self._waiting[key] = asked
        try:
            self._conn.send((key, folder, method, args))
        except OSError as exc:  # the host is gone: _answers starts another
            self._waiting.pop(key, None)
            raise VectorHostError(f"the vector host is gone ({exc.__class__.__name__}); {method} was not sent") from exc
        return asked

    def _answers(self, conn: Connection) -> None:
        while True:
            try:
                key, ok, result = conn.recv()
            except (EOFError, OSError):
                break
            asked = self._waiting.pop(key, None)
            if asked is None:
                continue
            if ok:
                asked.set_result(result)
            else:
                asked.set_exception(VectorHostError(result))
        with self._lock:
            unanswered = list(self._waiting.values())
            self._waiting.clear()
            for asked in unanswered:
                asked.set_exception(VectorHostError("the vector host died before it answered"))
            if self._stopping:
                return
            code = self.process.wait()
            if len(self._starts) >= RESTARTS:
                self._broken = f"the vector host died {len(self._starts)} times within a minute (last exit code {code})"
                log.error("%s; it is not started again", self._broken)
                return
            log.error("the vector host died (exit code %s); starting it again", code)
            self._start()

    def stop(self) -> None:
        """Close every shard (they flush) and end the host."""
        with self._lock:
            self._stopping = True
            try:
                self._conn.send(None)
            except OSError:
                pass
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


_host: VectorHost | None = None
_host_lock = threading.Lock()


def host() -> VectorHost:
    """This process's vector host, started on first use and stopped (its shards flushed) when the process ends."""
    global _host
    with _host_lock:
        if _host is None:
            _host = VectorHost()
            atexit.register(_host.stop)
        return _host


class HostedVectors(_Vectors):
    """One qdrant-edge collection, owned by the vector host: the same calls as EdgeVectors, across a pipe."""

    def __init__(self, path: Path, model: str, size: int) -> None:
        super().__init__(model, size)
        self.folder = str(path)
        self.host = host()
        self.host.call(self.folder, "open", model, size)

    @property
    def model(self) -> str:
        return self._model

    @model.setter
    def model(self, model: str) -> None:
        # point ids derive from the model (see _Vectors.point_id): the host's copy must follow
        if getattr(self, "_model", model) != model:
            self.host.call(self.folder, "model", model)
        self._model = model

    def upsert_points(self, points: list[Point]) -> None:
        self.host.call(self.folder, "upsert_points", points)

    def send_points(self, points: list[Point]) -> Future[Any]:
        """Upsert without waiting: the host writes while this process goes on (a replay projects its next batch);
        the future says when it is done, or raises what went wrong."""
        return self.host.submit(self.folder, "upsert_points", points)

    def search(
        self,
        user_id: str,
        vector: list[float],
        limit: int,
        captures: list[str] | None = None,
        exclude: list[str] | None = None,
        least: float | None = None,
    ) -> list[tuple[str, float, dict[str, Any]]]:
        hits = self.host.call(self.folder, "search", user_id, vector, limit, captures, exclude, least)
        return cast(list[tuple[str, float, dict[str, Any]]], hits)

    def vectors_of(self, user_id: str, capture_id: str) -> list[tuple[dict[str, Any], list[float]]]:
        return cast(
            list[tuple[dict[str, Any], list[float]]], self.host.call(self.folder, "vectors_of", user_id, capture_id)
        )

    def delete(self, user_id: str, key: str) -> None:
        self.host.call(self.folder, "delete", user_id, key)

    def delete_user(self, user_id: str, captures: list[str] | None = None) -> None:
        self.host.call(self.folder, "delete_user", user_id, captures)

    def relabel(self, user_id: str, field: str, old: str, new: str) -> None:
        self.host.call(self.folder, "relabel", user_id, field, old, new)

    def set_payload(self, user_id: str, keys: list[str], payload: dict[str, Any]) -> None:
        self.host.call(self.folder, "set_payload", user_id, keys, payload)

    def points(self, user_id: str | None = None) -> list[tuple[str, dict[str, Any]]]:
        return cast(list[tuple[str, dict[str, Any]]], self.host.call(self.folder, "points", user_id))

    def optimize(self) -> bool:
        return bool(self.host.call(self.folder, "optimize"))

    def close(self) -> None:
        self.host.call(self.folder, "close")


def start_early(settings: Settings) -> None:
    """Start this process's host now if it will use one: a new interpreter readies itself beside the worker's own
    start (Kafka topics, the gazetteer, the text model) rather than after it (the host costs 0.6-0.9 s of a 6-7 s
    start)."""
    if settings.vector_process and settings.qdrant.startswith("edge://"):
        host()


def opener(settings: Settings) -> EdgeOpener:
    """How this process opens a qdrant-edge collection: in the vector host, or here (REVERIE_VECTOR_PROCESS=false)."""
    return HostedVectors if settings.vector_process else EdgeVectors


if __name__ == "__main__":
    _serve(Connection(int(sys.argv[1])))

"""Rebuild equals live (issue 7): hypothesis drives random sequences of events — captures with every enrichment,
redeliveries, namings, places, devices, memory requests, capture deletions and users forgotten — through the
projector one event at a time as live processing does, then replays the same log with buffered writes into
another version, topic by topic as a replay reads it, and the two projections must be equal: every ClickHouse
table (without write times) and every Qdrant point with its payload. Real chDB and qdrant-edge; no broker needed.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, precondition, rule, run_state_machine_as_test

from bench.synthetic import Log
from core.settings import load_settings
from projections.buffered import BufferedStore
from projections.tables import TABLES
from schemas.envelope import new_event
from streams.agents import projector
from streams.replay import ReplayServices
from streams.runtime.services import EVENT_TOPICS, PROJECTED_TOPICS

USERS = ("ann", "ben")
Event = tuple[str, dict]


class Stores:
    """A live version (row at a time) and a replayed version (buffered), emptied before each sequence."""

    def __init__(self, folder: Path) -> None:
        config = load_settings().with_(data_dir=folder)
        self.live = ReplayServices.for_version(config, 1, buffered=False)
        self.replayed = ReplayServices.for_version(config, 2, buffered=True)

    def reset(self) -> None:
        for services in (self.live, self.replayed):
            for table in TABLES:
                services.store._command(f"TRUNCATE TABLE {table}")
            for vectors in services.every_collection():
                for user in USERS:
                    vectors.delete_user(user)
            services.store._tombstone_cache().clear()
            if isinstance(services.store, BufferedStore):
                services.store._erased.clear()

    def snapshot(self, services: ReplayServices) -> dict[str, object]:
        points = {v.name: found for v in services.every_collection() if (found := v.points())}
        return {**{t: services.store.snapshot(t) for t in TABLES}, "points": points}


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stores]:
    opened = Stores(tmp_path_factory.mktemp("rebuild"))
    yield opened
    # chDB serves one path per process: later tests open their own
    opened.live.close()
    opened.replayed.close()


def deliver(services: ReplayServices, name: str, event: dict) -> None:
    """What every agent's loop does with an event: drop it if it is about something erased, else project it."""
    if not services.erased(name, event):
        projector.project(services, name, event)


class RebuildEqualsLive(RuleBasedStateMachine):
    stores: Stores

    def __init__(self) -> None:
        super().__init__()
        self.stores.reset()
        self.log: list[Event] = []
        self.synthetic = Log(seed=0, users=1)
        self.seeds: set[int] = set()
        self.captures: dict[str, list[dict]] = {u: [] for u in USERS}  # uploads not deleted
        self.people: dict[str, list[str]] = {u: [] for u in USERS}
        self.memories: dict[str, list[dict]] = {u: [] for u in USERS}  # requests whose memory was not deleted
        self.forgotten: set[str] = set()

    def _happen(self, name: str, event: dict) -> None:
        self.log.append((name, event))
        deliver(self.stores.live, name, event)

    def _event(self, user: str, **fields: object) -> dict:
        """A new event at the next tick of the log's clock."""
        event = new_event(user, **fields)
        event["occurred_at"] = self.synthetic.tick()
        return event

    def active(self) -> list[str]:
        return [u for u in USERS if u not in self.forgotten]

    @precondition(lambda self: self.active())
    @rule(data=st.data(), seed=st.integers(0, 2**32), enriched=st.integers(1, 9))
    def capture(self, data: st.DataObject, seed: int, enriched: int) -> None:
        """A capture and the first ``enriched`` of its events (the rest may never have happened yet)."""
        # the seed makes the capture's ids: a seed drawn twice would be two different captures under one id, which
        # uuid4 ids never give (the first example to find it showed live and rebuilt disagreeing on which won)
        assume(seed not in self.seeds)
        self.seeds.add(seed)
        user = data.draw(st.sampled_from(self.active()))
        self.synthetic.rng = random.Random(seed)
        events = self.synthetic.capture(user)[:enriched]
        for name, event in events:
            self._happen(name, event)
            if name == "PeopleAssigned":
                self.people[user] += [a["person_id"] for a in event["assignments"]]
        self.captures[user].append(events[0][1])

    @precondition(lambda self: self.log)
    @rule(data=st.data())
    def redeliver(self, data: st.DataObject) -> None:
        """At-least-once delivery: an event projected again (the log holds it once)."""
        name, event = data.draw(st.sampled_from(self.log))
        deliver(self.stores.live, name, event)

    @precondition(lambda self: any(self.people[u] for u in self.active()))
    @rule(data=st.data(), name=st.sampled_from(["Anna", "Tom", "Mum"]))
    def name_person(self, data: st.DataObject, name: str) -> None:
        user = data.draw(st.sampled_from([u for u in self.active() if self.people[u]]))
        person = data.draw(st.sampled_from(self.people[user]))
        self._happen("PersonNamed", self._event(user, person_id=person, name=name, relationship=None))

    @precondition(lambda self: self.active())
    @rule(data=st.data(), place=st.sampled_from(["home", "work"]), lat=st.floats(-80, 80))
    def name_place(self, data: st.DataObject, place: str, lat: float) -> None:
        user = data.draw(st.sampled_from(self.active()))
        self._happen("PlaceNamed", self._event(user, name=place, lat=lat, lon=2.0, radius_m=200.0))

    @precondition(lambda self: self.active())
    @rule(data=st.data(), device=st.sampled_from(["glasses-1", "glasses-2"]), revoke=st.booleans())
    def device(self, data: st.DataObject, device: str, revoke: bool) -> None:
        user = data.draw(st.sampled_from(self.active()))
        if revoke:
            self._happen("DeviceRevoked", self._event(user, device_id=device))
        else:
            self._happen("DeviceRegistered", self._event(user, device_id=device, name=device))

    @precondition(lambda self: self.active())
    @rule(data=st.data(), text=st.sampled_from(["Paris", "the beach last summer"]))
    def request_memory(self, data: st.DataObject, text: str) -> None:
        user = data.draw(st.sampled_from(self.active()))
        fields = {"memory_id": self.synthetic._id(), "text": text, "target_seconds": None, "query": None}
        self._happen("MemoryRequested", self._event(user, **fields, cache_key=None))
        self.memories[user].append(fields)

    @precondition(lambda self: any(self.memories[u] for u in self.active()))
    @rule(data=st.data())
    def serve_from_cache(self, data: st.DataObject) -> None:
        user = data.draw(st.sampled_from([u for u in self.active() if self.memories[u]]))
        asked = data.draw(st.sampled_from(self.memories[user]))
        fields = {"memory_id": asked["memory_id"], "text": asked["text"], "query": None, "cache_key": "k"}
        self._happen("MemoryServedFromCache", self._event(user, **fields))

    @precondition(lambda self: any(self.captures[u] for u in self.active()))
    @rule(data=st.data())
    def delete_capture(self, data: st.DataObject) -> None:
        user = data.draw(st.sampled_from([u for u in self.active() if self.captures[u]]))
        upload = data.draw(st.sampled_from(self.captures[user]))
        self.captures[user].remove(upload)
        # the memories that used the capture go with it (the model's requests name no segments: draw some)
        asked = self.memories[user]
        used = data.draw(st.lists(st.sampled_from(asked), unique_by=lambda m: m["memory_id"]) if asked else st.just([]))
        self.memories[user] = [m for m in self.memories[user] if m not in used]
        memory_ids = [m["memory_id"] for m in used]
        fields = {"capture_id": upload["capture_id"], "object_key": upload["object_key"], "memory_ids": memory_ids}
        self._happen("CaptureDeleted", self._event(user, **fields))

    @precondition(lambda self: self.active())
    @rule(data=st.data())
    def forget(self, data: st.DataObject) -> None:
        """Terminal for the user in this model (a user id starting afresh is left out: see the issue note)."""
        user = data.draw(st.sampled_from(self.active()))
        captures = sorted({e["capture_id"] for n, e in self.log if n == "CaptureUploaded" and e["user_id"] == user})
        self.forgotten.add(user)
        self._happen("UserForgotten", self._event(user, capture_ids=captures))

    def teardown(self) -> None:
        if not self.log:
            return
        replayed = self.stores.replayed
        # A replay reads topic by topic: the farthest from live order that the log allows.
        rank = {topic: i for i, topic in enumerate(PROJECTED_TOPICS)}
        for name, event in sorted(self.log, key=lambda e: rank[EVENT_TOPICS[e[0]]]):
            deliver(replayed, name, event)
        replayed.flush()
        live, rebuilt = self.stores.snapshot(self.stores.live), self.stores.snapshot(replayed)
        assert rebuilt == live


def test_a_replayed_projection_equals_the_live_one(stores: Stores) -> None:
    RebuildEqualsLive.stores = stores
    budget = settings(max_examples=250, stateful_step_count=8, deadline=None, suppress_health_check=list(HealthCheck))
    run_state_machine_as_test(RebuildEqualsLive, settings=budget)

"""Browsing, deleting one capture and erasing a user, against the real stack."""

from pathlib import Path

import pytest

from streams.storage.blobs import BlobStore
from streams.storage.sealing import KeyDestroyed
from tests.conftest import Served, decode_all, produce, read_topic, settle, snapshot, wait_for
from tests.media_helpers import small_clip

pytestmark = pytest.mark.integration
TRIP = [  # (name, lat, lon, time)
    ("paris-1", 48.8584, 2.2945, "2025-06-12T09:15:00Z"),
    ("paris-2", 48.8606, 2.3376, "2025-06-13T10:00:00Z"),
    ("rome-1", 41.8902, 12.4922, "2025-07-01T12:00:00Z"),
]


def objects(served: Served, prefix: str) -> list[str]:
    blobs = BlobStore(served.settings)
    return [o.object_name for o in blobs.client.list_objects(blobs.bucket, prefix=prefix, recursive=True)]


def upload_trip(served: Served, user: str, tmp_path: Path) -> dict[str, str]:
    client = served.client(user)
    ids = {}
    for name, lat, lon, when in TRIP:
        clip = small_clip(tmp_path / f"{user}-{name}.mp4", seconds=2, lat=lat, lon=lon, when=when)
        ids[name] = client.upload(clip)["capture_id"]
    for capture_id in ids.values():
        client._wait(lambda c=capture_id: client.capture(c), lambda s: s["place"] is not None, 60)
    return ids


def browse(served: Served, user: str, **params: object) -> dict:
    response = served.client(user).http.get("/v1/captures", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_browsing_pages_and_filters_only_your_own_album(served: Served, tmp_path: Path):
    ids = upload_trip(served, "alice", tmp_path)
    upload_trip(served, "bob", tmp_path)
    first = browse(served, "alice", limit=2)
    assert [c["capture_id"] for c in first["captures"]] == [ids["rome-1"], ids["paris-2"]]  # newest first
    rest = browse(served, "alice", limit=2, cursor=first["next_cursor"])
    assert [c["capture_id"] for c in rest["captures"]] == [ids["paris-1"]] and rest["next_cursor"] is None
    assert {c["capture_id"] for c in browse(served, "alice", place="Paris")["captures"]} == {
        ids["paris-1"],
        ids["paris-2"],
    }
    assert [c["capture_id"] for c in browse(served, "alice", place="IT")["captures"]] == [ids["rome-1"]]
    june = browse(served, "alice", **{"from": "2025-06-13", "to": "2025-07-01"})
    assert [c["capture_id"] for c in june["captures"]] == [ids["paris-2"]]
    assert browse(served, "alice", person="nobody")["captures"] == []
    for bad in ({"limit": "0"}, {"cursor": "forged!"}, {"from": "last tuesday"}):
        assert served.client("alice").http.get("/v1/captures", params=bad).status_code == 422


def test_a_deleted_capture_and_its_memories_are_gone_for_good(served: Served, tmp_path: Path):
    ids = upload_trip(served, "alice", tmp_path)
    alice, bob = served.client("alice"), served.client("bob")
    memory = alice.wait_memory(alice.request_memory("Paris", target_seconds=5)["memory_id"])
    assert memory["status"] == "rendered"
    metrics = alice.http.get("/metrics").text
    assert 'reverie_memory_seconds_count{stage="finished"} 1.0' in metrics
    assert 'reverie_memory_seconds_count{stage="playable"} 1.0' in metrics
    victim = next(s["capture_id"] for s in memory["segments"])
    assert bob.http.delete(f"/v1/captures/{victim}").status_code == 404  # not bob's
    answer = alice.http.delete(f"/v1/captures/{victim}")
    assert answer.status_code == 202 and answer.json()["memory_ids"] == [memory["memory_id"]]
    wait_for(lambda: alice.http.get(f"/v1/captures/{victim}").status_code, lambda s: s == 404)
    wait_for(lambda: alice.http.get(f"/v1/memories/{memory['memory_id']}").status_code, lambda s: s == 404)
    settle(served)
    assert victim not in {c["capture_id"] for c in browse(served, "alice")["captures"]}
    assert not [k for k in objects(served, "raw/alice/") if victim in k]
    assert objects(served, f"memories/alice/{memory['memory_id']}") == []
    # a late (or replayed) event about the capture does not bring it back
    media = read_topic(served.settings, "media")
    assert not any(victim.encode() in v for _, v in media), "events are sealed: no id in clear"
    late = [m for m, (_, e) in zip(media, decode_all(served.settings, media), strict=True) if e["capture_id"] == victim]
    assert late, "the capture's MediaProbed should be in the log"
    produce(served.settings, "media", late)
    settle(served)
    assert alice.http.get(f"/v1/captures/{victim}").status_code == 404
    others = set(ids.values()) - {victim}
    assert {c["capture_id"] for c in browse(served, "alice")["captures"]} == others
    served.stop()
    state = snapshot(served.settings)
    assert not any(victim in repr(row) for table, rows in state.items() if table != "tombstones" for row in rows)


def test_forgetting_a_user_erases_everything_of_theirs_and_nothing_else(served: Served, tmp_path: Path):
    upload_trip(served, "alice", tmp_path)
    bob_ids = upload_trip(served, "bob", tmp_path)
    alice = served.client("alice")
    assert alice.http.put("/v1/places/home", json={"lat": 48.85, "lon": 2.35}).status_code == 202
    assert alice.http.post("/v1/devices", json={"device_id": "glasses-1"}).status_code == 201
    assert alice.http.request("DELETE", "/v1/me", json={"confirm": "yes"}).status_code == 422
    answer = alice.http.request("DELETE", "/v1/me", json={"confirm": "forget me"})
    assert answer.status_code == 202 and answer.json()["captures"] == len(TRIP)
    wait_for(lambda: browse(served, "alice")["captures"], lambda c: c == [])
    settle(served)
    assert alice.http.get("/v1/places").json()["places"] == []
    assert alice.http.get("/v1/devices").json()["devices"] == []
    assert objects(served, "raw/alice/") == [] and objects(served, "processed/alice/") == []
    assert {c["capture_id"] for c in browse(served, "bob")["captures"]} == set(bob_ids.values())
    # her keys are gone: every event ever written about her is unreadable (crypto-shredding) ...
    assert objects(served, "keys/alice/") == [] and objects(served, "keys/bob/") != []
    uploads = [(k, v) for k, v in read_topic(served.settings, "captures") if k == b"alice"]
    assert uploads and not any(b"Paris" in v or b"raw/alice" in v for _, v in uploads)
    for message in uploads:
        with pytest.raises(KeyDestroyed):
            decode_all(served.settings, [message])
    decode_all(served.settings, [m for m in read_topic(served.settings, "captures") if m[0] == b"bob"])
    # ... and replaying them brings nothing back
    produce(served.settings, "captures", uploads)
    settle(served)
    assert browse(served, "alice")["captures"] == []
    served.stop()
    state = snapshot(served.settings)
    rows = [row for table, rows in state.items() if table not in ("points", "tombstones") for row in rows]
    assert rows and not any("alice" in row for row in rows)  # bob's rows remain, none of alice's
    assert not any(p["user_id"] == "alice" for points in state["points"].values() for _, p in points)

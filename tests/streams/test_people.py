"""Faces → people on the real stack: the same person across clips and photos is one person; naming works."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from infra.album import encode_clip, photo
from tests.conftest import Served, decode_all, read_topic, wait_for
from tests.media_helpers import small_clip

pytestmark = pytest.mark.integration


def grace_hopper() -> np.ndarray:
    import matplotlib.cbook  # noqa: PLC0415 - a real portrait that ships with matplotlib

    return np.asarray(Image.open(matplotlib.cbook.get_sample_data("grace_hopper.jpg", asfileobj=False)))


def turn_faces(served: Served, user: str, enabled: bool) -> None:
    client = served.client(user)
    assert client.http.put("/v1/settings/face-recognition", json={"enabled": enabled}).status_code == 202
    wait_for(lambda: client.http.get("/v1/settings").json(), lambda s: s["face_recognition"] is enabled)


def test_faces_cluster_into_people_across_clips_and_photos(served: Served, tmp_path: Path):
    client = served.client("alice")
    turn_faces(served, "alice", True)
    astronaut_a = small_clip(tmp_path / "a.mp4", seconds=2, width=960, height=540, image="astronaut")
    astronaut_b = tmp_path / "b.mp4"
    encode_clip(astronaut_b, photo("astronaut"), {}, 960, 540, 2, pan=-1)
    hopper = tmp_path / "h.mp4"
    encode_clip(hopper, grace_hopper(), {}, 960, 540, 2)
    coffee = small_clip(tmp_path / "c.mp4", seconds=2, width=960, height=540, image="coffee")
    portrait = tmp_path / "p.jpg"
    Image.fromarray(photo("astronaut")).save(portrait, "JPEG")
    ids = {
        name: client.upload(path)["capture_id"]
        for name, path in [("a", astronaut_a), ("b", astronaut_b), ("h", hopper), ("c", coffee), ("p", portrait)]
    }

    people = wait_for(
        lambda: client.http.get("/v1/people").json()["people"], lambda p: sum(x["captures"] for x in p) >= 4
    )
    assert len(people) == 2, people
    astronaut = next(p for p in people if p["captures"] == 3)
    hopper_person = next(p for p in people if p["captures"] == 1)
    for key in ("a", "b", "p"):
        assert client.capture(ids[key])["people"] == [astronaut["person_id"]]
    assert client.capture(ids["h"])["people"] == [hopper_person["person_id"]]
    assert client.capture(ids["c"])["people"] == []
    detected = {
        e["capture_id"]: e
        for n, e in decode_all(read_topic(served.settings, "enrichments", expect=10))
        if n == "FacesDetected"
    }
    assert detected[ids["c"]]["faces"] == [] and detected[ids["c"]]["frames"] == 2

    named = client.http.post(f"/v1/people/{astronaut['person_id']}", json={"name": "Anna", "relationship": "Wife"})
    assert named.status_code == 202
    people = wait_for(
        lambda: client.http.get("/v1/people").json()["people"], lambda p: any(x["name"] == "Anna" for x in p)
    )
    anna = next(p for p in people if p["name"] == "Anna")
    assert anna["relationship"] == "wife" and anna["person_id"] == astronaut["person_id"]
    assert served.client("bob").http.get("/v1/people").json()["people"] == []
    assert served.client("bob").http.post(f"/v1/people/{anna['person_id']}", json={"name": "x"}).status_code == 404
    assert client.http.post(f"/v1/people/{anna['person_id']}", json={"name": ""}).status_code == 422

    # the user says Grace Hopper and Anna are one person: every face moves, and new faces follow
    merge = client.http.post(f"/v1/people/{hopper_person['person_id']}/merge", json={"into": anna["person_id"]})
    assert merge.status_code == 202
    people = wait_for(lambda: client.http.get("/v1/people").json()["people"], lambda p: len(p) == 1)
    assert people[0]["person_id"] == anna["person_id"] and people[0]["captures"] == 4
    again = tmp_path / "h2.mp4"
    encode_clip(again, grace_hopper(), {}, 960, 540, 2, pan=-1)
    later = client.upload(again)["capture_id"]
    wait_for(
        lambda: client.capture(later)["people"] if _exists(client, later) else [], lambda p: p == [anna["person_id"]]
    )
    assert (
        client.http.post(f"/v1/people/{anna['person_id']}/merge", json={"into": anna["person_id"]}).status_code == 422
    )


def _exists(client, capture_id: str) -> bool:
    return client.http.get(f"/v1/captures/{capture_id}").status_code == 200


def test_faces_are_only_recognised_for_users_who_turned_it_on_and_off_purges(served: Served, tmp_path: Path):
    client = served.client("alice")
    assert client.http.get("/v1/settings").json() == {"face_recognition": False}
    first = client.upload(small_clip(tmp_path / "a.mp4", seconds=2, width=960, height=540, image="astronaut"))
    client.wait_probed(first["capture_id"])
    turn_faces(served, "alice", True)
    second = client.upload(small_clip(tmp_path / "b.mp4", seconds=3, width=960, height=540, image="astronaut"))
    people = wait_for(lambda: client.http.get("/v1/people").json()["people"], lambda p: len(p) == 1)
    assert people[0]["captures"] == 1  # the clip from before the opt-in was not looked at
    assert client.capture(second["capture_id"])["people"] == [people[0]["person_id"]]
    detected = [
        e["capture_id"]
        for n, e in decode_all(read_topic(served.settings, "enrichments", expect=1))
        if n == "FacesDetected"
    ]
    assert detected == [second["capture_id"]]

    turn_faces(served, "alice", False)
    wait_for(lambda: client.http.get("/v1/people").json()["people"], lambda p: p == [])
    served.stop()
    try:
        from projections.vectors import open_vectors  # noqa: PLC0415
        from streams.faces import EMBEDDING_SIZE, MODEL  # noqa: PLC0415

        vectors = open_vectors(served.settings.qdrant, MODEL, EMBEDDING_SIZE)
        assert vectors.points("alice") == []
        vectors.close()
    finally:
        served.start()
    assert client.http.put("/v1/settings/face-recognition", json={"enabled": "yes"}).status_code == 422

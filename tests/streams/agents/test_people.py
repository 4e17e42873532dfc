"""Faces → people on the real stack: the same person across clips and photos is one person; naming works."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from core.shipped import shipped
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
        for n, e in decode_all(served.settings, read_topic(served.settings, "enrichments", expect=10))
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
    face = client.http.get(people[0]["face_url"])
    assert face.status_code == 200 and face.headers["content-type"] == "image/jpeg"
    picture = Image.open(io.BytesIO(face.content))
    assert max(picture.size) == 160 and min(picture.size) > 80  # a face, cut from the frame, not the whole frame
    assert served.client("bob").http.get(people[0]["face_url"]).status_code == 404
    # "this is my wife Anna", said while the astronaut is the one person in view, names her
    said = client.http.post("/v1/voice", json={"transcript": "This is my wife Anna"})
    assert said.status_code == 202 and said.json()["result"]["person_id"] == people[0]["person_id"]
    named = wait_for(lambda: client.http.get("/v1/people").json()["people"], lambda p: p[0]["name"] == "Anna")
    assert named[0]["relationship"] == "wife"
    detected = [
        e["capture_id"]
        for n, e in decode_all(served.settings, read_topic(served.settings, "enrichments", expect=1))
        if n == "FacesDetected"
    ]
    assert detected == [second["capture_id"]]

    turn_faces(served, "alice", False)
    wait_for(lambda: client.http.get("/v1/people").json()["people"], lambda p: p == [])
    served.stop()
    try:
        from projections.vectors import open_vectors  # noqa: PLC0415
        from streams.models.faces import EMBEDDING_SIZE, MODEL  # noqa: PLC0415

        vectors = open_vectors(served.settings.qdrant, MODEL, EMBEDDING_SIZE)  # the default face model's
        assert vectors.points("alice") == []
        vectors.close()
    finally:
        served.start()
    assert client.http.put("/v1/settings/face-recognition", json={"enabled": "yes"}).status_code == 422


def group_photo() -> np.ndarray:
    path = shipped("insightface", "data", "images", "t1.jpg", hint="pip install --no-deps insightface")
    return np.asarray(Image.open(path).convert("RGB"))


def test_group_photo_people_across_clips_split_and_enrolment(served: Served, tmp_path: Path):
    client = served.client("carol")
    turn_faces(served, "carol", True)
    group = group_photo()
    still = tmp_path / "t1.jpg"
    Image.fromarray(group).save(still, "JPEG", quality=92)
    left, right = tmp_path / "left.mp4", tmp_path / "right.mp4"
    encode_clip(left, group, {}, 1280, 720, 3, pan=1)
    encode_clip(right, group, {}, 1280, 720, 3, pan=-1)
    ids = {name: client.upload(path)["capture_id"] for name, path in [("still", still), ("l", left), ("r", right)]}
    for capture_id in ids.values():
        wait_for(lambda c=capture_id: client.capture(c) if _exists(client, c) else {}, lambda s: bool(s.get("people")))
    people = client.http.get("/v1/people").json()["people"]
    on_still = client.capture(ids["still"])["people"]
    assert len(on_still) == 6 and len(people) == 6  # six faces, six people: the clips' faces joined theirs
    for key in ("l", "r"):
        seen = client.capture(ids[key])["people"]
        assert len(seen) >= 4 and set(seen) <= set(on_still)  # the frame's edge cuts a face or two
    assert sum(p["captures"] == 3 for p in people) >= 3

    # naming "wife" works on a face of the group
    wife = next(p for p in people if p["captures"] == 3)
    assert (
        client.http.post(f"/v1/people/{wife['person_id']}", json={"name": "Anna", "relationship": "wife"}).status_code
        == 202
    )
    wait_for(
        lambda: client.http.get("/v1/people").json()["people"], lambda ps: any(p["relationship"] == "wife" for p in ps)
    )

    # split: the user says the face in the right-hand clip is somebody else
    faces_of = client.http.get(f"/v1/people/{wife['person_id']}/faces").json()["faces"]
    moving = [f["face_id"] for f in faces_of if f["capture_id"] == ids["r"]]
    assert moving and len(moving) < len(faces_of)
    split = client.http.post(f"/v1/people/{wife['person_id']}/split", json={"face_ids": moving})
    assert split.status_code == 202
    new_person = split.json()["new_person_id"]
    wait_for(lambda: client.capture(ids["r"])["people"], lambda p: new_person in p and wife["person_id"] not in p)
    assert wife["person_id"] in client.capture(ids["l"])["people"]
    assert client.http.post(f"/v1/people/{wife['person_id']}/split", json={"face_ids": ["nope"]}).status_code == 422
    assert served.client("dave").http.get(f"/v1/people/{wife['person_id']}/faces").status_code == 404

    # enrolment: a photo of the wearer's face alone makes that face's person "me"; a photo without a face says so
    detected = next(
        e
        for n, e in decode_all(served.settings, read_topic(served.settings, "enrichments", expect=6))
        if n == "FacesDetected" and e["capture_id"] == ids["still"]
    )
    face = max(detected["faces"], key=lambda f: f["w"] * f["h"])
    scale = group.shape[1] / detected["faces"][0]["frame_width"]
    x, y, w, h = (int(face[k] * scale) for k in ("x", "y", "w", "h"))
    selfie = tmp_path / "me.jpg"
    Image.fromarray(group[max(0, y - h) : y + 2 * h, max(0, x - w) : x + 2 * w]).save(selfie, "JPEG")
    enrolled = client.http.post("/v1/enrolments", content=selfie.read_bytes(), headers={"content-type": "image/jpeg"})
    assert enrolled.status_code == 202, enrolled.text
    done = wait_for(lambda: client.http.get(enrolled.json()["status_url"]).json(), settled)
    assert done["status"] == "done" and done["person_id"] in on_still
    me = wait_for(
        lambda: client.http.get("/v1/people").json()["people"], lambda ps: any(p["relationship"] == "me" for p in ps)
    )
    assert [p["person_id"] for p in me if p["relationship"] == "me"] == [done["person_id"]]
    no_face = tmp_path / "coffee.jpg"
    Image.fromarray(photo("coffee")).save(no_face, "JPEG")
    refused = client.http.post("/v1/enrolments", content=no_face.read_bytes(), headers={"content-type": "image/jpeg"})
    rejected = wait_for(lambda: client.http.get(refused.json()["status_url"]).json(), settled)
    assert rejected["status"] == "rejected" and "exactly one face" in rejected["reason"]
    assert client.http.post("/v1/enrolments", content=b"not a jpeg").status_code == 422
    assert served.client("dave").http.post("/v1/enrolments", content=selfie.read_bytes()).status_code == 409
    assert served.client("dave").http.get(enrolled.json()["status_url"]).status_code == 404


def settled(enrolment: dict) -> bool:
    return enrolment.get("status") not in (None, "pending")  # None: not projected yet


def test_users_name_their_own_places(served: Served):
    client = served.client("erin")
    assert client.http.put("/v1/places/Home", json={"lat": 48.8606, "lon": 2.3376, "radius_m": 150}).status_code == 202
    assert client.http.put("/v1/places/our hotel", json={"lat": 35.6762, "lon": 139.6503}).status_code == 202
    places = wait_for(lambda: client.http.get("/v1/places").json()["places"], lambda p: len(p) == 2)
    assert places == [
        {"name": "home", "lat": 48.8606, "lon": 2.3376, "radius_m": 150.0},
        {"name": "our hotel", "lat": 35.6762, "lon": 139.6503, "radius_m": 200.0},
    ]
    assert served.client("frank").http.get("/v1/places").json()["places"] == []
    assert served.client("frank").http.delete("/v1/places/home").status_code == 404
    for bad in ({"lat": 91, "lon": 0}, {"lat": "x", "lon": 0}, {"lat": 1, "lon": 2, "radius_m": 0}, {"lon": 1}):
        assert client.http.put("/v1/places/home", json=bad).status_code == 422, bad
    assert client.http.delete("/v1/places/home").status_code == 202
    wait_for(lambda: client.http.get("/v1/places").json()["places"], lambda p: [x["name"] for x in p] == ["our hotel"])

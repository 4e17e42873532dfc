"""Memories from words on the sample album plus a group photo clip in Paris, with mezzanines prepared: the people
and place asked for, crossfades, a playlist before the MP4, live status, the cache, and feedback on unknown names."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import av
import httpx
import numpy as np
import pytest
from PIL import Image

from core.settings import Settings
from core.shipped import shipped
from infra import sql
from infra.album import encode_clip
from infra.demo import verify_mp4
from streams.geo.gazetteer import format_iso6709
from streams.video import boxes
from tests.conftest import Served, isolated, settle, upload_album, wait_for
from tests.media_helpers import playlist_frames

pytestmark = pytest.mark.integration
GROUP_AT = "2025-06-13T12:00:00Z"


def group_clip(path: Path) -> Path:
    t1 = shipped("insightface", "data", "images", "t1.jpg", hint="pip install --no-deps insightface")
    meta = {"creation_time": GROUP_AT, "location": format_iso6709(48.8606, 2.3376)}
    encode_clip(path, np.asarray(Image.open(t1).convert("RGB")), meta, 1920, 1080, 8, pan=-1)
    return path


@pytest.fixture(scope="module")
def album(stack_settings: Settings, sample_album, tmp_path_factory) -> Iterator[tuple[Served, dict, str]]:
    folder = tmp_path_factory.mktemp("memories")
    served = Served(isolated(stack_settings, folder / "data").with_(prepare_media=True))
    served.start()
    try:
        client = served.client("wearer")
        assert client.http.put("/v1/settings/face-recognition", json={"enabled": True}).status_code == 202
        wait_for(lambda: client.http.get("/v1/settings").json(), lambda s: s["face_recognition"])
        ids = upload_album(client, sample_album)
        group = client.upload(group_clip(folder / "group.mp4"))["capture_id"]
        for capture_id in [*ids, group]:
            wait_for(lambda c=capture_id: client.capture(c), lambda s: s.get("prepared") and s["tags"], timeout=300)
        wait_for(lambda: client.capture(group)["people"], lambda p: len(p) >= 4, timeout=120)
        yield served, ids, group
    finally:
        served.close()


def test_my_wife_and_me_in_paris(album, tmp_path: Path):
    served, ids, group = album
    client = served.client("wearer")
    on_group = client.capture(group)["people"]
    wife, me = on_group[0], on_group[1]
    assert client.http.post(f"/v1/people/{wife}", json={"name": "Anna", "relationship": "wife"}).status_code == 202
    assert client.http.post(f"/v1/people/{me}", json={"name": "Sam", "relationship": "me"}).status_code == 202
    wait_for(
        lambda: {p["relationship"] for p in client.http.get("/v1/people").json()["people"]},
        lambda r: {"wife", "me"} <= r,
    )
    asked = client.http.post("/v1/memories", json={"text": "Create a memory video of my wife and me in Paris"})
    assert asked.status_code == 202, asked.text
    query = asked.json()["query"]
    assert [p["person_id"] for p in query["people"]] == [wife, me] and query["place"]["name"] == "Paris"
    memory = client.wait_memory(asked.json()["memory_id"], timeout=180)
    assert memory["status"] == "rendered", memory
    # only the Paris clip where both are on screen, and within it, seconds where they are
    assert {s["capture_id"] for s in memory["segments"]} == {group}
    faces = {p: client.http.get(f"/v1/people/{p}/faces").json()["faces"] for p in (wife, me)}
    for segment in memory["segments"]:
        for person in (wife, me):
            seen = [f["t"] for f in faces[person] if f["capture_id"] == group]
            assert any(segment["start_s"] <= t < segment["end_s"] for t in seen), (segment, person, seen)
        assert "the people you asked for are on screen" in segment["why"] and segment["mezzanine"]
    video = tmp_path / "m.mp4"
    video.write_bytes(httpx.get(memory["video_url"]).content)
    assert verify_mp4(video) > 0


def test_paris_days_with_crossfades_a_playlist_first_and_live_status(album, tmp_path: Path):
    served, ids, group = album
    client = served.client("wearer")
    asked = client.http.post("/v1/memories", json={"text": "a 30 second memory video of our days in Paris"}).json()
    with client.http.stream("GET", asked["events_url"], timeout=180) as events:
        statuses = [json.loads(line[5:])["status"] for line in events.iter_lines() if line.startswith("data:")]
    assert statuses[-1] == "rendered" and statuses == sorted(
        statuses, key=["requested", "planned", "playable", "rendered"].index
    )
    memory = client.memory(asked["memory_id"])
    paris = {c for c, clip in ids.items() if clip.city == "Paris"} | {group}
    assert {s["capture_id"] for s in memory["segments"]} <= paris
    assert len({s["capture_id"] for s in memory["segments"]}) >= 4  # spread over the trip
    assert abs(memory["duration_s"] - 30) <= 1.5, memory["duration_s"]  # ±5 %
    assert memory["playable_at"] <= memory["finished_at"]
    video = tmp_path / "m.mp4"
    video.write_bytes(httpx.get(memory["video_url"]).content)
    with video.open("rb") as file:  # faststart: the index first, so it plays as it loads
        assert [box[0] for box in boxes.top_level(file)] == [b"ftyp", b"moov", b"free", b"mdat"]
    assert video.stat().st_size == memory["size_bytes"]
    frames = verify_mp4(video)
    assert abs(frames - 30 * memory["duration_s"]) <= 2
    with av.open(str(video)) as clip:
        assert abs(float(clip.duration) / 1e6 - memory["duration_s"]) < 0.2
    # the playlist: byte ranges of the mezzanines and the crossfades, presigned, that decode to the same frames
    playlist = client.http.get(memory["playlist_url"])
    assert playlist.status_code == 200 and playlist.headers["content-type"].startswith("application/vnd.apple.mpegurl")
    lines = playlist.text.splitlines()
    assert "#EXT-X-ENDLIST" in lines
    assert lines.count("#EXT-X-DISCONTINUITY") == 2 * len(memory["segments"]) - 2  # a crossfade between bodies
    assert sum(float(line[8:].rstrip(",")) for line in lines if line.startswith("#EXTINF:")) == pytest.approx(
        memory["duration_s"], abs=0.05
    )

    def fetch(url: str, offset: int, size: int) -> bytes:
        got = httpx.get(url, headers={"Range": f"bytes={offset}-{offset + size - 1}"})
        assert got.status_code == 206 and len(got.content) == size
        return got.content

    assert playlist_frames(playlist.text, fetch, tmp_path) == frames
    assert httpx.get(memory["poster_url"]).content[:3] == b"\xff\xd8\xff"
    assert served.client("other").http.get(memory_url := asked["status_url"]).status_code == 404
    assert served.client("other").http.get(memory_url + "/playlist.m3u8").status_code == 404


def test_the_same_request_on_an_unchanged_album_is_answered_from_the_cache(album, tmp_path: Path):
    served, ids, group = album
    client = served.client("wearer")
    text = {"text": "Tokyo in September 2025", "target_seconds": 12}
    first = client.http.post("/v1/memories", json=text).json()
    assert client.wait_memory(first["memory_id"])["status"] == "rendered"
    again = client.http.post("/v1/memories", json={"text": "tokyo  in september 2025", "target_seconds": 12})
    assert again.status_code == 200 and again.json()["cached"] is True
    assert again.json()["memory_id"] == first["memory_id"]
    # the hit is an event too (MemoryServedFromCache), so analysts see the ratio
    settle(served)
    hits = "SELECT memory_id, text FROM memory_cache_hits WHERE user_id = 'wearer'"
    assert sql.query(served.settings, hits)[1] == [[first["memory_id"], "tokyo  in september 2025"]]
    _, ratio = sql.query(served.settings, "SELECT sum(hits), sum(requests) FROM cache_hit_ratio")
    assert ratio[0][0] == 1 and ratio[0][1] >= 2
    # a new capture moves the album's version: the request is planned afresh
    extra = tmp_path / "x.mp4"
    encode_clip(extra, np.full((90, 160, 3), 90, np.uint8), {}, 320, 180, 2)
    client.wait_probed(client.upload(extra)["capture_id"])
    fresh = client.http.post("/v1/memories", json=text)
    assert fresh.status_code == 202 and fresh.json()["memory_id"] != first["memory_id"]


def test_an_unknown_person_gets_feedback_not_an_empty_video(album):
    served, _, _ = album
    answer = served.client("wearer").http.post("/v1/memories", json={"text": "a video of Tom in Paris"})
    assert answer.status_code == 422
    assert answer.json()["error"] == "I don't know who Tom is: name them in People first."
    assert answer.json()["query"]["place"]["name"] == "Paris"
    husband = served.client("wearer").http.post("/v1/memories", json={"text": "my husband at the beach"})
    assert husband.status_code == 422 and "your husband" in husband.json()["error"]


def test_search_finds_moments_by_words_place_and_time(album):
    served, ids, group = album
    client = served.client("wearer")
    coffee = client.http.get("/v1/search", params={"q": "morning coffee"}).json()
    assert coffee["query"]["search_text"] == "morning coffee"
    assert ids[coffee["results"][0]["capture_id"]].photo == "coffee"
    tokyo = client.http.get("/v1/search", params={"q": "Tokyo in September 2025", "limit": 3}).json()["results"]
    assert len(tokyo) == 3 and {ids[r["capture_id"]].city for r in tokyo} == {"Tokyo"}
    assert served.client("other").http.get("/v1/search", params={"q": "morning coffee"}).json()["results"] == []
    assert client.http.get("/v1/search", params={"q": "x", "limit": "0"}).status_code == 422
    assert client.http.get("/v1/search").status_code == 422
    assert client.http.get("/v1/search", params={"q": "a video of Tom"}).status_code == 422


@pytest.mark.parametrize(("word", "photo"), [("cat", "chelsea"), ("coffee", "coffee"), ("animal", "chelsea")])
def test_a_word_for_what_clips_show_finds_those_clips_first(album, word: str, photo: str):
    served, ids, _ = album
    client = served.client("wearer")
    showing = {c for c, clip in ids.items() if clip.photo == photo}
    found = client.http.get("/v1/search", params={"q": word}).json()
    results = [r["capture_id"] for r in found["results"]]
    assert set(results[: len(showing)]) == showing, (word, found)
    assert all(r["why"] and r["why"].startswith("shows ") for r in found["results"][: len(showing)])


def test_a_video_of_the_cat_uses_only_the_clips_that_show_the_cat(album):
    served, ids, _ = album
    client = served.client("wearer")
    cats = {c for c, clip in ids.items() if clip.photo == "chelsea"}
    asked = client.http.post("/v1/memories", json={"text": "a video of the cat"})
    assert asked.status_code == 202, asked.text
    assert asked.json()["query"]["search_text"] == "cat"
    memory = client.wait_memory(asked.json()["memory_id"], timeout=180)
    assert memory["status"] == "rendered", memory
    assert {s["capture_id"] for s in memory["segments"]} == cats
    assert all("shows " in s["why"] for s in memory["segments"])


def test_a_time_said_without_a_year_is_the_latest_year_with_such_clips(album):
    served, ids, _ = album
    client = served.client("wearer")
    tokyo = {c for c, clip in ids.items() if clip.city == "Tokyo"}  # September 2025
    # said in October 2026: autumn 2026 has begun but holds no Tokyo clips, autumn 2025 does
    found = client.http.get("/v1/search", params={"q": "Tokyo in the autumn", "at": "2026-10-15T10:00:00+09:00"})
    assert found.status_code == 200, found.text
    answer = found.json()
    assert {r["capture_id"] for r in answer["results"]} == tokyo
    assert answer["query"]["time"]["start"].startswith("2025-09-01") and answer["query"]["time"]["year_chosen"] == 2025
    assert "the latest autumn with clips that match the rest (2025)" in answer["query"]["explanation"]
    # a year said is kept, even when it finds nothing
    said = client.http.get("/v1/search", params={"q": "Tokyo in the autumn of 2026", "at": "2026-10-15T10:00:00+09:00"})
    assert said.json()["results"] == [] and said.json()["query"]["time"]["year_chosen"] is None

"""More like this on the real stack: small clips of different photos, two of them of the same photo; the twin comes
first, the capture itself never, and nobody else's capture is reachable."""

from pathlib import Path

import pytest

from core.settings import Settings
from tests.conftest import Served, wait_for
from tests.media_helpers import small_clip

pytestmark = pytest.mark.integration


def test_a_capture_finds_the_other_clip_of_the_same_photo_first(served: Served, tmp_path: Path):
    alice = served.client("alice")
    cat = alice.upload(small_clip(tmp_path / "cat.mp4", seconds=3, image="chelsea"))["capture_id"]
    # the same photo again, another clip (longer and larger, so other bytes and another pan across it)
    twin = alice.upload(small_clip(tmp_path / "twin.mp4", seconds=4, width=384, height=216, image="chelsea"))
    others = [
        alice.upload(small_clip(tmp_path / f"{name}.mp4", seconds=3, image=name))["capture_id"]
        for name in ("coffee", "astronaut", "rocket")
    ]
    ids = [cat, twin["capture_id"], *others]
    for capture_id in ids:
        wait_for(lambda c=capture_id: alice.capture(c), lambda s: s["tags"], timeout=300)

    found = alice.http.get(f"/v1/captures/{cat}/similar")
    assert found.status_code == 200, found.text
    body = found.json()
    assert body["capture_id"] == cat and body["model"] == "mobilenet_v2-imagenet1k-v1-pooled/1"
    ranked = [s["capture_id"] for s in body["similar"]]
    assert ranked[0] == twin["capture_id"] and sorted(ranked) == sorted(ids[1:]), body
    scores = [s["score"] for s in body["similar"]]
    assert scores == sorted(scores, reverse=True) and scores[0] > scores[1]
    assert all(isinstance(s["t"], float) for s in body["similar"])

    # from the twin's last seconds, limited to one: the first clip of the cat
    later = alice.http.get(f"/v1/captures/{twin['capture_id']}/similar", params={"t": 3.5, "limit": 1}).json()
    assert [s["capture_id"] for s in later["similar"]] == [cat] and later["t"] > 0

    assert alice.http.get(f"/v1/captures/{cat}/similar", params={"t": "soon"}).status_code == 422
    assert alice.http.get("/v1/captures/no-such-capture/similar").status_code == 404
    # bob cannot read alice's capture, and his own album is empty of hers
    bob = served.client("bob")
    assert bob.http.get(f"/v1/captures/{cat}/similar").status_code == 404

    described = alice.http.get("/openapi.json").json()["paths"]["/v1/captures/{capture_id}/similar"]["get"]
    assert {p["name"] for p in described["parameters"]} == {"capture_id", "t", "limit"}
    assert {"200", "404", "409"} <= set(described["responses"])


@pytest.fixture
def undescribed(settings: Settings):  # type: ignore[no-untyped-def]
    """A server whose visual enrichment is off, so a capture stays projected and undescribed: the state a capture is
    in for the second or so before its frames are embedded, held still (racing that second made the test flaky)."""
    s = Served(settings.with_(enrich_visual=False))
    s.start()
    yield s
    s.close()


def test_a_capture_without_image_embeddings_answers_409_with_retry_after(undescribed: Served, tmp_path: Path):
    alice = undescribed.client("alice")
    cat = alice.upload(small_clip(tmp_path / "cat.mp4", seconds=3, image="chelsea"))["capture_id"]
    alice.wait_probed(cat)
    early = alice.http.get(f"/v1/captures/{cat}/similar")
    assert early.status_code == 409 and "not described yet" in early.json()["error"], early.text
    assert early.headers["Retry-After"] == "5"

"""What every request passes, against the real gateway: tokens, devices, rate and size limits, health, metrics."""

import time
from collections.abc import Iterator

import httpx
import jwt
import pytest

from core.settings import Settings
from gateway import auth
from infra import server
from tests.conftest import Served, wait_for

pytestmark = pytest.mark.integration


@pytest.fixture
def strict(settings: Settings) -> Iterator[Served]:
    """A gateway with a small burst, so that limits show within a test."""
    s = Served(settings.with_(rate_per_user=2.0, burst_per_user=8, rate_per_device=1.0, burst_per_device=4))
    s.start()
    yield s
    s.close()


def http(served: Served, token: str | None = None) -> httpx.Client:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.Client(base_url=server.base_url(served.settings), headers=headers, timeout=30)


def test_forged_expired_and_foreign_tokens_get_401(served: Served):
    settings = served.settings
    now = int(time.time())
    claims = {"iss": "reverie", "sub": "alice", "aud": settings.token_audience, "iat": now, "exp": now + 60}
    kid, secret = settings.token_keys.split(",")[0].split(":", 1)
    good = jwt.encode(claims, secret, "HS256", headers={"kid": kid})
    assert http(served, good).get("/v1/places").status_code == 200
    refused = {
        "expired": auth.issue(settings, "alice", ttl_s=-30),
        "other audience": jwt.encode({**claims, "aud": "billing"}, secret, "HS256", headers={"kid": kid}),
        "forged": jwt.encode(claims, "x" * 40, "HS256", headers={"kid": kid}),
        "old format": "rv1.alice.AAAA",
        "none": "",
    }
    for why, token in refused.items():
        answer = http(served, token).get("/v1/places")
        assert answer.status_code == 401, why
        assert answer.headers["www-authenticate"] == "Bearer" and "token" in answer.json()["error"]


def test_a_device_token_acts_for_its_device_until_revoked(served: Served):
    user = http(served, auth.issue(served.settings, "alice"))
    registered = user.post("/v1/devices", json={"device_id": "glasses-1", "name": "my glasses"})
    assert registered.status_code == 201
    device = http(served, registered.json()["token"])
    assert device.post("/v1/devices/glasses-1/commands", json={"command": "take_picture"}).status_code == 202
    assert device.get("/v1/devices/glasses-2/recordings").status_code == 403  # another device's
    assert device.post("/v1/devices", json={"device_id": "glasses-9"}).status_code == 403  # devices can't enrol
    assert device.request("DELETE", "/v1/me", json={"confirm": "forget me"}).status_code == 403
    wait_for(lambda: user.get("/v1/devices").json()["devices"], lambda d: [x["device_id"] for x in d] == ["glasses-1"])
    assert user.delete("/v1/devices/glasses-1").status_code == 202
    assert device.get("/v1/devices/glasses-1/recordings").status_code == 401
    again = user.post("/v1/devices", json={"device_id": "glasses-1"})
    assert again.status_code == 201
    assert device.get("/v1/devices/glasses-1/recordings").status_code == 401  # the old registration's token
    assert http(served, again.json()["token"]).get("/v1/devices/glasses-1/recordings").status_code == 200
    bob = http(served, auth.issue(served.settings, "bob"))
    assert bob.delete("/v1/devices/glasses-1").status_code == 404


def test_rate_limits_per_user_and_per_device_answer_429_with_retry_after(strict: Served):
    alice = http(strict, auth.issue(strict.settings, "alice"))
    statuses = [alice.get("/v1/places").status_code for _ in range(12)]
    assert statuses[:8] == [200] * 8 and 429 in statuses[8:]
    limited = next(r for r in (alice.get("/v1/places") for _ in range(5)) if r.status_code == 429)
    assert int(limited.headers["retry-after"]) >= 1
    assert http(strict, auth.issue(strict.settings, "bob")).get("/v1/places").status_code == 200  # bob's own bucket
    token = http(strict, auth.issue(strict.settings, "carol")).post("/v1/devices", json={"device_id": "g"})
    device = http(strict, token.json()["token"])
    statuses = [device.get("/v1/devices/g/recordings").status_code for _ in range(6)]
    assert statuses[:4] == [200] * 4 and 429 in statuses[4:]  # the device's burst (4) is below carol's (8)


def test_oversized_bodies_and_paths_that_climb_are_refused(served: Served):
    alice = http(served, auth.issue(served.settings, "alice"))
    big = b'{"text": "' + b"a" * (served.settings.max_body_bytes + 10) + b'"}'
    assert alice.post("/v1/memories", content=big, headers={"content-type": "application/json"}).status_code == 413
    chunks = (b"x" * 65536 for _ in range(40))  # streamed without a length: counted as it arrives
    streamed = alice.post("/v1/memories", content=chunks, headers={"content-type": "application/json"})
    assert streamed.status_code == 413
    for path in ("/v1/captures/..%2F..%2Fetc%2Fpasswd", "/v1/people/..%2Fbob", "/v1/memories/..%2F..%2Fbob"):
        assert alice.get(path).status_code in (404, 422), path
    assert alice.put("/v1/places/..%2Fhome", json={"lat": 1, "lon": 1}).status_code in (404, 422)
    assert alice.get("/v1/search", params={"q": "x" * 501}).status_code == 422


def test_readiness_and_metrics(served: Served):
    anonymous = http(served)
    ready = anonymous.get("/readyz")
    assert ready.status_code == 200 and ready.json()["checks"] == dict.fromkeys(
        ["kafka", "clickhouse", "qdrant", "s3"], "ok"
    )
    http(served, auth.issue(served.settings, "alice")).get("/v1/places")
    text = anonymous.get("/metrics").text
    assert 'reverie_http_request_seconds_count{endpoint="list_places",method="GET",status="200"}' in text
    assert 'reverie_consumer_lag{topic="captures"}' in text
    assert "# TYPE reverie_memory_seconds histogram" in text  # observed by the render agent: test_deletion.py

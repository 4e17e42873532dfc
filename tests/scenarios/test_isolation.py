"""Property: whatever bob sends to any operation of the API, with alice's ids in every path parameter and
query, he never reads, lists, searches, renders or deletes anything of alice's."""

from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from gateway import auth
from infra import server
from tests.conftest import Served, wait_for
from tests.gateway.api_schema import operations
from tests.media_helpers import small_clip

pytestmark = pytest.mark.integration
PLACE = "alicehideaway"


def alice_album(served: Served, tmp_path: Path) -> dict[str, str]:
    """Alice's things: a capture, a memory, a place, a device, a recording, a partial upload."""
    alice = served.client("alice")
    clip = small_clip(tmp_path / "a.mp4", seconds=2, lat=48.8584, lon=2.2945, when="2025-06-12T09:15:00Z")
    uploaded = alice.upload(clip)
    capture_id = uploaded["capture_id"]
    alice.wait_probed(capture_id)
    memory_id = alice.request_memory("Paris", target_seconds=5)["memory_id"]
    assert alice.wait_memory(memory_id)["status"] == "rendered"
    assert alice.http.put(f"/v1/places/{PLACE}", json={"lat": 48.85, "lon": 2.35}).status_code == 202
    assert alice.http.post("/v1/devices", json={"device_id": "glasses-a"}).status_code == 201
    started = alice.http.post("/v1/devices/glasses-a/commands", json={"command": "record_video"})
    upload_id = alice.create_upload(1000, filename="a.mp4").rsplit("/", 1)[-1]
    return {
        "capture": capture_id,
        "memory": memory_id,
        "recording": started.json()["recording_id"],
        "upload": upload_id,
        "device": "glasses-a",
        "place": PLACE,
        "sha256": uploaded["sha256"],
    }


def alice_is_intact(served: Served, ids: dict[str, str]) -> None:
    alice = served.client("alice")
    assert alice.http.get(f"/v1/captures/{ids['capture']}").status_code == 200
    assert alice.http.get(f"/v1/memories/{ids['memory']}").json()["status"] == "rendered"
    assert PLACE in [p["name"] for p in alice.http.get("/v1/places").json()["places"]]
    assert [d["revoked"] for d in alice.http.get("/v1/devices").json()["devices"]] == [False]
    assert alice.http.head(f"/v1/uploads/{ids['upload']}", headers={"Tus-Resumable": "1.0.0"}).status_code == 200
    recordings = alice.http.get("/v1/devices/glasses-a/recordings").json()["recordings"]
    assert [r["state"] for r in recordings] == ["recording"]


def test_bob_never_reaches_alices_data_through_any_endpoint(open_gate: Served, tmp_path: Path):
    ids = alice_album(open_gate, tmp_path)
    described = operations(open_gate)
    bob = {"Authorization": f"Bearer {auth.issue(open_gate.settings, 'bob')}"}
    values = st.sampled_from(sorted(v for k, v in ids.items() if k != "sha256"))
    private = [
        ids["capture"],
        ids["memory"],
        ids["recording"],
        ids["upload"],
        ids["sha256"],
        "raw/alice",
        "memories/alice",
    ]
    seen: list[tuple[str, int]] = []

    # Every operation is tried, each with its own draws: a random pick of operations could leave some untried.
    @given(data=st.data())
    @hypothesis_settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
    def bob_tries(operation: Any, data: st.DataObject) -> None:
        case = data.draw(operation.as_strategy())
        for name in list(case.path_parameters or {}):
            # a place's name is bob's to choose (and to read back): he tries alice's, not her ids
            case.path_parameters[name] = PLACE if name == "name" else data.draw(values)
        for name in list(case.query or {}):
            if data.draw(st.booleans()):
                case.query[name] = data.draw(values)
        response = case.call(headers=bob, timeout=60)
        seen.append((operation.label, response.status_code))
        asked = f"{response.request.url} {response.request.body!r}"
        leaked = [s for s in private if s in response.text and s not in asked]
        assert not leaked, f"{operation.label} answered {response.status_code} with alice's {leaked}"

    for operation in described:
        bob_tries(operation)
    assert {label for label, _ in seen} == {operation.label for operation in described}
    alice_is_intact(open_gate, ids)
    wait_for(lambda: httpx.get(f"{server.base_url(open_gate.settings)}/healthz").status_code, lambda s: s == 200)

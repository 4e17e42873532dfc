"""One memory request followed through the server's log by its request id, then by its event ids."""

from __future__ import annotations

import json

import pytest

from tests.conftest import Served

pytestmark = pytest.mark.integration


def lines(served: Served) -> list[dict]:
    return [json.loads(line) for line in served.log().splitlines() if line.startswith("{")]


def test_a_request_id_leads_to_the_event_it_emitted_and_to_the_agents_that_handled_it(served: Served):
    client = served.client("lou")
    asked = client.http.post("/v1/memories", json={"text": "a video of Tokyo"}, headers={"X-Request-Id": "follow-me-1"})
    assert asked.status_code == 202 and asked.headers["x-request-id"] == "follow-me-1"
    assert client.wait_memory(asked.json()["memory_id"])["status"] == "failed"  # no clips: the planner says why
    mine = [line for line in lines(served) if line.get("request_id") == "follow-me-1"]
    access = [line for line in mine if line["logger"] == "reverie.access"]
    assert [(a["method"], a["path"], a["status"], a["user_id"]) for a in access] == [
        ("POST", "/v1/memories", 202, "lou")
    ]
    [emitted] = [line for line in mine if line.get("emitted") == "MemoryRequested"]
    requested = emitted["emitted_id"]
    # the planner's lines are about that event (its MemoryFailed was logged before the projector showed it);
    # what it emitted names its own id, for the next step to follow
    handled = [line for line in lines(served) if line.get("event_id") == requested]
    assert {line.get("emitted") for line in handled} >= {"MemoryFailed"}
    assert all(line["user_id"] == "lou" and line["request_id"] is None for line in handled)


def test_a_request_without_an_id_gets_one_and_a_silly_one_is_replaced(served: Served):
    made = served.client("lou").http.get("/v1/captures")
    assert len(made.headers["x-request-id"]) == 32
    replaced = served.client("lou").http.get("/v1/captures", headers={"X-Request-Id": "x" * 65})
    assert replaced.headers["x-request-id"] != "x" * 65
    refused = served.client("lou").http.get("/v1/captures", headers={"Authorization": "Bearer forged"})
    assert refused.status_code == 401 and refused.headers["x-request-id"]

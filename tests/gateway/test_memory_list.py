"""GET /v1/memories: a user's own memories, newest first, with their status."""

from __future__ import annotations

import pytest

from tests.conftest import Served

pytestmark = pytest.mark.integration


def test_a_user_lists_their_own_memories_newest_first(served: Served):
    ann = served.client("ann")
    first = ann.request_memory("a video of Tokyo")["memory_id"]
    second = ann.request_memory("a video of Lima")["memory_id"]
    for memory_id in (first, second):
        assert ann.wait_memory(memory_id)["status"] == "failed"  # no clips there: a reason, quickly
    listed = ann.http.get("/v1/memories").json()["memories"]
    assert [m["memory_id"] for m in listed] == [second, first]
    assert listed[0]["status"] == "failed" and listed[0]["text"] == "a video of Lima"
    assert "no clips" in listed[0]["reason"] and listed[0]["status_url"] == f"/v1/memories/{second}"
    assert listed[0]["requested_at"] and listed[0]["finished_at"]
    assert [m["memory_id"] for m in ann.http.get("/v1/memories?limit=1").json()["memories"]] == [second]
    for silly in ("0", "201", "two", "-1"):
        refused = ann.http.get(f"/v1/memories?limit={silly}")
        assert refused.status_code == 400 and "limit" in refused.json()["error"]
    assert served.client("bob").http.get("/v1/memories").json() == {"memories": []}

"""`reverie sql` and the analysts' views, against the real stack."""

from pathlib import Path

import pytest

from gateway import auth
from infra import sql
from tests.conftest import Served, settle
from tests.media_helpers import small_clip


def test_tables_are_plain_text_with_numbers_on_the_right():
    text = sql.table(["stage", "n", "p95_s"], [["probe", 3, 0.25], ["speech", 12, None]])
    assert text.splitlines() == [
        "stage    n  p95_s",
        "------  --  -----",
        "probe    3  0.250",
        "speech  12   NULL",
        "(2 rows)",
    ]


@pytest.mark.integration
def test_analysts_query_the_views_through_the_running_gateway_or_the_store(served: Served, tmp_path: Path):
    client = served.client("ana")
    capture = client.upload(small_clip(tmp_path / "c.mp4", seconds=2, lat=48.8584, lon=2.2945))
    client.wait_probed(capture["capture_id"])
    memory = client.request_memory("Paris", target_seconds=5)
    assert client.wait_memory(memory["memory_id"])["status"] == "rendered"
    settle(served)
    columns, rows = sql.query(served.settings, "SELECT user_id, uploads FROM uploads_per_day")
    assert columns == ["user_id", "uploads"] and rows == [["ana", 1]]
    lags = dict(sql.query(served.settings, "SELECT stage, count() FROM enrichment_lag GROUP BY stage")[1])
    assert lags["probe"] == 1 and lags["places"] == 1
    _, latency = sql.query(served.settings, "SELECT text, playable_s, finished_s FROM memory_latency")
    assert latency[0][0] == "Paris" and 0 < latency[0][1] <= latency[0][2]
    assert sql.query(served.settings, "SELECT request, times FROM top_requests")[1] == [["paris", 1]]
    with pytest.raises(RuntimeError, match="readonly"):
        sql.query(served.settings, "DROP TABLE clips")
    # only operator tokens may: a user's own token is refused
    answer = client.http.post("/v1/admin/sql", json={"sql": "SELECT 1"})
    assert answer.status_code == 403
    device = auth.issue(served.settings, "ana", "glasses", "r", operator=True)
    assert client.http.post(
        "/v1/admin/sql", json={"sql": "SELECT 1"}, headers={"Authorization": f"Bearer {device}"}
    ).status_code in (401, 403)
    served.stop()  # with no server running, the store is opened directly
    assert sql.query(served.settings, "SELECT user_id FROM uploads_per_day")[1] == [["ana"]]

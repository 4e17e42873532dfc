"""Views for analysts over the same tables the product reads: uploads per day, enrichment lag per stage, memory
latency, cache hit ratio, top requests. They hold no data, so a replay rebuilds them with their tables. Example SQL is
in docs/operations.md; ``reverie sql "…"`` runs a read-only query and prints a table (Connection.analyst_query).
"""

from __future__ import annotations

_SINCE_UPLOAD = "dateDiff('millisecond', c.uploaded_at, {at}) / 1000.0"
_STAGES = {  # stage → (table, time column, extra condition)
    "probe": ("clips", "probed_at", ""),
    "mezzanine": ("assets", "made_at", " AND kind = 'mezzanine'"),
    "places": ("places", "resolved_at", ""),
    "shots": ("shots", "sampled_at", ""),
    "speech": ("transcripts", "heard_at", ""),
    "faces": ("faces", "found_at", ""),
    "visual": ("frames", "described_at", ""),
}


def _stage_lag(stage: str, table: str, column: str, condition: str) -> str:
    return (
        f"SELECT '{stage}' AS stage, c.user_id AS user_id, c.capture_id AS capture_id,"
        f" {_SINCE_UPLOAD.format(at='s.at')} AS lag_s"
        f" FROM captures AS c FINAL INNER JOIN (SELECT user_id, capture_id, min({column}) AS at FROM {table} FINAL"
        f" WHERE 1{condition} GROUP BY user_id, capture_id) AS s USING (user_id, capture_id)"
    )


_REQUESTS = (
    "SELECT user_id, memory_id, text, occurred_at AS at, false AS cached FROM memories FINAL WHERE stage = 'requested'"
    " UNION ALL SELECT user_id, memory_id, text, served_at AS at, true AS cached FROM memory_cache_hits FINAL"
)

VIEWS = (
    """CREATE OR REPLACE VIEW uploads_per_day AS
        SELECT toDate(uploaded_at) AS day, user_id, count() AS uploads, sum(size_bytes) AS bytes
        FROM captures FINAL GROUP BY day, user_id""",
    "CREATE OR REPLACE VIEW enrichment_lag AS " + " UNION ALL ".join(_stage_lag(s, *t) for s, t in _STAGES.items()),
    """CREATE OR REPLACE VIEW memory_latency AS
        SELECT user_id, memory_id, anyIf(text, stage = 'requested') AS text,
            minIf(occurred_at, stage = 'requested') AS requested_at,
            if(countIf(stage = 'playable') > 0,
               dateDiff('millisecond', requested_at, minIf(occurred_at, stage = 'playable')) / 1000.0,
               NULL) AS playable_s,
            if(countIf(stage = 'rendered') > 0,
               dateDiff('millisecond', requested_at, minIf(occurred_at, stage = 'rendered')) / 1000.0,
               NULL) AS finished_s,
            countIf(stage = 'failed') > 0 AS failed
        FROM memories FINAL GROUP BY user_id, memory_id
        HAVING countIf(stage = 'requested') > 0""",
    # every request is either planned (a 'requested' stage) or answered from the cache (a hit)
    f"CREATE OR REPLACE VIEW memory_requests AS {_REQUESTS}",
    """CREATE OR REPLACE VIEW cache_hit_ratio AS
        SELECT toDate(at) AS day, count() AS requests, countIf(cached) AS hits,
            round(hits / requests, 4) AS ratio
        FROM memory_requests GROUP BY day""",
    """CREATE OR REPLACE VIEW top_requests AS
        SELECT lower(trim(BOTH ' ' FROM text)) AS request, count() AS times, uniqExact(user_id) AS users,
            countIf(cached) AS cached
        FROM memory_requests GROUP BY request""",
)

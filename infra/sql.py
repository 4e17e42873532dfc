"""`reverie sql "…"`: a read-only query against the read model, printed as a table.

With the embedded topology running, the gateway's process owns chDB (one process per data path), so the query
goes through its operator endpoint; otherwise the store is opened here. With a ClickHouse server, analysts can
of course use any ClickHouse client instead.
"""

from __future__ import annotations

from typing import Any

from core.settings import Settings
from infra import operations

MAX_WIDTH = 60


def query(settings: Settings, sql: str) -> tuple[list[str], list[list[Any]]]:
    if operations.server_running(settings):
        body = operations.call(settings, "POST", "/v1/admin/sql", {"sql": sql})
        return body["columns"], body["rows"]
    from projections.clickhouse import MetadataStore  # noqa: PLC0415 - opening chDB is costly; only when needed

    store = MetadataStore(settings.clickhouse)
    try:
        columns, rows = store.analyst_query(sql)
    finally:
        store.close()
    return columns, [list(row) for row in rows]


def table(columns: list[str], rows: list[list[Any]]) -> str:
    """A plain text table, numbers right-aligned, long values cut."""
    cells = [[_text(v) for v in row] for row in rows]
    widths = [max([len(c), *(len(r[i]) for r in cells)]) for i, c in enumerate(columns)]
    numeric = [
        any(isinstance(r[i], int | float) for r in rows) and all(isinstance(r[i], int | float | None) for r in rows)
        for i in range(len(columns))
    ]

    def line(values: list[str]) -> str:
        cells = (v.rjust(w) if n else v.ljust(w) for v, w, n in zip(values, widths, numeric, strict=True))
        return "  ".join(cells).rstrip()

    rule = "  ".join("-" * w for w in widths)
    footer = f"({len(rows)} row{'s' * (len(rows) != 1)})"
    return "\n".join([line(columns), rule, *(line(r) for r in cells), footer]).rstrip()


def _text(value: Any) -> str:
    text = "NULL" if value is None else f"{value:.3f}" if isinstance(value, float) else str(value)
    return text if len(text) <= MAX_WIDTH else text[: MAX_WIDTH - 1] + "…"

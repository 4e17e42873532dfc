"""One ClickHouse connection through clickhouse-connect: chDB in-process (``chdb:///path``) or a server (``http://``).

Every table is a ReplacingMergeTree keyed by user first, so each write is an idempotent upsert (the same event
twice leaves one row) and every read filters by user. Reads use FINAL so that duplicates never show.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any

import clickhouse_connect

from projections.generations import ALBUM_TABLES, EVERYONE, Generations, local_generations
from projections.snapshot import Snapshots
from projections.tables import DDL, TABLES, VOLATILE
from projections.views import VIEWS


def utc(at: datetime) -> datetime:
    """chDB hands back DateTime64('UTC') columns as naive datetimes; events carry aware ones."""
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def version_of(at: datetime) -> int:
    """A row's version: the time of the event that wrote it, in milliseconds."""
    return int(at.timestamp() * 1000)


class Connection:
    """The session and the few ways every table is written and read. Thread-safe: chDB is one session per process."""

    def __init__(
        self, dsn: str, database: str = "default", generations: Generations | None = None, cached_users: int = 64
    ) -> None:
        self.dsn, self.database = dsn, database
        self._lock = threading.Lock()
        # writes move these counters; reads of a user's album are answered from a snapshot until they move
        self.generations = generations or local_generations()
        self.snapshots = Snapshots(cached_users)
        self.client = clickhouse_connect.get_client(dsn=dsn)
        if database != "default":
            # A projection version other than the first (projections/versions.py): its own database.
            self.client.command(f"CREATE DATABASE IF NOT EXISTS {database}")
            first, self.client = self.client, clickhouse_connect.get_client(dsn=dsn, database=database)
            first.close()  # chDB serves one path per process and lets go of it only when every client is closed
        for statement in (*DDL, *VIEWS):
            self.client.command(statement)

    def close(self) -> None:
        with self._lock:
            self.client.close()

    def _insert(self, table: str, row: dict[str, Any]) -> None:
        with self._lock:
            self.client.insert(table, [list(row.values())], column_names=list(row))
        self._moved(table, [row.get("user_id", EVERYONE)])

    def _insert_rows(self, table: str, rows: list[dict[str, Any]]) -> None:
        if rows:
            with self._lock:
                self.client.insert(table, [list(r.values()) for r in rows], column_names=list(rows[0]))
            self._moved(table, [r.get("user_id", EVERYONE) for r in rows])

    def _command(self, sql: str, **params: Any) -> None:
        with self._lock:
            self.client.command(sql, parameters=params)
        self.generations.moved([EVERYONE])  # a statement's rows are not named: every user's snapshot is read again

    def _moved(self, table: str, users: list[str]) -> None:
        """After the write, never before: a reader that saw the old counter reads again and sees the row."""
        if table in ALBUM_TABLES:
            self.generations.moved(users)

    def _rows(self, sql: str, **params: Any) -> list[dict[str, Any]]:
        with self._lock:
            result = self.client.query(sql, parameters=params)
        return [dict(zip(result.column_names, row, strict=False)) for row in result.result_rows]

    def _row(self, sql: str, **params: Any) -> dict[str, Any] | None:
        """The first row of a lookup by key, or None when there is none."""
        rows = self._rows(sql, **params)
        return rows[0] if rows else None

    def analyst_query(self, sql: str, max_rows: int = 10_000) -> tuple[list[str], list[tuple[Any, ...]]]:
        """One read-only statement for operators and analysts: ClickHouse refuses writes and DDL under readonly."""
        with self._lock:
            result = self.client.query(
                sql, settings={"readonly": 2, "max_result_rows": max_rows, "result_overflow_mode": "break"}
            )
        return list(result.column_names), [tuple(row) for row in result.result_rows]

    def snapshot(self, table: str) -> list[tuple[Any, ...]]:
        """All rows of a table, deduplicated and sorted, for comparing projections (operators and tests)."""
        if table not in TABLES:
            raise ValueError(f"unknown table {table!r}")
        with self._lock:
            result = self.client.query(
                f"SELECT * EXCEPT ({', '.join(VOLATILE[table])}) FROM {table} FINAL ORDER BY ALL"
            )
        return [tuple(row) for row in result.result_rows]

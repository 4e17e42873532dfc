"""The server's logs: one JSON object per line, and on each line the ids that say what it is about.

A request's lines carry its ``request_id`` (the client's ``X-Request-Id``, or one made for it, returned in the
response); an agent's lines carry the ``event_id``, ``causation_id`` and ``user_id`` of the event it handles. One
memory can so be followed from its POST to its render: the request's lines name the MemoryRequested it emitted, and
every later line about it names that event as its cause, or the event that one caused. The ids live in context
variables, which asyncio tasks and ``asyncio.to_thread`` carry along.

``REVERIE_LOG_FORMAT=text`` gives the same lines as plain text, for a person at a terminal.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

FIELDS = ("request_id", "event_id", "causation_id", "user_id")
_ids: dict[str, ContextVar[str | None]] = {name: ContextVar(name, default=None) for name in FIELDS}


class Ids(logging.Filter):
    """Puts the ids of the current request or event on every record (None where there is none)."""

    def filter(self, record: logging.LogRecord) -> bool:
        for name, var in _ids.items():
            if not hasattr(record, name):
                setattr(record, name, var.get())
        return True


@contextlib.contextmanager
def bound(**ids: str | None) -> Iterator[None]:
    """Lines logged inside (and in tasks and threads started inside) carry these ids."""
    tokens = [(_ids[name], _ids[name].set(value)) for name, value in ids.items()]
    try:
        yield
    finally:
        for var, token in reversed(tokens):
            var.reset(token)


def config(level: str = "INFO", form: str = "json") -> dict[str, Any]:
    """A ``logging.config.dictConfig`` for the server: stdout, JSON lines (or text), the ids on each line."""
    formatters: dict[str, Any] = {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            # the fields every line has, in this order; a record's extra fields follow them
            "fmt": ["asctime", "levelname", "name", "message", *FIELDS],
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s %(event_id)s]: %(message)s"},
    }
    if form not in formatters:
        raise ValueError(f"REVERIE_LOG_FORMAT must be json or text, not {form!r}")
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"ids": {"()": Ids}},
        "formatters": {form: formatters[form]},
        "handlers": {
            "stdout": {
                "class": "logging.StreamHandler",
                "formatter": form,
                "filters": ["ids"],
                "stream": "ext://sys.stdout",
            }
        },
        "root": {"level": level.upper(), "handlers": ["stdout"]},
        # a line per HTTP call the server makes itself (S3, health checks): their warnings still show
        "loggers": {name: {"level": "WARNING"} for name in ("httpx", "urllib3")},
    }

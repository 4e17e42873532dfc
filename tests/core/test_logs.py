"""Log lines are JSON objects carrying the ids of the request or event they are about."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from core import logs

CHILD = textwrap.dedent(
    """
    import asyncio, logging, logging.config
    from core import logs

    logging.config.dictConfig(logs.config("info", {form!r}))
    log = logging.getLogger("reverie.test")
    log.info("outside")
    with logs.bound(request_id="r-1", user_id="ann"):
        log.info("inside %s", "a request", extra={{"status": 202}})
        async def task():
            await asyncio.to_thread(log.info, "in a thread of a task")
        asyncio.run(task())
    log.info("after")
    """
)


def run(form: str) -> list[str]:
    done = subprocess.run([sys.executable, "-c", CHILD.format(form=form)], capture_output=True, text=True, check=True)
    return done.stdout.splitlines()


def test_json_lines_carry_the_bound_ids_into_tasks_and_threads_and_drop_them_after():
    outside, inside, threaded, after = (json.loads(line) for line in run("json"))
    assert outside["message"] == "outside" and outside["request_id"] is None
    assert inside["message"] == "inside a request" and inside["level"] == "INFO" and inside["logger"] == "reverie.test"
    assert (inside["request_id"], inside["user_id"], inside["status"]) == ("r-1", "ann", 202)
    assert threaded["request_id"] == "r-1"
    assert after["request_id"] is None and after["user_id"] is None
    assert set(logs.FIELDS) <= set(inside) and "time" in inside


def test_text_lines_for_a_terminal_and_a_clear_error_for_another_format():
    lines = run("text")
    assert "[r-1 None]: inside a request" in lines[1]
    with pytest.raises(ValueError, match="json or text"):
        logs.config("info", "xml")

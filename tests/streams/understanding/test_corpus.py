"""Every request of the understanding corpus (bench/relevance/requests.yaml), one test each, grouped by the kind of
failure it probes: a duration read out of ordinary words, "show me" taken for the wearer, relative and named
times, a city after "of", filler searched for, and the rest. Pure logic: no services."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml

from bench.understanding import CORPUS, FIELDS, expected, same, understood, vocabulary
from streams.understanding.request import parse

SPEC = yaml.safe_load(CORPUS.read_text())
ZONE = ZoneInfo(SPEC["timezone"])
NOW = datetime.fromisoformat(SPEC["now"]).astimezone(ZONE)
WORDS = vocabulary(SPEC["vocabulary"])
CASES = [pytest.param(r, id=f"{r['kind']}: {r['text']}") for r in SPEC["requests"]]


@pytest.mark.parametrize("request_", CASES)
def test_understood_as_a_careful_listener_would(request_: dict[str, Any]):
    got = understood(parse(request_["text"], NOW, WORDS, float(SPEC["defaults"]["target_seconds"])))
    want = expected(request_["expect"], ZONE)
    wrong = {f: (got[f], want[f]) for f in FIELDS if not same(f, got[f], want[f])}
    assert wrong == {}, "(got, want) per field"


def test_every_kind_of_failure_the_issue_names_has_several_requests():
    kinds = {r["kind"] for r in SPEC["requests"]}
    named = {
        "dur-holiday",
        "dur-us-state",
        "dur-dam-city",
        "dur-name-s",
        "me-object",
        "time-relative",
        "time-holiday",
        "time-range",
        "time-week",
        "duration",
        "place-after-of",
        "filler",
    }
    assert named <= kinds
    assert all(sum(r["kind"] == k for r in SPEC["requests"]) >= 5 for k in named)

"""Understanding, measured: every request of bench/relevance/requests.yaml parsed against its vocabulary and clock,
each field compared with what a correct system understands (people, place, time window, duration, search words,
unknown names). Pure logic: no services.

    python -m bench.understanding            # the figures, then every request that is not fully right
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter, defaultdict
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from streams.geo.gazetteer import fold
from streams.understanding.request import Query, Vocabulary, parse

CORPUS = Path(__file__).parent / "relevance" / "requests.yaml"
HELDOUT = Path(__file__).parent / "relevance" / "heldout" / "requests.yaml"
FIELDS = ("people", "place", "time", "target_seconds", "search", "unknown")
_UNKNOWN_NAME = re.compile(r"I don't know who (?:your )?(.+?) (?:is|are)\b")


def vocabulary(spec: dict[str, Any]) -> Vocabulary:
    """The product's vocabulary from the corpus's: people and named places as the user gave them."""
    return Vocabulary(
        people=[dict(p) for p in spec.get("people", [])],
        places=[dict(p) for p in spec.get("places", [])],
        regions=[dict(r) for r in spec.get("regions", [])],
        cities=[dict(c) for c in spec.get("cities", [])],
    )


def _instant(value: str, zone: ZoneInfo) -> datetime:
    if len(value) == 10:
        return datetime.combine(date.fromisoformat(value), datetime.min.time(), zone)
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


def understood(query: Query) -> dict[str, Any]:
    """The query in the corpus's terms."""
    return {
        "people": sorted(p.person_id for p in query.people),
        "place": None
        if query.place is None
        else {"kind": query.place.kind, "name": query.place.name, "country_code": query.place.country_code},
        "time": None if query.start is None or query.end is None else (query.start, query.end),
        "target_seconds": query.target_seconds,
        "search": sorted(fold(w) for w in query.search_text.split()),
        "unknown": sorted(m[1] for text in query.unknown if (m := _UNKNOWN_NAME.search(text))),
    }


def expected(expect: dict[str, Any], zone: ZoneInfo) -> dict[str, Any]:
    place = expect.get("place")
    time = expect.get("time")
    return {
        "people": sorted(expect.get("people") or []),
        "place": None if place is None else {k: place.get(k) for k in ("kind", "name", "country_code")},
        "time": None if time is None else (_instant(str(time["start"]), zone), _instant(str(time["end"]), zone)),
        "target_seconds": float(expect["target_seconds"]),
        "search": sorted(fold(w) for w in expect.get("search") or []),
        "unknown": sorted(expect.get("unknown") or []),
    }


def same(field: str, got: Any, want: Any) -> bool:
    if field == "place" and got is not None and want is not None:
        return fold(got["name"]) == fold(want["name"]) and (got["kind"], got["country_code"]) == (
            want["kind"],
            want["country_code"],
        )
    return bool(got == want)


def naive(text: str, default: float) -> dict[str, Any]:
    """The baseline measured beside the parser: nothing understood, every word that is not filler searched."""
    from streams.understanding.words import FILLER  # noqa: PLC0415

    words = [w for w in re.findall(r"[^\W\d_]+", text.lower()) if w not in FILLER]
    return {
        "people": [],
        "place": None,
        "time": None,
        "target_seconds": default,
        "search": sorted(words),
        "unknown": [],
    }


def evaluate(corpus: Path = CORPUS, baseline: bool = False) -> dict[str, Any]:
    spec = yaml.safe_load(corpus.read_text())
    zone = ZoneInfo(spec["timezone"])
    now = datetime.fromisoformat(spec["now"]).astimezone(zone)
    words = vocabulary(spec["vocabulary"])
    default = float(spec["defaults"]["target_seconds"])
    right: Counter[str] = Counter()
    by_kind: dict[str, Counter[str]] = defaultdict(Counter)
    failures = []
    for request in spec["requests"]:
        got = naive(request["text"], default) if baseline else understood(parse(request["text"], now, words, default))
        want = expected(request["expect"], zone)
        wrong = [f for f in FIELDS if not same(f, got[f], want[f])]
        right.update(f for f in FIELDS if f not in wrong)
        kind = by_kind[request["kind"]]
        kind["total"] += 1
        if not wrong:
            right["all"] += 1
            kind["right"] += 1
        else:
            failures.append(
                {
                    "text": request["text"],
                    "kind": request["kind"],
                    "wrong": {f: {"got": _show(got[f]), "want": _show(want[f])} for f in wrong},
                }
            )
    total = len(spec["requests"])
    return {
        "requests": total,
        "fully_right": round(right["all"] / total, 4),
        "per_field": {f: round(right[f] / total, 4) for f in FIELDS},
        "by_kind": {k: {"right": c["right"], "total": c["total"]} for k, c in sorted(by_kind.items())},
        "failures": failures,
    }


def bench_understanding() -> dict[str, Any]:
    """The bench's section: both corpora (the second written blind, of another user), and the baseline."""
    section: dict[str, Any] = {"goal_fully_right": 0.95}
    for name, corpus in (("corpus", CORPUS), ("heldout", HELDOUT)):
        result = evaluate(corpus)
        section[name] = {k: v for k, v in result.items() if k != "failures"}
        section[name]["failures"] = result["failures"][:40]
        section[name]["baseline_fully_right"] = evaluate(corpus, baseline=True)["fully_right"]
    return section


def _show(value: Any) -> Any:
    if isinstance(value, tuple):
        return [v.isoformat() for v in value]
    return value


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.understanding", description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--kind", default="", help="only the failures of this kind")
    args = parser.parse_args(argv)
    result = evaluate(args.corpus)
    for failure in result["failures"]:
        if not args.kind or failure["kind"] == args.kind:
            print(json.dumps(failure, ensure_ascii=False))
    summary = {k: v for k, v in result.items() if k != "failures"}
    print(json.dumps(summary, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()

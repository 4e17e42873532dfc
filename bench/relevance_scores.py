"""Scoring the relevance bench (bench/relevance_album.py): nDCG, top-1, false hits, memory precision and recall.
Pure logic: no services."""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable
from typing import Any

NDCG_K = 5


def dcg(gains: Iterable[float]) -> float:
    return sum(g / math.log2(rank + 2) for rank, g in enumerate(gains))


def ndcg(got: list[str], relevant: dict[str, int], k: int = NDCG_K) -> float:
    """nDCG@k with the grade as the gain (3, 2, 1; 0 for an item not in ``relevant``) and the ideal DCG from the
    grades themselves. A query whose ``relevant`` is empty asks for no result: it scores 1 when nothing came back
    and 0 otherwise."""
    if not relevant:
        return 1.0 if not got else 0.0
    ideal = dcg(sorted(relevant.values(), reverse=True)[:k])
    return dcg(relevant.get(item, 0) for item in got[:k]) / ideal


def score_search(entry: dict[str, Any], got: list[str]) -> dict[str, Any]:
    """One query's row: expected (best grade first), the top 5 it got, top-1 right or not, nDCG@5, false hits."""
    relevant: dict[str, int] = dict(entry.get("relevant") or {})
    irrelevant = set(entry.get("irrelevant") or [])
    top1 = entry.get("top1")
    return {
        "query": entry["query"],
        "expected": sorted(relevant, key=lambda i: (-relevant[i], i)),
        "top1": top1,
        "got": got[:NDCG_K],
        "results": len(got),
        "top1_right": None if top1 is None else bool(got and got[0] == top1),
        "ndcg5": round(ndcg(got, relevant), 3),
        "false_hits": [i for i in got if i in irrelevant],
    }


def _mean(values: Iterable[float | None]) -> float | None:
    kept = [v for v in values if v is not None]
    return round(statistics.fmean(kept), 3) if kept else None


def summarise_searches(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Figures over the measurable rows: top-1 accuracy over the queries with a top1, mean nDCG@5, and the share of
    all returned results that are labelled irrelevant."""
    measured = [r for r in rows if r.get("measurable", True)]
    with_top1 = [r for r in measured if r["top1"] is not None]
    returned = sum(r["results"] for r in measured)
    empty = [r for r in measured if not r["expected"]]
    return {
        "queries": len(measured),
        "top1_queries": len(with_top1),
        "top1_accuracy": _mean(1.0 if r["top1_right"] else 0.0 for r in with_top1),
        "ndcg_at_5": _mean(r["ndcg5"] for r in measured),
        "results": returned,
        "false_hit_share": round(sum(len(r["false_hits"]) for r in measured) / returned, 3) if returned else 0.0,
        "no_match_queries": len(empty),
        "no_match_right": sum(1 for r in empty if r["results"] == 0),
        **(
            {
                "baseline_top1_accuracy": _mean(1.0 if r["baseline"]["top1_right"] else 0.0 for r in with_top1),
                "baseline_ndcg_at_5": _mean(r["baseline"]["ndcg5"] for r in measured),
            }
            if measured and all("baseline" in r for r in measured)
            else {}
        ),
    }


def score_memory(
    entry: dict[str, Any], used: list[str], status: str, reason: str | None, clips: set[str]
) -> dict[str, Any]:
    """One request's row. ``used`` is the item of each segment, in order.

    precision: share of segments whose item is in ``allowed``; recall: share of ``must_include`` items used;
    recall_clips: the same over the must_include items that are clips (memory videos are cut from clips only, so
    this is what the product can reach today). An entry with empty ``allowed`` asks for no video: no segments with
    a "no clips found" failure is right (precision 1, recall 1); a video has precision 0 (its recall, of nothing,
    is left undefined). When a video was expected and none came, precision is undefined (nothing wrong was shown)
    and recall is 0: the row says ``no_video`` with the reason.
    """
    allowed, must = set(entry["allowed"]), list(entry["must_include"])
    must_clips = [i for i in must if i in clips]
    row: dict[str, Any] = {
        "text": entry["text"],
        "kind": entry["kind"],
        "now": entry["now"],
        "status": status,
        "reason": reason,
        "used": used,
        "must_include": must,
        "no_video": not used,
    }
    if not allowed:
        right = not used and "no clips found" in (reason or "")
        precision: float | None = 1.0 if right else (0.0 if used else None)
        recall: float | None = 1.0 if right else None
        return {**row, "precision": precision, "recall": recall, "recall_clips": recall}
    distinct = set(used)
    return {
        **row,
        "precision": round(sum(1 for i in used if i in allowed) / len(used), 3) if used else None,
        "recall": round(sum(1 for i in must if i in distinct) / len(must), 3) if must else None,
        "recall_clips": round(sum(1 for i in must_clips if i in distinct) / len(must_clips), 3) if must_clips else None,
        "outside": sorted({i for i in used if i not in allowed}),
    }


def summarise_memories(rows: list[dict[str, Any]]) -> dict[str, Any]:
    measured = [r for r in rows if r.get("measurable", True)]
    kinds: dict[str, Any] = {}
    for kind in sorted({r["kind"] for r in measured}):
        mine = [r for r in measured if r["kind"] == kind]
        kinds[kind] = {
            "requests": len(mine),
            "precision": _mean(r["precision"] for r in mine),
            "recall": _mean(r["recall"] for r in mine),
            "recall_clips": _mean(r["recall_clips"] for r in mine),
            "no_video": sum(1 for r in mine if r["no_video"]),
        }
    return {"requests": len(measured), "by_kind": kinds}


# ---------------------------------------------------------------- people and what can be measured (pure)

"""The relevance bench's scoring (bench/relevance_scores.py): pure logic, no services."""

from __future__ import annotations

import math

import pytest

from bench import relevance_scores as scores

CLIPS = {"clip-a", "clip-b", "clip-c"}


def memory(allowed: list[str], must: list[str], kind: str = "filter") -> dict[str, object]:
    return {"text": "t", "kind": kind, "now": "2026-06-17T15:00:00+02:00", "allowed": allowed, "must_include": must}


def test_ndcg_is_one_for_the_ideal_order_and_less_for_another():
    relevant = {"a": 3, "b": 2, "c": 1}
    assert scores.ndcg(["a", "b", "c"], relevant) == pytest.approx(1.0)
    assert scores.ndcg(["c", "b", "a"], relevant) < 1.0
    assert scores.ndcg(["x", "y"], relevant) == 0.0


def test_ndcg_uses_the_grade_as_gain_and_log2_discount():
    got = ["x", "a"]  # the grade-3 item second
    expected = (3 / math.log2(3)) / (3 / math.log2(2))
    assert scores.ndcg(got, {"a": 3}) == pytest.approx(expected)


def test_ndcg_counts_only_the_first_five():
    assert scores.ndcg(["1", "2", "3", "4", "5", "a"], {"a": 3}) == 0.0


def test_ideal_dcg_comes_from_the_grades_not_from_the_results():
    # one of two grade-3 items found first: not perfect, the other was missed
    assert scores.ndcg(["a"], {"a": 3, "b": 3}) == pytest.approx(3 / (3 + 3 / math.log2(3)))


def test_a_query_with_nothing_relevant_wants_no_result():
    assert scores.ndcg([], {}) == 1.0
    assert scores.ndcg(["a"], {}) == 0.0


def test_score_search_row():
    entry = {"query": "dog", "relevant": {"a": 3, "b": 1}, "irrelevant": ["z"], "top1": "a"}
    row = scores.score_search(entry, ["b", "z", "a", "q", "r", "s", "z2"])
    assert row["expected"] == ["a", "b"]
    assert row["got"] == ["b", "z", "a", "q", "r"]
    assert row["results"] == 7
    assert row["top1_right"] is False
    assert row["false_hits"] == ["z"]
    assert 0 < row["ndcg5"] < 1


def test_score_search_without_top1_leaves_top1_undefined():
    row = scores.score_search({"query": "animals", "relevant": {"a": 3}}, ["a"])
    assert row["top1_right"] is None and row["ndcg5"] == 1.0


def test_summarise_searches_counts_measurable_rows_only():
    rows = [
        {**scores.score_search({"query": "q1", "relevant": {"a": 3}, "irrelevant": ["z"], "top1": "a"}, ["a", "z"])},
        {**scores.score_search({"query": "q2", "relevant": {"b": 3}, "top1": "b"}, ["c"])},
        {**scores.score_search({"query": "cat", "relevant": {}}, [])},
        {**scores.score_search({"query": "Ben", "relevant": {"b": 3}, "top1": "b"}, []), "measurable": False},
    ]
    summary = scores.summarise_searches(rows)
    assert summary["queries"] == 3
    assert summary["top1_queries"] == 2
    assert summary["top1_accuracy"] == 0.5
    assert summary["false_hit_share"] == round(1 / 3, 3)  # one of three results returned
    assert summary["no_match_queries"] == 1 and summary["no_match_right"] == 1
    assert summary["ndcg_at_5"] == round((1.0 + 0.0 + 1.0) / 3, 3)


def test_memory_precision_counts_segments_and_recall_counts_items():
    row = scores.score_memory(
        memory(["clip-a", "clip-b", "photo-p"], ["clip-a", "clip-b", "photo-p"]),
        ["clip-a", "clip-a", "clip-c"],
        "rendered",
        None,
        CLIPS,
    )
    assert row["precision"] == round(2 / 3, 3)
    assert row["recall"] == round(1 / 3, 3)
    assert row["recall_clips"] == 0.5  # photo-p cannot be in a video
    assert row["outside"] == ["clip-c"]
    assert row["no_video"] is False


def test_no_video_when_one_was_expected_has_no_precision_and_no_recall():
    row = scores.score_memory(memory(["clip-a"], ["clip-a"]), [], "failed", "no clips found for …", CLIPS)
    assert row["precision"] is None and row["recall"] == 0.0 and row["no_video"] is True


def test_no_video_is_right_when_nothing_matches():
    row = scores.score_memory(memory([], [], "what"), [], "failed", "no clips found for a video", CLIPS)
    assert (row["precision"], row["recall"]) == (1.0, 1.0)


def test_a_video_when_nothing_matches_has_precision_zero():
    row = scores.score_memory(memory([], [], "what"), ["clip-a"], "rendered", None, CLIPS)
    assert row["precision"] == 0.0 and row["recall"] is None


def test_summarise_memories_per_kind():
    rows = [
        scores.score_memory(memory(["clip-a"], ["clip-a"]), ["clip-a"], "rendered", None, CLIPS),
        scores.score_memory(memory(["clip-a"], ["clip-a"]), ["clip-b"], "rendered", None, CLIPS),
        scores.score_memory(memory(["clip-a"], ["clip-a"], "what"), [], "failed", "no clips found", CLIPS),
        {**scores.score_memory(memory(["clip-a"], ["clip-a"]), [], "refused", "?", CLIPS), "measurable": False},
    ]
    summary = scores.summarise_memories(rows)
    assert summary["requests"] == 3
    assert summary["by_kind"]["filter"] == {
        "requests": 2,
        "precision": 0.5,
        "recall": 0.5,
        "recall_clips": 0.5,
        "no_video": 0,
    }
    assert summary["by_kind"]["what"]["precision"] is None
    assert summary["by_kind"]["what"]["no_video"] == 1

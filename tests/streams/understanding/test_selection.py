"""Selection as pure logic: fusion, windows, diversity, duplicates and the target length (no services)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from streams.understanding.selection import Clip, Frame, allot, best_window, choose, fuse, pick

T0 = datetime(2025, 6, 12, 9, tzinfo=UTC)


def clip(i: int, duration: float, gop: float = 0.5, hours: float | None = None, frames=(), signature=()) -> Clip:
    keyframes = [k * gop for k in range(int(duration / gop) + 1) if k * gop < duration - 1e-9]
    at = T0 + timedelta(hours=i if hours is None else hours)
    return Clip(f"c{i:02d}", f"k{i}", duration, keyframes, at, list(frames), list(signature))


def test_rank_fusion_rewards_agreement():
    assert fuse(["a", "b", "x"], ["b", "y", "a"]) == [
        "b",
        "a",
        "y",
        "x",
    ]  # agreement first; then y (2nd) before x (3rd)
    assert fuse(["a", "b", "c"], ["c", "b", "a"]) == ["a", "c", "b"]  # 1/61 + 1/63 beats 2/62
    assert fuse(["a"]) == ["a"] and fuse() == []


@given(st.lists(st.floats(0, 60), max_size=20), st.floats(0, 300))
def test_allot_never_exceeds_a_clip_and_fills_the_target_when_it_can(durations, target):
    shares = allot(durations, target)
    assert all(0 <= s <= d + 1e-9 for s, d in zip(shares, durations, strict=False))
    assert abs(sum(shares) - min(target, sum(durations))) < 1e-6


def test_the_window_covers_the_best_frames_and_lands_on_keyframes():
    frames = [Frame(t=float(t), people=1.0 if 10 <= t < 14 else 0.0) for t in range(20)]
    start, end = best_window(clip(0, 20.0, frames=frames), 4.0)
    assert (start, end) == (10.0, 14.0)
    # no scores at all: the middle
    assert best_window(clip(1, 20.0), 4.0) == (8.0, 12.0)


def test_choose_spreads_over_days_and_drops_near_duplicates():
    same = [1.0, 0.0, 0.0]
    day1 = [clip(i, 10.0, hours=i * 0.1, signature=same if i < 3 else [0.0, 1.0, 0.0]) for i in range(4)]
    day2 = [clip(10 + i, 10.0, hours=24 + i) for i in range(2)]
    ranked = [c.capture_id for c in day1 + day2]
    chosen = choose(day1 + day2, ranked, target_s=30.0, crossfade_s=0.5)
    ids = [c.capture_id for c in chosen]
    assert "c10" in ids  # the second day gets its turn before the first day's third clip
    assert sum(i in ids for i in ("c00", "c01", "c02")) == 1  # three near-identical clips: one is kept
    assert ids == sorted(ids, key=lambda k: next(c.captured_at for c in day1 + day2 if c.capture_id == k))


@given(st.lists(st.integers(4, 40), min_size=1, max_size=20), st.integers(20, 240), st.sampled_from([0.0, 0.5]))
def test_picks_hit_the_target_within_five_percent_when_there_is_footage(durations, target, crossfade):
    clips = [clip(i, float(d)) for i, d in enumerate(durations)]
    chosen = choose(clips, [c.capture_id for c in clips], float(target), crossfade)
    picks = pick(chosen, float(target), crossfade)
    total = sum(p.seconds for p in picks) - crossfade * max(0, len(picks) - 1)
    footage = sum(c.duration_s for c in chosen) - crossfade * max(0, len(chosen) - 1)
    assert [p.clip.captured_at for p in picks] == sorted(p.clip.captured_at for p in picks)
    for p in picks:
        assert p.start_s in p.clip.keyframes and (p.end_s in p.clip.keyframes or p.end_s == p.clip.duration_s)
        assert p.why
    if footage >= target * 1.05:
        assert abs(total - target) <= 0.05 * target, (total, target)
    else:
        assert total <= footage + 1e-6


def test_a_few_short_clips_that_barely_cover_the_target_all_give_their_share():
    picks = pick([clip(0, 3.0), clip(1, 3.0)], 5.0, 0.0)
    assert len(picks) == 2 and abs(sum(p.end_s - p.start_s for p in picks) - 5.0) <= 0.5 + 1e-9

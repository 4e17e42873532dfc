"""Selection: which clips, and which seconds of each, make a memory of the target length.

Pure logic over what retrieval found. Each sampled frame gets a score (semantic match with the search words, the
requested people on screen, face size, sharpness, motion); each clip's best window is the keyframe-aligned stretch
of its share of the target with the highest total. Clips are taken in fused rank order, round-robin over days so
that a trip is told across its days, near-duplicates dropped, and told in time order. Shares are water-filled so
that the total, after crossfades overlap, lands on the target when there is enough footage.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

MIN_SHARE_S = 3.0
PREFERRED_SHARE_S = 8.0
RRF_K = 60
NEAR_DUPLICATE = 0.985  # cosine of colour signatures of clips taken close in time
NEAR_DUPLICATE_WITHIN_S = 1800.0
WEIGHTS = {"semantic": 1.0, "people": 3.0, "face_size": 0.5, "sharpness": 0.3, "motion": 0.2}


@dataclass(frozen=True)
class Frame:
    t: float
    semantic: float = 0.0  # 0..1, how well the frame matches the search words
    people: float = 0.0  # 0..1, share of the requested people on screen
    face_size: float = 0.0  # 0..1, the largest face's share of the picture
    sharpness: float = 0.0  # 0..1 within the clip set
    motion: float = 0.0  # 0..1 within the clip set

    @property
    def score(self) -> float:
        return sum(WEIGHTS[name] * getattr(self, name) for name in WEIGHTS)


@dataclass
class Clip:
    capture_id: str
    object_key: str
    duration_s: float
    keyframes: list[float]
    captured_at: datetime
    frames: list[Frame] = field(default_factory=list)
    signature: list[float] = field(default_factory=list)
    place: str | None = None
    mezzanine: bool = False  # object_key and keyframes are the prepared copy's
    matched: str | None = None  # why it matched the words ("shows tabby, tiger cat")


@dataclass(frozen=True)
class Pick:
    clip: Clip
    start_s: float
    end_s: float
    why: str

    @property
    def seconds(self) -> float:
        return self.end_s - self.start_s


def fuse(*rankings: list[str]) -> list[str]:
    """Reciprocal rank fusion of several rankings of the same ids (an id missing from a ranking gets nothing)."""
    scores: dict[str, float] = {}
    for ranking in rankings:
        for rank, key in enumerate(ranking):
            scores[key] = scores.get(key, 0.0) + 1.0 / (RRF_K + rank + 1)
    return sorted(scores, key=lambda k: (-scores[k], k))


def _near_duplicate(a: Clip, b: Clip) -> bool:
    if not a.signature or not b.signature:
        return False
    close = abs((a.captured_at - b.captured_at).total_seconds()) <= NEAR_DUPLICATE_WITHIN_S
    return close and float(np.dot(a.signature, b.signature)) >= NEAR_DUPLICATE


def choose(clips: list[Clip], ranked: list[str], target_s: float, crossfade_s: float) -> list[Clip]:
    """Enough clips for the target, best first, round-robin over days, without near-duplicates."""
    by_id = {c.capture_id: c for c in clips}
    wanted = max(1, int(np.ceil((target_s + crossfade_s) / PREFERRED_SHARE_S)))
    days: dict[str, list[Clip]] = {}
    for key in ranked:
        clip = by_id[key]
        days.setdefault(f"{clip.captured_at:%Y-%m-%d}", []).append(clip)
    chosen: list[Clip] = []
    queues = list(days.values())
    while queues and (len(chosen) < wanted or _footage(chosen, crossfade_s) < target_s):
        for queue in list(queues):
            clip = queue.pop(0)
            if not any(_near_duplicate(clip, other) for other in chosen):
                chosen.append(clip)
            if not queue:
                queues.remove(queue)
    return sorted(chosen, key=lambda c: (c.captured_at, c.capture_id))


def _footage(clips: list[Clip], crossfade_s: float) -> float:
    return sum(c.duration_s for c in clips) - crossfade_s * max(0, len(clips) - 1)


def allot(durations: list[float], target: float) -> list[float]:
    """Split ``target`` seconds over clips as evenly as their lengths allow (water filling)."""
    shares = [0.0] * len(durations)
    open_ = [i for i, d in enumerate(durations) if d > 0]
    left = target
    while open_ and left > 1e-9:
        each = left / len(open_)
        still_open = []
        for i in open_:
            give = min(each, durations[i] - shares[i])
            shares[i] += give
            left -= give
            if durations[i] - shares[i] > 1e-9:
                still_open.append(i)
        open_ = still_open
    return shares


def best_window(clip: Clip, share: float) -> tuple[float, float]:
    """The keyframe-aligned window of about ``share`` seconds whose frames score highest (ties: the middle)."""
    starts = [k for k in clip.keyframes if k <= clip.duration_s - min(share, clip.duration_s) + 1e-6] or [0.0]
    middle = max(0.0, (clip.duration_s - share) / 2)

    times = [f.t for f in clip.frames]
    step = float(np.median(np.diff(times))) if len(times) > 1 else 1.0

    def total(start: float) -> tuple[float, float]:
        # each sampled frame stands for the time until the next one: count the part of it inside the window
        inside = sum(f.score * max(0.0, min(f.t + step, start + share) - max(f.t, start)) / step for f in clip.frames)
        return round(inside, 9), -abs(start - middle)

    start = max(starts, key=total)
    ends = [k for k in clip.keyframes if k > start + 1e-6] + [clip.duration_s]
    end = min(ends, key=lambda e: (abs(e - (start + share)), e))
    return start, end


def _why(clip: Clip, start: float, end: float) -> str:
    inside = [f for f in clip.frames if start - 1e-6 <= f.t < end - 1e-6]
    reasons = []
    if inside and max(f.people for f in inside) > 0:
        reasons.append("the people you asked for are on screen")
    if clip.matched and inside and max(f.semantic for f in inside) > 0:
        reasons.append(clip.matched)
    elif inside and max(f.semantic for f in inside) > 0.5:
        reasons.append("it matches what you described")
    if clip.place:
        reasons.append(f"taken in {clip.place} on {clip.captured_at:%Y-%m-%d}")
    else:
        reasons.append(f"taken on {clip.captured_at:%Y-%m-%d}")
    best = max(inside, key=lambda f: f.score, default=None)
    if best is not None and not reasons[:-1]:
        reasons.insert(0, "its sharpest, liveliest seconds")
    return "; ".join(reasons)


def pick(clips: list[Clip], target_s: float, crossfade_s: float) -> list[Pick]:
    """The windows, in time order, totalling the target (after crossfades overlap) when footage allows."""
    if not clips:
        return []
    overlap = crossfade_s * (len(clips) - 1)
    shares = allot([c.duration_s for c in clips], target_s + overlap)
    # no slivers, but never ask more of a clip than an even split of the target (a few short clips)
    even = (target_s + overlap) / len(clips)
    picks = []
    for clip, share in zip(clips, shares, strict=True):
        if share < min(MIN_SHARE_S, clip.duration_s, even) - 1e-6:
            continue
        start, end = best_window(clip, share)
        picks.append(Pick(clip, start, end, _why(clip, start, end)))
    return picks


def normalise(values: list[float]) -> list[float]:
    """Min-max to 0..1 (all equal: all 0)."""
    if not values:
        return []
    low, high = min(values), max(values)
    return [0.0 if high - low < 1e-12 else (v - low) / (high - low) for v in values]

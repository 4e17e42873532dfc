"""Retrieval: the clips a memory may use, each with a score per sampled frame, ranked by fusing what the filters
and the semantic search say.

Hybrid: ClickHouse applies the hard filters (user, time, place, all the requested people on screen somewhere);
Qdrant ranks the sampled frames (and transcripts) of those clips by similarity to the search words. The two
rankings are fused with reciprocal rank fusion.
"""

from __future__ import annotations

import statistics
from typing import Any

from streams import select, vision
from streams.services import Services
from streams.understand import Query

FACE_SCAN_WIDTH = 960  # the faces enricher looks at frames at most this wide


def _place(query: Query, radius_km: float) -> dict[str, Any] | None:
    if query.place is None:
        return None
    place = dict(query.place.__dict__)
    if place["radius_km"] is None:
        place["radius_km"] = radius_km
    return place


def _similarities(services: Services, user: str, text: str, captures: list[str]) -> tuple[dict, dict]:
    """(capture, t) → frame similarity, and capture → transcript similarity."""
    settings = services.settings
    model = vision.visual_model(settings.clip_model, settings.clip_checkpoint)
    frames = services.collection(model.name, model.size)
    hits = frames.search(user, model.embed_text(text), limit=max(100, 40 * len(captures)), captures=captures)
    by_frame = {(p["capture_id"], round(float(p["t"]), 3)): score for _, score, p in hits}
    words = services.collection(vision.TEXT_MODEL, vision.TEXT_SIZE)
    said = words.search(user, vision.text_embedder().embed([text])[0], limit=len(captures), captures=captures)
    return by_frame, {p["capture_id"]: score for _, score, p in said}


def retrieve(services: Services, user: str, query: Query) -> tuple[list[select.Clip], list[str]]:
    """The candidate clips with their frames scored, and their fused ranking (best first)."""
    store = services.store
    people = [p.person_id for p in query.people]
    rows = store.material(user, query.start, query.end, _place(query, services.settings.place_radius_km), people)
    if not rows:
        return [], []
    ids = [r["capture_id"] for r in rows]
    frames_by: dict[str, list[dict[str, Any]]] = {}
    for f in store.frames_of(user, ids):
        frames_by.setdefault(f["capture_id"], []).append(f)
    faces_by: dict[str, list[dict[str, Any]]] = {}
    for f in store.faces_on(user, ids):
        faces_by.setdefault(f["capture_id"], []).append(f)
    by_frame, by_transcript = _similarities(services, user, query.search_text, ids) if query.search_text else ({}, {})
    sharp_scale = statistics.median([f["sharpness"] for fs in frames_by.values() for f in fs] or [1.0]) or 1.0
    clips = [
        _clip(
            row,
            frames_by.get(row["capture_id"], []),
            faces_by.get(row["capture_id"], []),
            people,
            by_frame,
            sharp_scale,
        )
        for row in rows
    ]
    with_people = sorted(clips, key=lambda c: (-sum(f.people for f in c.frames), -_mean(c, "sharpness"), c.capture_id))
    rankings = [[c.capture_id for c in with_people]]
    if query.search_text:
        semantic = {c.capture_id: max([f.semantic for f in c.frames], default=0.0) for c in clips}
        for capture, score in by_transcript.items():
            semantic[capture] = max(semantic.get(capture, 0.0), score)
        rankings.append(sorted(semantic, key=lambda k: (-semantic[k], k)))
    return clips, select.fuse(*rankings)


def _mean(clip: select.Clip, attribute: str) -> float:
    return statistics.fmean([getattr(f, attribute) for f in clip.frames]) if clip.frames else 0.0


def _clip(
    row: dict[str, Any],
    frames: list[dict[str, Any]],
    faces: list[dict[str, Any]],
    people: list[str],
    by_frame: dict[tuple[str, float], float],
    sharp_scale: float,
) -> select.Clip:
    mezzanine = bool(row["mezzanine_key"])
    scan_width = min(FACE_SCAN_WIDTH, int(row["width"]) or FACE_SCAN_WIDTH)
    scan_area = float(scan_width * scan_width * int(row["height"] or 1) / max(1, int(row["width"] or 1)))
    times = sorted({round(float(f["t"]), 3) for f in frames} | {round(float(f["t"]), 3) for f in faces})
    motion = {round(float(f["t"]), 3): float(f["motion"]) for f in frames}
    sharpness = {round(float(f["t"]), 3): float(f["sharpness"]) for f in frames}
    scored = []
    for t in times:
        here = [f for f in faces if abs(float(f["t"]) - t) < 0.5]
        present = {f["person_id"] for f in here}
        scored.append(
            select.Frame(
                t=t,
                semantic=max(0.0, by_frame.get((row["capture_id"], t), 0.0)),
                people=len(present & set(people)) / len(people) if people else 0.0,
                face_size=min(1.0, max((f["w"] * f["h"] / scan_area for f in here), default=0.0) * 4),
                sharpness=min(1.0, sharpness.get(t, 0.0) / (2 * sharp_scale)),
                motion=min(1.0, motion.get(t, 0.0) / 20.0),
            )
        )
    place = f"{row['city']}, {row['country']}" if row.get("city") else None
    return select.Clip(
        capture_id=row["capture_id"],
        object_key=row["mezzanine_key"] if mezzanine else row["object_key"],
        duration_s=float(row["duration_s"]),
        keyframes=list(row["mezzanine_keyframes"] if mezzanine else row["keyframes"]),
        captured_at=row["captured_at"],
        frames=scored,
        signature=list(row["signature"]),
        place=place,
        mezzanine=mezzanine,
    )

"""Retrieval: the clips a memory may use, each with a score per sampled frame, ranked by fusing what the filters
and the semantic search say.

Hybrid: ClickHouse applies the hard filters (user, time, place, all the requested people on screen somewhere);
Qdrant ranks the sampled frames (and transcripts) of those clips by similarity to the search words. The two
rankings are fused with reciprocal rank fusion.
"""

from __future__ import annotations

import statistics
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from streams.models import factory, vision
from streams.runtime.services import Services
from streams.understanding import selection
from streams.understanding.request import Query

FACE_SCAN_WIDTH = 960  # the faces enricher looks at frames at most this wide
_POOL = ThreadPoolExecutor(max_workers=2, thread_name_prefix="retrieve")
DETAILED = 32  # clips scored frame by frame: twice what a 2-minute memory of 8 s shares uses
SEMANTIC_HITS = 400


def _place(query: Query, radius_km: float) -> dict[str, Any] | None:
    if query.place is None:
        return None
    place = dict(query.place.__dict__)
    if place["radius_km"] is None:
        place["radius_km"] = radius_km
    return place


def _query_vectors(services: Services, text: str) -> tuple[vision.Words, list[float], list[float]]:
    """The visual model's text side, the words in its space, and the words in the text model's space (one pass
    when both are MiniLM)."""
    settings = services.settings
    model = factory.visual_text(settings.clip_model, settings.clip_checkpoint)
    if isinstance(model, vision.CaptionText):
        visual, plain = model.text.predict([vision.caption_query(text), text])
        return model, visual, plain
    return model, model.predict(text), factory.text().predict([text])[0]


def _similarities(
    services: Services, user: str, text: str, captures: list[str] | None, vectors: Any = None
) -> tuple[dict[tuple[str, float], float], dict[str, float]]:
    """(capture, t) → similarity of the nearest frames, and capture → transcript similarity."""
    model, visual, plain = vectors or _query_vectors(services, text)
    limit = min(SEMANTIC_HITS, 8 * len(captures)) if captures is not None else SEMANTIC_HITS
    hits = services.collection(model.model_id, model.size).search(user, visual, limit=limit, captures=captures)
    by_frame = {(p["capture_id"], round(float(p["t"]), 3)): score for _, score, p in hits}
    embedder = factory.text()
    words = services.collection(embedder.model_id, embedder.size)
    said = words.search(user, plain, limit=min(SEMANTIC_HITS, len(captures or []) or SEMANTIC_HITS), captures=captures)
    return by_frame, {p["capture_id"]: score for _, score, p in said}


def retrieve(services: Services, user: str, query: Query) -> tuple[list[selection.Clip], list[str]]:
    """The best candidate clips (at most DETAILED) with their frames scored, and their fused ranking."""
    store = services.store
    people = [p.person_id for p in query.people]
    unfiltered = query.start is None and query.place is None and not people
    by_frame: dict[tuple[str, float], float] = {}
    by_transcript: dict[str, float] = {}
    near = None
    if query.search_text and unfiltered:
        # Words alone: the frames nearest to them name the candidates, rather than the whole album.
        by_frame, by_transcript = _similarities(services, user, query.search_text, None)
        near = list(dict.fromkeys([c for c, _ in by_frame] + list(by_transcript)))
    place = _place(query, services.settings.place_radius_km)
    # The words are embedded while ClickHouse filters: on two cores the overlap saves ~4 ms of ~35.
    vectors = (
        _POOL.submit(_query_vectors, services, query.search_text) if query.search_text and not unfiltered else None
    )
    ids = store.candidates(user, query.start, query.end, place, people, captures=near)
    if not ids:
        return [], []
    if vectors is not None:
        by_frame, by_transcript = _similarities(services, user, query.search_text, ids, vectors.result())
    # ClickHouse's ranking: how often the requested people are seen, then time; Qdrant's: the best frame or words.
    seen = store.people_seen(user, ids, people) if people else {}
    order = {c: i for i, c in enumerate(ids)}
    rankings = [sorted(ids, key=lambda c: (-seen.get(c, 0), order[c]))] if people else [ids]
    if query.search_text:
        semantic: dict[str, float] = {}
        for (capture, _), score in by_frame.items():
            semantic[capture] = max(semantic.get(capture, 0.0), score)
        for capture, score in by_transcript.items():
            semantic[capture] = max(semantic.get(capture, 0.0), score)
        rankings.append(sorted((c for c in ids if c in semantic), key=lambda k: (-semantic[k], k)))
    ranked = selection.fuse(*rankings)[:DETAILED]
    return _scored(services, user, store.material(user, ranked), people, by_frame), ranked


def _scored(
    services: Services,
    user: str,
    rows: list[dict[str, Any]],
    people: list[str],
    by_frame: dict[tuple[str, float], float],
) -> list[selection.Clip]:
    frames, faces = services.store.frames_and_faces(user, [r["capture_id"] for r in rows])
    frames_by: dict[str, list[dict[str, Any]]] = {}
    for f in frames:
        frames_by.setdefault(f["capture_id"], []).append(f)
    faces_by: dict[str, list[dict[str, Any]]] = {}
    for f in faces:
        faces_by.setdefault(f["capture_id"], []).append(f)
    sharp_scale = statistics.median([f["sharpness"] for fs in frames_by.values() for f in fs] or [1.0]) or 1.0
    return [
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


def _clip(
    row: dict[str, Any],
    frames: list[dict[str, Any]],
    faces: list[dict[str, Any]],
    people: list[str],
    by_frame: dict[tuple[str, float], float],
    sharp_scale: float,
) -> selection.Clip:
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
            selection.Frame(
                t=t,
                semantic=max(0.0, by_frame.get((row["capture_id"], t), 0.0)),
                people=len(present & set(people)) / len(people) if people else 0.0,
                face_size=min(1.0, max((f["w"] * f["h"] / scan_area for f in here), default=0.0) * 4),
                sharpness=min(1.0, sharpness.get(t, 0.0) / (2 * sharp_scale)),
                motion=min(1.0, motion.get(t, 0.0) / 20.0),
            )
        )
    place = f"{row['city']}, {row['country']}" if row.get("city") else None
    return selection.Clip(
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

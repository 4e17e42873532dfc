"""Retrieval: the captures a memory or a search may use, each with a score per sampled frame, best first.

ClickHouse applies the hard filters (user, time, place, all the requested people on screen somewhere). Words are
matched two ways: by the tags the frames carry, through WordNet ("cat" reaches tabby, "animal" every animal class:
streams/models/concepts.py), and by the image–text vectors in Qdrant (with transcripts). Words alone rank by what
the captures show and say, nothing else; a capture is kept only if it matches nearly as well as the best one
(RELATIVE), so "a video of the cat" is made of the cat, not of the whole album. Requested people rank too.
"""

from __future__ import annotations

import statistics
from concurrent.futures import ThreadPoolExecutor
from threading import Lock
from typing import Any

from cachetools import LRUCache, cached

from streams.models import factory, tags, vision
from streams.models.concepts import concepts
from streams.runtime.services import Services
from streams.understanding import selection
from streams.understanding.request import Query

FACE_SCAN_WIDTH = 960  # the faces enricher looks at frames at most this wide
_POOL = ThreadPoolExecutor(max_workers=2, thread_name_prefix="retrieve")
DETAILED = 32  # clips scored frame by frame: twice what a 2-minute memory of 8 s shares uses
SEMANTIC_HITS = 400
RELATIVE = 0.6  # a capture must match at least this share of the best match to be used for words
TAGGED = 0.7  # where tags mean the words, how much they decide (the vectors the rest)
MIN_SURE = 0.1  # tags must give the words this much probability to count: a 5 % "tabby" on a giraffe is no cat
MIN_VECTOR = 0.2  # the vectors' similarity above the blank frame's must reach this to count
MIN_SAID = 0.5  # a transcript's similarity to the words must reach this to count


def _place(query: Query, radius_km: float) -> dict[str, Any] | None:
    if query.place is None:
        return None
    place = dict(query.place.__dict__)
    if place["radius_km"] is None:
        place["radius_km"] = radius_km
    return place


def _query_vectors(services: Services, text: str) -> tuple[vision.Words, list[float], list[float], float]:
    """The visual model's text side, the words in its space, the words in the text model's space (one pass when
    both are MiniLM), and how close the words are to a frame nothing was seen in."""
    settings = services.settings
    model = factory.visual_text(
        *factory.clip_choice(settings.clip_model, settings.clip_checkpoint, settings.clip_hub_model)
    )
    return _embedded(model, text)


# The same words asked again (by anyone: they depend on the models, not on an album) are not embedded again.
@cached(LRUCache(4096), key=lambda model, text: (model.model_id, factory.text().model_id, text), lock=Lock())
def _embedded(model: vision.Words, text: str) -> tuple[vision.Words, list[float], list[float], float]:
    if isinstance(model, vision.CaptionText):
        visual, plain, blank = model.text.predict([vision.caption_query(text), text, tags.caption([])])
        # Every caption starts "a photo of": a frame the tagger saw nothing in ("a photo") sits at 0.5-0.65 from
        # any words, real matches at 0.75-0.95, others below the blank. Similarity counts only above the blank.
        return model, visual, plain, float(sum(a * b for a, b in zip(visual, blank, strict=True)))
    return model, model.predict(text), factory.text().predict([text])[0], 0.0


def _similarities(
    services: Services, user: str, text: str, captures: list[str] | None, vectors: Any = None
) -> tuple[dict[tuple[str, float], float], dict[str, float]]:
    """(capture, t) → similarity of the nearest frames above the blank frame's (0..1), and capture → transcript
    similarity."""
    model, visual, plain, blank = vectors or _query_vectors(services, text)
    limit = min(SEMANTIC_HITS, 8 * len(captures)) if captures is not None else SEMANTIC_HITS
    # Nearest frames at or below the blank frame's similarity, and transcripts below MIN_SAID, add nothing to any
    # capture's relevance (_relevance): they are not fetched. Among the nearest 400 of a 40,000-frame album, words
    # nothing in it shows had none above the blank, and the search took 1.0 ms instead of 1.8.
    frames = services.collection(model.model_id, model.size)
    hits = frames.search(user, visual, limit=limit, captures=captures, least=blank)
    by_frame = {
        (p["capture_id"], round(float(p["t"]), 3)): max(0.0, (score - blank) / (1.0 - blank)) for _, score, p in hits
    }
    embedder = factory.text()
    words = services.collection(embedder.model_id, embedder.size)
    limit = min(SEMANTIC_HITS, len(captures or []) or SEMANTIC_HITS)
    said = words.search(user, plain, limit=limit, captures=captures, least=MIN_SAID)
    return by_frame, {p["capture_id"]: score for _, score, p in said}


MEMORY = ("video", "photo")  # a memory shows videos and the stills prepared from photos
SEARCH = ("video", "photo")


def retrieve(
    services: Services, user: str, query: Query, kinds: tuple[str, ...] = MEMORY, cut: bool = True
) -> tuple[list[selection.Clip], list[str]]:
    """The best candidates (at most DETAILED) with their frames scored, and their ranking; with ``cut``, only
    what a memory can be cut from (a photo once its still is prepared)."""
    store = services.store
    people = [p.person_id for p in query.people]
    words = query.search_text
    meant = concepts().of_text(words) if words else {}
    unfiltered = query.start is None and query.place is None and not people
    by_frame: dict[tuple[str, float], float] = {}
    by_transcript: dict[str, float] = {}
    tagged: dict[tuple[str, float], tuple[float, str]] = {}
    near = None
    if words and unfiltered:
        # Words alone: the frames that match them name the candidates, rather than the whole album.
        # the tags are read from ClickHouse while Qdrant searches the vectors
        tags_read = _POOL.submit(_tagged, services, user, meant, None)
        by_frame, by_transcript = _similarities(services, user, words, None)
        tagged = tags_read.result()
        near = list(dict.fromkeys([c for c, _ in by_frame] + list(by_transcript) + [c for c, _ in tagged]))
    place = _place(query, services.settings.place_radius_km)
    # The words are embedded while ClickHouse filters: on two cores the overlap saves ~4 ms of ~35.
    vectors = _POOL.submit(_query_vectors, services, words) if words and not unfiltered else None
    ids = store.candidates(user, query.start, query.end, place, people, captures=near, kinds=kinds, needs_cut=cut)
    if not ids:
        return [], []
    if vectors is not None:
        tags_read = _POOL.submit(_tagged, services, user, meant, ids)
        by_frame, by_transcript = _similarities(services, user, words, ids, vectors.result())
        tagged = tags_read.result()
    relevance, frames, why = _relevance(ids, bool(meant), by_frame, by_transcript, tagged)
    order = {c: i for i, c in enumerate(ids)}
    best = max(relevance.values(), default=0.0)
    if words and (best > 0 or unfiltered):
        # Words nothing matches leave nothing when they are all that was asked ("coffee" in an album without
        # any); beside a place, a time or people they are a wish, not a filter ("Sam's graduation").
        ids = [c for c in ids if best > 0 and relevance.get(c, 0.0) >= RELATIVE * best]
    by_words = sorted(ids, key=lambda c: (-relevance.get(c, 0.0), order[c]))
    if people:
        seen = store.people_seen(user, ids, people)
        by_people = sorted(ids, key=lambda c: (-seen.get(c, 0), order[c]))
        ranked = selection.fuse(by_people, by_words) if words else by_people
    else:
        ranked = by_words  # words: what the captures show; no words: time order (selection spreads it over days)
    ranked = ranked[:DETAILED]
    clips = _scored(services, user, store.material(user, ranked), people, frames)
    for clip in clips:
        clip.matched = why.get(clip.capture_id)
    return clips, ranked


def _tagged(
    services: Services, user: str, meant: dict[str, dict[str, float]], captures: list[str] | None
) -> dict[tuple[str, float], tuple[float, str]]:
    """(capture, t) → how surely the frame shows what the words mean (0..1), and the tags that say so."""
    if not meant:
        return {}
    labels = sorted({label for means in meant.values() for label in means})
    per_word: dict[tuple[str, float], dict[str, float]] = {}
    named: dict[tuple[str, float], dict[str, float]] = {}
    for row in services.store.tagged(user, labels, captures):
        key = (row["capture_id"], round(float(row["t"]), 3))
        for word, means in meant.items():
            if row["label"] in means:
                # the chance the frame shows a "cat" is the sum of its cat classes' scores
                sure = per_word.setdefault(key, {})
                sure[word] = min(1.0, sure.get(word, 0.0) + float(row["score"]) * means[row["label"]])
                named.setdefault(key, {})[row["label"]] = float(row["score"])
    found = {}
    for key, sure in per_word.items():
        shown = ", ".join(label for label, _ in sorted(named[key].items(), key=lambda item: -item[1])[:3])
        found[key] = (sum(sure.values()) / len(meant), shown)
    return found


def _relevance(
    ids: list[str],
    tags_apply: bool,
    by_frame: dict[tuple[str, float], float],
    by_transcript: dict[str, float],
    tagged: dict[tuple[str, float], tuple[float, str]],
) -> tuple[dict[str, float], dict[tuple[str, float], float], dict[str, str]]:
    """Per capture its best frame's match, per frame its match (0..1), and why the capture matched."""
    wanted = set(ids)
    frames: dict[tuple[str, float], float] = {}
    for key in set(by_frame) | set(tagged):
        if key[0] not in wanted:
            continue
        vector = max(0.0, by_frame.get(key, 0.0))
        frames[key] = (
            TAGGED * tagged[key][0] + (1 - TAGGED) * vector
            if tags_apply and key in tagged
            else ((1 - TAGGED) * vector if tags_apply else vector)
        )
    relevance: dict[str, float] = {}
    for (capture, _), score in frames.items():
        relevance[capture] = max(relevance.get(capture, 0.0), score)
    for capture, score in by_transcript.items():
        if capture in wanted and score >= MIN_SAID:
            relevance[capture] = max(relevance.get(capture, 0.0), score * (1 - TAGGED if tags_apply else 1.0))
    why: dict[str, str] = {}
    for (capture, _), (sure, shown) in sorted(tagged.items(), key=lambda item: item[1][0]):  # the surest last
        if sure >= MIN_SURE:
            why[capture] = f"shows {shown}"
    relevance = {c: r for c, r in relevance.items() if r > 0}
    for capture in relevance:
        why.setdefault(capture, "its pictures or words are close to what you asked for")
    return relevance, frames, why


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
        # a photo lasts as long as the still prepared from it
        duration_s=float(row["duration_s"]) or (float(row["mezzanine_keyframes"][-1]) + 0.5 if mezzanine else 0.0),
        keyframes=list(row["mezzanine_keyframes"] if mezzanine else row["keyframes"]),
        captured_at=row["captured_at"],
        frames=scored,
        signature=list(row["signature"]),
        place=place,
        mezzanine=mezzanine,
    )

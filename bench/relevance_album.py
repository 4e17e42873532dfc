"""Search and memory relevance on the labelled evaluation album (bench/relevance/, issue 18 item 2), measured
against the real running stack: the album's 52 items are uploaded as a fresh user, enriched by the agents, then
every search of searches.yaml and every memory request of memories.yaml is asked through the gateway and scored
against its labels.

    python -m bench.relevance_album            # starts the stack and the server if needed; prints the figures

Searches: top-1 accuracy (queries with a ``top1``), nDCG@5 with the graded ``relevant`` map, and the share of
results that are labelled ``irrelevant`` (false hits). Memories: per kind (filter, what), the mean precision (share
of segments from ``allowed`` items) and recall (share of ``must_include`` items used). Requests that the product
cannot be given what they need (a person whose face cannot be named honestly, a birthday, an alias: the gateway
has no way to tell it those) are run and shown but counted apart as ``not_measurable``, each with its reason.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import importlib.util
import json
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from PIL import Image, ImageOps
from tqdm import tqdm

from bench import load
from bench.relevance_scores import score_memory, score_search, summarise_memories, summarise_searches
from bench.understanding import vocabulary as full_vocabulary
from core.settings import Settings, load_settings
from gateway import auth
from gateway.client import Client, GatewayError
from infra import album, kafka, operations, seaweed, server, stack
from streams.geo.gazetteer import fold, format_iso6709
from streams.understanding.request import Query, Vocabulary, parse

DATA = Path(__file__).parent / "relevance"
# 1080p like the glasses' clips: their mezzanines and the photos' stills then share one format and join
CLIP_WIDTH, CLIP_HEIGHT = 1920, 1080
PHOTO_MAX_SIDE = 1600
SEARCH_LIMIT = 10
ENRICH_TIMEOUT_S = 1800.0
MEMORY_TIMEOUT_S = 300.0


# ---------------------------------------------------------------- the evaluation set


@dataclass(frozen=True)
class EvaluationSet:
    album: dict[str, Any]
    searches: dict[str, Any]
    memories: dict[str, Any]

    @property
    def items(self) -> list[dict[str, Any]]:
        return list(self.album["items"])


def load_set(folder: Path = DATA) -> EvaluationSet:
    def read(name: str) -> dict[str, Any]:
        return dict(yaml.safe_load((folder / name).read_text()))

    return EvaluationSet(read("album.yaml"), read("searches.yaml"), read("memories.yaml"))


def source_files(source: dict[str, Any]) -> list[Path]:
    """The photo files of an item: a Debian package's absolute path, or a path inside a Python package's folder
    (found without importing the package)."""
    paths = [source["path"], *source.get("more", [])]
    if "module" not in source:
        return [Path(p) for p in paths]
    spec = importlib.util.find_spec(source["module"])
    if spec is None or spec.origin is None:
        raise FileNotFoundError(f"Python package {source['package']} ({source['module']}) is not installed")
    return [Path(spec.origin).parent / p for p in paths]


def utc_creation_time(taken_at: str) -> str:
    """An item's local time with offset as an MP4 ``creation_time`` (UTC, as cameras write it)."""
    moment = datetime.fromisoformat(taken_at).astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000000Z")


def _digest(item: dict[str, Any]) -> str:
    """What the file is made of: a changed label that changes the file makes a new file."""
    made_of = {k: item.get(k) for k in ("kind", "source", "duration_s", "taken_at", "place")}
    made_of["size"] = [CLIP_WIDTH, CLIP_HEIGHT, PHOTO_MAX_SIDE]
    return hashlib.sha256(json.dumps(made_of, sort_keys=True).encode()).hexdigest()[:8]


def media_path(item: dict[str, Any], folder: Path) -> Path:
    suffix = ".mp4" if item["kind"] == "clip" else ".jpg"
    return folder / f"{item['id']}-{_digest(item)}{suffix}"


def _rgb(path: Path) -> Image.Image:
    with Image.open(path) as image:
        return ImageOps.exif_transpose(image).convert("RGB")


def build_media(items: list[dict[str, Any]], folder: Path) -> dict[str, Path]:
    """Every item's file, made once: a clip pans slowly over its photo (H.264 + AAC, its time and place in the MP4
    metadata); a photo is a JPEG of at most PHOTO_MAX_SIDE px (its time and place go with the upload). The
    basketball clip's second frame (``more``) is not used: the clip pans over the first."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {item["id"]: media_path(item, folder) for item in items}
    missing = [(i, item) for i, item in enumerate(items) if not paths[item["id"]].exists()]
    for index, item in tqdm(missing, desc="relevance album", unit="item", disable=not missing):
        path, photo = paths[item["id"]], source_files(item["source"])[0]
        if item["kind"] == "clip":
            metadata = {
                "creation_time": utc_creation_time(item["taken_at"]),
                "location": format_iso6709(item["place"]["lat"], item["place"]["lon"]),
            }
            album.encode_clip(
                path,
                np.asarray(_rgb(photo)),
                metadata,
                CLIP_WIDTH,
                CLIP_HEIGHT,
                int(item["duration_s"]),
                pan=1 if index % 2 == 0 else -1,
                tone_hz=220.0 * (1 + index % 7 / 4),
            )
        else:
            image = _rgb(photo)
            image.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE), Image.Resampling.LANCZOS)
            part = path.with_suffix(".part")
            image.save(part, "JPEG", quality=90)
            part.rename(path)
    return paths


# ---------------------------------------------------------------- scoring (pure)


def people_to_name(
    people: list[dict[str, Any]], detected: dict[str, list[str]]
) -> tuple[dict[str, str], dict[str, str]]:
    """Which vocabulary people can be named honestly: those whose face item has exactly one detected person.
    ``detected`` maps an item id to the person ids the album found on it. Returns (vocabulary person id → the
    album's person id) and (vocabulary person id → why not)."""
    named: dict[str, str] = {}
    unnamed: dict[str, str] = {}
    for person in people:
        face = person.get("face")
        if not face:
            why = "the wearer, behind the glasses" if person.get("relationship") == "me" else "in no item"
            unnamed[person["person_id"]] = f"{person['name']}: no face in the album ({why})"
            continue
        found = sorted(set(detected.get(face["item"], [])))
        if len(found) != 1:
            unnamed[person["person_id"]] = (
                f"{person['name']}: {face['item']} has {len(found)} detected people, not one "
                f"(labelled face: {face['where']})"
            )
        elif found[0] in named.values():
            unnamed[person["person_id"]] = f"{person['name']}: {face['item']}'s one person is already named"
        else:
            named[person["person_id"]] = found[0]
    return named, unnamed


def server_vocabulary(spec: dict[str, Any], named: Iterable[str]) -> Vocabulary:
    """What the gateway can be told of the album's vocabulary: named people by name and relationship (no birthday,
    alias or friend_of: PersonNamed carries none), own places by name, point and radius (no aliases)."""
    keep = set(named)
    return Vocabulary(
        people=[
            {"person_id": p["person_id"], "name": p["name"], "relationship": p.get("relationship")}
            for p in spec["people"]
            if p["person_id"] in keep
        ],
        places=[{k: p[k] for k in ("name", "lat", "lon", "radius_m")} for p in spec["places"]],
        regions=[dict(r) for r in spec.get("regions", [])],
        cities=[dict(c) for c in spec.get("cities", [])],
    )


def unmeasurable(text: str, now: datetime, full: Vocabulary, told: Vocabulary, unnamed: dict[str, str]) -> list[str]:
    """Why a request cannot be measured fairly, or [] when it can: the understanding with the album's whole
    vocabulary and with what the gateway could be told must agree (same people, place, time, words)."""
    ideal, possible = parse(text, now, full), parse(text, now, told)
    if meaning(ideal) == meaning(possible):
        return []
    reasons = [f"refers to {unnamed[p.person_id]}" for p in ideal.people if p.person_id in unnamed]
    if ideal.time_said and "birthday" in ideal.time_said.lower():
        reasons.append(f"'{ideal.time_said}': the gateway cannot be told a person's birthday")
    return reasons or [f"understood differently without the full vocabulary: {_explain(possible)}"]


def meaning(query: Query) -> tuple[Any, ...]:
    """What decides the answer: people, place (an own place by its point and radius, which is all the gateway
    keeps of it), time window, search words, unknown names."""
    place = query.place
    where: tuple[Any, ...] | None = None
    if place is not None:
        exact = (place.lat, place.lon, place.radius_km) if place.kind == "own" else (place.country_code,)
        where = (place.kind, fold(place.name), *exact)
    people = sorted(p.person_id for p in query.people)
    return people, where, query.start, query.end, fold(query.search_text), query.unknown


def _explain(query: Query) -> str:
    return query.explain() + (f" (unknown: {' '.join(query.unknown)})" if query.unknown else "")


# ---------------------------------------------------------------- against the running stack


def _enriched(capture: dict[str, Any]) -> bool:
    if capture["status"] == "rejected":
        raise RuntimeError(f"capture {capture['capture_id']} was rejected: {capture['reason']}")
    # prepared too: memories are cut from the mezzanines, and a photo from its still
    return capture["status"] == "probed" and bool(capture.get("tags")) and bool(capture.get("prepared"))


def _upload_album(client: Client, items: list[dict[str, Any]], paths: dict[str, Path]) -> dict[str, str]:
    """Every item uploaded; capture id → item id."""
    captures: dict[str, str] = {}
    for item in tqdm(items, desc="upload relevance album", unit="item"):
        fields: dict[str, Any] = {}
        if item["kind"] == "photo":
            place = item["place"]
            fields = {"captured_at": item["taken_at"], "lat": place["lat"], "lon": place["lon"]}
        captures[client.upload(paths[item["id"]], **fields)["capture_id"]] = item["id"]
    return captures


def _name_people(client: Client, spec: dict[str, Any], ids: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """Name whom the album's faces allow; wait until the names are read back."""
    faces = {p["face"]["item"] for p in spec["people"] if p.get("face")}
    detected = {item: [p for p in client.capture(ids[item])["people"] if p] for item in faces}
    named, unnamed = people_to_name(spec["people"], detected)
    by_id = {p["person_id"]: p for p in spec["people"]}
    for vocabulary_id, person_id in named.items():
        client.name_person(person_id, by_id[vocabulary_id]["name"], by_id[vocabulary_id].get("relationship"))
    wanted = {person_id: by_id[v]["name"] for v, person_id in named.items()}
    Client._wait(
        client.people,
        lambda people: all(any(p["person_id"] == k and p["name"] == n for p in people) for k, n in wanted.items()),
        60,
        "naming people",
    )
    return named, unnamed


def bench_relevance(settings: Settings, work: Path) -> dict[str, Any]:
    data = load_set()
    paths = build_media(data.items, work / "relevance-album")
    clips = {i["id"] for i in data.items if i["kind"] == "clip"}
    user = f"relevance-{datetime.now(UTC):%Y%m%d%H%M%S}"
    client = Client(server.base_url(settings), auth.issue(settings, user))
    try:
        client.set_face_recognition(True)
        for place in data.album["vocabulary"]["places"]:
            client.name_place(place["name"], place["lat"], place["lon"], place["radius_m"])
        # the faces agent reads the choice from the projection: it must be there before the first upload
        Client._wait(
            lambda: client._json(client.http.get("/v1/settings")), lambda s: s["face_recognition"], 60, "faces on"
        )
        Client._wait(client.places, lambda p: len(p) == len(data.album["vocabulary"]["places"]), 60, "own places")
        started = time.monotonic()
        items_of = _upload_album(client, data.items, paths)
        ids = {item: capture for capture, item in items_of.items()}
        deadline = time.monotonic() + ENRICH_TIMEOUT_S
        for capture_id in tqdm(list(items_of), desc="enrich relevance album", unit="item"):
            Client._wait(partial(client.capture, capture_id), _enriched, deadline - time.monotonic(), capture_id)
        asyncio.run(load.settled(settings))  # faces, people, speech: every agent has caught up
        enriched_s = time.monotonic() - started
        spec = data.album["vocabulary"]
        named, unnamed = _name_people(client, spec, ids)
        asyncio.run(load.settled(settings))
        full, told = full_vocabulary(spec), server_vocabulary(spec, named)
        gallery = newest_first(data.items)
        searches = _searches(client, data.searches, items_of, full, told, unnamed, gallery)
        memories = _memories(client, data.memories, items_of, clips, full, told, unnamed)
    finally:
        client.close()
    not_measurable = [
        {"kind": "search", "text": r["query"], "reasons": r["not_measurable"]} for r in searches if not r["measurable"]
    ] + [{"kind": "memory", "text": r["text"], "reasons": r["not_measurable"]} for r in memories if not r["measurable"]]
    return {
        "user": user,
        "items": len(data.items),
        "clips": len(clips),
        "photos": len(data.items) - len(clips),
        "enriched_s": round(enriched_s, 1),
        "people": {
            "named": {v: named[v] for v in sorted(named)},
            "not_named": [unnamed[v] for v in sorted(unnamed)],
        },
        "searches": {**summarise_searches(searches), "rows": searches},
        "memories": {**summarise_memories(memories), "rows": memories},
        "not_measurable": not_measurable,
        "note": "a fresh user; media built once (clips 1920x1080 panning over the photo, photos ≤ 1600 px JPEG); "
        "searches GET /v1/search with at = searches.yaml's now and limit 10; memories POST /v1/memories with "
        "said_at = each entry's now. Memory videos are cut from clips only: recall_clips is the recall over the "
        "must_include items that are clips",
    }


def _searches(
    client: Client,
    spec: dict[str, Any],
    items_of: dict[str, str],
    full: Vocabulary,
    told: Vocabulary,
    unnamed: dict[str, str],
    gallery: list[str],
) -> list[dict[str, Any]]:
    now = datetime.fromisoformat(spec["now"])
    rows = []
    for entry in tqdm(spec["searches"], desc="searches", unit="query"):
        error = None
        try:
            answer = client.search(entry["query"], at=spec["now"], limit=SEARCH_LIMIT)
            got = [items_of.get(r["capture_id"], r["capture_id"]) for r in answer["results"]]
        except GatewayError as exc:
            if exc.status != 422:
                raise
            got, error = [], str(exc.body)
        reasons = unmeasurable(entry["query"], now, full, told, unnamed)
        row = {**score_search(entry, got), "measurable": not reasons, "not_measurable": reasons}
        # the baseline measured beside it: the album as a gallery shows it, newest first, nothing understood
        row["baseline"] = score_search(entry, gallery)
        if error:
            row["error"] = error
        rows.append(row)
    return rows


def newest_first(items: list[dict[str, Any]]) -> list[str]:
    """The album as a gallery shows it (newest first): the baseline each search is scored beside."""
    ordered = sorted(items, key=lambda i: datetime.fromisoformat(str(i["taken_at"])), reverse=True)
    return [i["id"] for i in ordered][:SEARCH_LIMIT]


def _memories(
    client: Client,
    spec: dict[str, Any],
    items_of: dict[str, str],
    clips: set[str],
    full: Vocabulary,
    told: Vocabulary,
    unnamed: dict[str, str],
) -> list[dict[str, Any]]:
    rows = []
    for entry in tqdm(spec["memories"], desc="memories", unit="request"):
        try:
            asked = client.request_memory(entry["text"], said_at=entry["now"])
            client.wait_memory(asked["memory_id"], MEMORY_TIMEOUT_S)
            view = client.memory(asked["memory_id"])
            status, reason, segments = view["status"], view.get("reason"), view.get("segments") or []
        except GatewayError as exc:
            if exc.status != 422:
                raise
            status, reason, segments = "refused", str(exc.body), []
        used = [items_of.get(s["capture_id"], s["capture_id"]) for s in segments]
        reasons = unmeasurable(entry["text"], datetime.fromisoformat(entry["now"]), full, told, unnamed)
        rows.append(
            {**score_memory(entry, used, status, reason, clips), "measurable": not reasons, "not_measurable": reasons}
        )
    return rows


def summary_lines(result: dict[str, Any]) -> list[str]:
    s, m = result["searches"], result["memories"]
    lines = [
        f"relevance album: {result['items']} items ({result['clips']} clips, {result['photos']} photos), "
        f"enriched in {result['enriched_s']} s",
        f"search ({s['queries']} queries): top-1 {s['top1_accuracy']} over {s['top1_queries']}, "
        f"nDCG@5 {s['ndcg_at_5']}, false hits {s['false_hit_share']} of {s['results']} results, "
        f"no-match right {s['no_match_right']}/{s['no_match_queries']}",
    ]
    for kind, k in m["by_kind"].items():
        lines.append(
            f"memories {kind} ({k['requests']}): precision {k['precision']}, recall {k['recall']} "
            f"(clips only {k['recall_clips']}), no video {k['no_video']}"
        )
    lines.append(f"people named: {', '.join(result['people']['named']) or 'nobody'}")
    lines += [f"  not named: {why}" for why in result["people"]["not_named"]]
    lines.append(f"not measurable ({len(result['not_measurable'])}):")
    lines += [f"  {n['kind']} '{n['text']}': {'; '.join(n['reasons'])}" for n in result["not_measurable"]]
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.relevance_album", description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="bench/out/relevance.json")
    args = parser.parse_args(argv)
    settings = load_settings()
    started = stack.up(settings)
    stack.wait_ready(settings)
    # as `python -m bench run`: rate limits off (one user asking on purpose), a running server restarted without
    was_running = operations.server_running(settings)
    server.stop(settings)
    limitless = settings.with_(rate_per_user=1e6, burst_per_user=1_000_000)
    server.start(limitless)
    try:
        result = bench_relevance(limitless, settings.data_dir / "bench")
    finally:
        server.stop(limitless)
        if was_running:
            server.start(settings)
        if started["seaweedfs"]:  # only what this run started
            seaweed.stop(settings)
        if started["kafka"]:
            kafka.stop(settings)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2))
    print("\n".join(summary_lines(result)))
    print(f"written to {out}")


if __name__ == "__main__":
    main()

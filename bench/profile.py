"""Where a search's and a memory plan's milliseconds go, on the 10,000-clip synthetic album of the search section.

Each request runs many times under cProfile; a stage's figure is the time inside its function per request
(cumulative, so a stage includes what it calls), beside the whole request's. The stages are the functions the
request passes through, named for what they do; the rest (ranking, fusing, Python between the stages) is what the
whole leaves over. The two reads retrieval overlaps on a second thread (the tags, the embedding beside a filter)
run inline here, so that the profiler sees them. A cold album (its snapshot read from chDB after a write) and
words never asked before are timed apart. The HTTP part is the gateway section's one-client median minus the same
search in process.
"""

from __future__ import annotations

import cProfile
import pstats
import time
from collections.abc import Callable
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from statistics import median
from typing import Any, cast

from bench import memories
from core.settings import Settings
from projections.search import SearchTables
from projections.snapshot import AlbumSnapshot
from projections.vectors import EdgeVectors
from streams.understanding import planning, retrieval, selection

# (stage, the function whose cumulative time it is)
STAGES = [
    ("understand the words (vocabulary, dates, places, people)", planning.understand),
    ("embed the words (MiniLM; kept once asked)", retrieval._query_vectors),  # noqa: SLF001
    ("filter candidates (album snapshot)", SearchTables.candidates),
    ("frames tagged with what the words mean", SearchTables.tagged),
    ("nearest frames and transcripts (qdrant-edge)", EdgeVectors.search),
    ("relevance per frame and capture", retrieval._relevance),  # noqa: SLF001
    ("details of the best candidates", SearchTables.material),
    ("frames and faces scored", retrieval._scored),  # noqa: SLF001
    ("choose clips and seconds (memories)", selection.choose),
    ("cut the picks (memories)", selection.pick),
]
REQUESTS = {
    "search: words and place": ("search", "the beach in Lisbon"),
    "search: words only": ("search", "sunset"),
    "search: place and time": ("search", "Tokyo in 2024"),
    "memory plan: words and time": ("plan", "a video of food last summer"),
}


def _stage_ms(stats: pstats.Stats, runs: int) -> dict[str, float]:
    by_code = {
        (code.co_filename, code.co_firstlineno, code.co_name): name
        for name, fn in STAGES
        for code in [fn.__code__]  # type: ignore[attr-defined]
    }
    found = dict.fromkeys((name for name, _ in STAGES), 0.0)
    for key, (_, _, _, cumulative, _) in stats.stats.items():  # type: ignore[attr-defined]
        if key in by_code:
            found[by_code[key]] += cumulative
    return {name: round(1000 * seconds / runs, 2) for name, seconds in found.items() if seconds > 0}


class _Inline(Executor):
    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        done: Future[Any] = Future()
        done.set_result(fn(*args, **kwargs))
        return done


def bench_profile(settings: Settings, work: Path, runs: int = 40) -> dict[str, Any]:
    services = memories.search_services(settings, work / "profile-10k", 10_000, 4)
    overlapped, retrieval._POOL = retrieval._POOL, cast(ThreadPoolExecutor, _Inline())  # noqa: SLF001
    user, now = memories.SEARCH_USER, datetime(2026, 1, 15, tzinfo=UTC)

    def once(kind: str, text: str) -> None:
        query = planning.understand(services, user, text, now, None)
        if kind == "search":
            planning.retrieve(services, user, query, retrieval.SEARCH, False)
        else:
            planning.plan(services, user, query)

    report: dict[str, Any] = {}
    try:
        for label, (kind, text) in REQUESTS.items():
            once(kind, text)  # warm: models, the album snapshot, the words' embedding
            walls = []
            profiler = cProfile.Profile()
            for _ in range(runs):
                started = time.perf_counter()
                profiler.enable()
                once(kind, text)
                profiler.disable()
                walls.append(time.perf_counter() - started)
            stages = _stage_ms(pstats.Stats(profiler), runs)
            report[label] = {"text": text, "median_ms": round(1000 * median(walls), 2), "stages_ms": stages}
        cold = []
        for _ in range(5):
            started = time.perf_counter()
            AlbumSnapshot.read(services.store._rows, user)  # noqa: SLF001 - what the first read after a write does
            cold.append(time.perf_counter() - started)
        report["album snapshot read (after a write of the user)"] = {"median_ms": round(1000 * median(cold), 1)}
        fresh = []
        for n in range(20):
            started = time.perf_counter()
            retrieval._query_vectors(services, f"a picnic by the river number {n}")  # noqa: SLF001 - never asked
            fresh.append(time.perf_counter() - started)
        report["embed words never asked before (MiniLM)"] = {"median_ms": round(1000 * median(fresh), 2)}
    finally:
        retrieval._POOL = overlapped  # noqa: SLF001
        services.close()
    report["note"] = (
        f"median per request over {runs} runs under cProfile (which slows Python a little); stages are cumulative "
        "times of the functions named; 10,000 clips with 4 frames each"
    )
    return report

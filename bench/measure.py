"""Timing helpers of the benchmarks: wall-clock runs, CPU seconds, and a summary of a list of runs (with the runs
themselves, for bench/reporting.py's plots)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any


def timed(fn: Callable[[], Any], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return times


def summary(times: list[float]) -> dict[str, Any]:
    ordered = sorted(times)
    return {
        "min_s": round(ordered[0], 4),
        "median_s": round(statistics.median(ordered), 4),
        "p95_s": round(ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))], 4),
        "runs": len(times),
        # every run, in the order measured: the report plots the distributions, and a drift over the runs (a cache
        # warming, a disk filling) shows only in that order
        "samples_s": [round(t, 5) for t in times],
    }


def cpu_seconds(fn: Callable[[], Any]) -> float:
    started = time.process_time()
    fn()
    return time.process_time() - started

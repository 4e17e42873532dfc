"""Prometheus metrics of this process: request latency (gateway), memory latency (render agent), consumer lag
(read when scraped), and counters of what happened: uploads, rejections, dead letters, memories by outcome.

Every `reverie serve` process exposes them at /metrics: on the gateway's port, or (a worker started with
--no-gateway) on REVERIE_METRICS_PORT. Counters count in the process that did the thing; Prometheus sums them
over processes.
"""

from __future__ import annotations

from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest

REQUEST_SECONDS = Histogram(
    "reverie_http_request_seconds",
    "Gateway request latency by endpoint and status",
    ["method", "endpoint", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
MEMORY_SECONDS = Histogram(
    "reverie_memory_seconds",
    "From MemoryRequested to the memory's first playable playlist (stage=playable) and to its MP4 (stage=finished)",
    ["stage"],
    buckets=(0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 8.0, 13.0, 21.0, 34.0, 60.0, 120.0),
)
UPLOADS = Counter(
    "reverie_uploads", "Uploads the gateway stored (outcome=stored) or knew already (outcome=duplicate)", ["outcome"]
)
REJECTIONS = Counter(
    "reverie_rejections",
    "Captures refused: by the gateway (stage=gateway: not a usable file, too long, over quota) or by an agent "
    "(stage=probe, …: CaptureRejected)",
    ["stage"],
)
DEAD_LETTERS = Counter("reverie_dead_letters", "Messages an agent sent to the dead-letter topic", ["agent"])
MEMORIES = Counter("reverie_memories", "Memories that ended, by outcome (rendered, failed)", ["outcome"])
CONSUMER_LAG = Gauge("reverie_consumer_lag", "Events not yet committed by the agents, per consumed topic", ["topic"])
CONTENT_TYPE = CONTENT_TYPE_LATEST


def exposition() -> bytes:
    return generate_latest()


def count_event(event_name: str, event: dict[str, Any]) -> None:
    """Count an event this process emitted, if it is one the counters follow."""
    if event_name == "CaptureRejected":
        REJECTIONS.labels(event.get("stage") or "unknown").inc()
    elif event_name == "MemoryRendered":
        MEMORIES.labels("rendered").inc()
    elif event_name == "MemoryFailed":
        MEMORIES.labels("failed").inc()

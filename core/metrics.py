"""Prometheus metrics of this process: request latency (gateway), memory latency (render agent) and consumer lag
(read when scraped). The gateway's /metrics exposes them; a worker without a gateway keeps them to itself."""

from __future__ import annotations

from prometheus_client import CONTENT_TYPE_LATEST, Gauge, Histogram, generate_latest

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
CONSUMER_LAG = Gauge("reverie_consumer_lag", "Events not yet committed by the agents, per consumed topic", ["topic"])
CONTENT_TYPE = CONTENT_TYPE_LATEST


def exposition() -> bytes:
    return generate_latest()

"""Liveness, readiness and metrics: what an orchestrator and a Prometheus scraper ask of a gateway."""

from __future__ import annotations

import asyncio
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from core import metrics
from streams.runtime.lag import consumer_lag
from streams.runtime.services import Services

CHECK_TIMEOUT_S = 3.0


async def healthz(request: Request) -> JSONResponse:
    """Liveness.
    ---
    summary: The gateway process is up
    responses:
      200: {description: OK, json: {type: object, required: [status], properties: {status: {type: string, enum: [ok]}}}}
    """
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> JSONResponse:
    """Readiness.
    ---
    summary: Kafka, ClickHouse, Qdrant and S3 answer; 503 names the ones that do not
    responses:
      200: {description: Every dependency answered., json: {$ref: '#/components/schemas/Readiness'}}
      503:
        description: At least one dependency did not answer; each check says why.
        json: {$ref: '#/components/schemas/Readiness'}
    """
    services: Services = request.app.state.services
    checks = {
        "kafka": lambda: consumer_lag(services.settings),
        "clickhouse": lambda: asyncio.to_thread(services.store.client.command, "SELECT 1"),
        "qdrant": lambda: asyncio.to_thread(services.vectors.ping),
        "s3": lambda: asyncio.to_thread(services.blobs.client.bucket_exists, services.blobs.bucket),
    }
    results = dict(zip(checks, await asyncio.gather(*(_check(c) for c in checks.values())), strict=True))
    ready = all(r == "ok" for r in results.values())
    return JSONResponse({"ready": ready, "checks": results}, 200 if ready else 503)


async def _check(call: Any) -> str:
    try:
        await asyncio.wait_for(call(), CHECK_TIMEOUT_S)
    except Exception as exc:  # noqa: BLE001 - any failure means "not ready", and the reason is reported
        return f"{type(exc).__name__}: {exc}"[:300] or type(exc).__name__
    return "ok"


async def prometheus(request: Request) -> Response:
    """Prometheus metrics.
    ---
    summary: Request latency, memory latency and consumer lag in Prometheus' text format
    responses:
      200: {description: The metrics., text: text/plain}
    """
    services: Services = request.app.state.services
    try:
        lag = await asyncio.wait_for(consumer_lag(services.settings), CHECK_TIMEOUT_S)
    except Exception:  # noqa: BLE001 - the broker's absence shows in /readyz; the other metrics still count
        lag = {}
    for topic, value in lag.items():
        metrics.CONSUMER_LAG.labels(topic).set(value)
    return Response(metrics.exposition(), media_type=metrics.CONTENT_TYPE)

"""Operators' endpoints: read-only SQL and projection replays. In the embedded topology the gateway's process
owns chDB and qdrant-edge, so `reverie sql` and `reverie replay` ask it. Only tokens issued with the operator
claim (`reverie token --operator`) may."""

from __future__ import annotations

import asyncio
import json

from starlette.requests import Request
from starlette.responses import Response

from gateway.bodies import json_object
from gateway.errors import ApiError
from streams.replay import Replay
from streams.runtime.services import Services

MAX_SQL = 10_000


def _operator(request: Request) -> Services:
    if not request.state.operator:
        raise ApiError(403, "this is for operator tokens (reverie token --operator)")
    services: Services = request.app.state.services
    return services


async def sql(request: Request) -> Response:
    """Run read-only SQL.
    ---
    summary: One read-only ClickHouse statement over the read model (operators only)
    security: [{bearer: []}]
    jsonBody:
      type: object
      required: [sql]
      properties:
        sql: {type: string, maxLength: 10000}
    responses:
      200:
        description: "The columns' names and the rows; dates, decimals and UUIDs as text."
        json:
          type: object
          required: [columns, rows]
          properties:
            columns: {type: array, items: {type: string}}
            rows: {type: array, items: {type: array, items: {}}}
      403: {description: The token is not an operator's.}
      422: {description: "Not a read-only statement, or ClickHouse refused it (its message says why)."}
    """
    services = _operator(request)
    statement = (await json_object(request, '{"sql": "SELECT ..."}')).get("sql")
    if not isinstance(statement, str) or not statement.strip() or len(statement) > MAX_SQL:
        raise ApiError(422, f"sql must be one statement of at most {MAX_SQL} characters")
    try:
        columns, rows = await asyncio.to_thread(services.store.analyst_query, statement)
    except Exception as exc:  # noqa: BLE001 - ClickHouse's own message is the useful answer
        raise ApiError(422, str(exc).strip()[:2000]) from None
    # dates, decimals and UUIDs as text: the answer is for people and tables
    body = json.dumps({"columns": columns, "rows": rows}, default=str)
    return Response(body, media_type="application/json")


async def start_replay(request: Request) -> Response:
    """Rebuild the projections.
    ---
    summary: Rebuild every projection from the event log into a new version, then switch reads to it
    description: Resumes an interrupted replay unless `fresh`. Live processing goes on meanwhile.
    security: [{bearer: []}]
    requestBody:
      content:
        application/json:
          schema:
            type: object
            properties:
              from: {type: string, description: "beginning, time:<ISO 8601> or offset:<n>", default: beginning}
              fresh: {type: boolean, default: false}
    responses:
      202:
        description: "The replay started; its progress as GET /v1/admin/replay returns it."
        json: {$ref: '#/components/schemas/ReplayProgress'}
      403: {description: The token is not an operator's.}
      409: {description: A replay is running.}
      422: {description: "`from` is not a place to start."}
    """
    services = _operator(request)
    state = request.app.state
    running = getattr(state, "replay", None)
    if running is not None and running.progress.state == "running":
        raise ApiError(409, f"a replay into version {running.progress.version} is running")
    body = await json_object(request, '{"from": "beginning"}') if await request.body() else {}
    source, fresh = body.get("from", "beginning"), body.get("fresh", False)
    if not isinstance(source, str) or not isinstance(fresh, bool):
        raise ApiError(422, "from must be a string and fresh a boolean")
    try:
        replay = await asyncio.to_thread(Replay.start, services.settings, source, fresh)
    except ValueError as exc:
        raise ApiError(422, str(exc)) from None
    state.replay = replay
    state.replay_task = asyncio.create_task(replay.run(switch=services.switch))
    return Response(json.dumps(replay.progress.as_json()), status_code=202, media_type="application/json")


async def replay_progress(request: Request) -> Response:
    """How the replay goes.
    ---
    summary: The progress of the last replay started by this gateway (events read, events/s, ETA, state)
    security: [{bearer: []}]
    responses:
      200: {description: The progress., json: {$ref: '#/components/schemas/ReplayProgress'}}
      403: {description: The token is not an operator's.}
      404: {description: No replay was started here.}
    """
    _operator(request)
    replay = getattr(request.app.state, "replay", None)
    if replay is None:
        raise ApiError(404, "no replay was started by this gateway")
    return Response(json.dumps(replay.progress.as_json()), media_type="application/json")

"""Read-only SQL for operators and analysts, through the gateway: in the embedded topology the gateway's process
owns chDB, so `reverie sql` asks it. Only tokens issued with the operator claim (`reverie token --operator`) may."""

from __future__ import annotations

import asyncio
import json

from starlette.requests import Request
from starlette.responses import Response

from gateway.bodies import json_object
from gateway.errors import ApiError
from streams.services import Services

MAX_SQL = 10_000


async def sql(request: Request) -> Response:
    """Run read-only SQL.
    ---
    summary: One read-only ClickHouse statement over the read model (operators only)
    security: [{bearer: []}]
    requestBody:
      required: true
      content:
        application/json:
          schema:
            type: object
            required: [sql]
            properties:
              sql: {type: string, maxLength: 10000}
    responses:
      200: {description: "columns and rows"}
      403: {description: The token is not an operator's.}
      422: {description: "Not a read-only statement, or ClickHouse refused it (its message says why)."}
    """
    services: Services = request.app.state.services
    if not request.state.operator:
        raise ApiError(403, "SQL is for operator tokens (reverie token --operator)")
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

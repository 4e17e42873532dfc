"""The API description: operations described in their handlers' docstrings (YAML after ``---``), served as
``/openapi.json``.

A JSON body is said once, as ``jsonBody: <schema>``; this generator expands it into OpenAPI's ``requestBody``
(required, ``application/json``) and the 422 every JSON body may answer, so no handler repeats that stanza.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.schemas import SchemaGenerator

BAD_BODY = {"description": "The body is not a JSON object of this shape; the answer says what was expected."}


class Generator(SchemaGenerator):
    def parse_docstring(self, func_or_method: Any) -> dict[str, Any]:
        parsed = super().parse_docstring(func_or_method)
        if isinstance(parsed, dict) and "jsonBody" in parsed:
            parsed = expand_json_body(parsed)
        return parsed


def expand_json_body(operation: dict[str, Any]) -> dict[str, Any]:
    """``jsonBody: <schema>`` → ``requestBody`` and a 422 response (unless the operation says its own)."""
    operation = dict(operation)
    schema = operation.pop("jsonBody")
    operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": schema}}}
    operation["responses"] = {**operation.get("responses", {})}
    operation["responses"].setdefault(422, BAD_BODY)
    return operation


schemas = Generator(
    {
        "openapi": "3.0.3",
        "info": {
            "title": "Reverie gateway",
            "version": "0.1.0",
            "description": "Upload clips from smart glasses and ask for memory videos in plain words.",
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Capture": {
                    "type": "object",
                    "properties": {
                        "capture_id": {"type": "string"},
                        "object_key": {"type": "string"},
                        "sha256": {"type": "string"},
                        "size_bytes": {"type": "integer"},
                        "status_url": {"type": "string"},
                    },
                }
            },
        },
    }
)


async def openapi(request: Request) -> Response:
    return JSONResponse(schemas.get_schema(routes=request.app.routes))

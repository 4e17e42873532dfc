"""The API description: operations described in their handlers' docstrings (YAML after ``---``), served as
``/openapi.json``.

A JSON body is said once, as ``jsonBody: <schema>``; this generator expands it into OpenAPI's ``requestBody``
(required, ``application/json``) and the 422 every JSON body may answer, so no handler repeats that stanza. Every
refusal (4xx, 5xx) has one body, ``{"error": "<what to do>"}``: the generator gives each its schema, ``Error``.
People read the same description rendered by Redoc at ``/docs``.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.schemas import SchemaGenerator

BAD_BODY = {"description": "The body is not a JSON object of this shape; the answer says what was expected."}


ERROR = {"$ref": "#/components/schemas/Error"}


class Generator(SchemaGenerator):
    def parse_docstring(self, func_or_method: Any) -> dict[str, Any]:
        parsed = super().parse_docstring(func_or_method)
        if isinstance(parsed, dict) and "jsonBody" in parsed:
            parsed = expand_json_body(parsed)
        return parsed

    def get_schema(self, routes: list[Any]) -> dict[str, Any]:
        schema = super().get_schema(routes)
        for path in schema.get("paths", {}).values():
            for method, operation in path.items():
                if method != "head":  # a HEAD answer has no body
                    operation["responses"] = with_error_bodies(operation.get("responses", {}))
        return schema


def with_error_bodies(responses: dict[Any, Any]) -> dict[Any, Any]:
    """Each 4xx and 5xx answer, unless it says its own body, has the one error body."""
    return {
        code: {**answer, "content": {"application/json": {"schema": ERROR}}}
        if int(code) >= 400 and isinstance(answer, dict) and "content" not in answer
        else answer
        for code, answer in responses.items()
    }


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
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {"error": {"type": "string", "description": "what went wrong, and what to do"}},
                },
                "Capture": {
                    "type": "object",
                    "properties": {
                        "capture_id": {"type": "string"},
                        "object_key": {"type": "string"},
                        "sha256": {"type": "string"},
                        "size_bytes": {"type": "integer"},
                        "status_url": {"type": "string"},
                    },
                },
            },
        },
    }
)


async def openapi(request: Request) -> Response:
    return JSONResponse(schemas.get_schema(routes=request.app.routes))

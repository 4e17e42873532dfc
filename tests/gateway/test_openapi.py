"""schemathesis against the running gateway's own /openapi.json: whatever it sends, no 5xx comes back, and every
answer has the body the description gives (each success its own shape, each refusal the error body).

Each operation's hypothesis strategy makes the requests; every answer must be below 500. The other tests are pure:
the description itself, and real handlers' answers (over stand-in read models) checked by schemathesis' own
validation against it.
"""

from collections import Counter
from typing import Any

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis.specs.openapi.checks import response_schema_conformance
from starlette.routing import Route

from core.settings import Settings
from gateway import auth, people
from gateway.openapi import BAD_BODY, ERROR, expand_answer, expand_json_body, schemas
from tests.conftest import Served
from tests.gateway.api_schema import operations

EXAMPLES = 25


@pytest.mark.integration
def test_no_request_gets_a_server_error(open_gate: Served):
    headers = {"Authorization": f"Bearer {auth.issue(open_gate.settings, 'fuzzer')}"}
    described = operations(open_gate)
    failures: list[str] = []
    statuses: Counter[int] = Counter()
    for operation in described:

        @given(case=operation.as_strategy())
        @hypothesis_settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
        def run(case):  # type: ignore[no-untyped-def]
            response = case.call(headers=headers, timeout=60)
            statuses[response.status_code] += 1
            if response.status_code >= 500:
                failures.append(f"{case.operation.label}: {response.status_code} {response.text[:300]}")
            try:
                case.validate_response(response, checks=[response_schema_conformance])
            except AssertionError as error:  # schemathesis raises its own failure types, all AssertionErrors
                failures.append(f"{case.operation.label}: {response.status_code} body: {str(error)[:300]}")

        run()
    assert failures == []
    # the requests reached the handlers (accepted ones, and ones refused for what they said, not for the token)
    assert sum(n for code, n in statuses.items() if code < 300) >= len(described)
    assert statuses[401] == 0, statuses


def test_a_json_body_said_once_becomes_the_full_request_body_and_its_422():
    described = schemas.get_schema(
        routes=[Route("/v1/people/{person_id}/merge", people.merge_person, methods=["POST"])]
    )
    operation = described["paths"]["/v1/people/{person_id}/merge"]["post"]
    assert "jsonBody" not in operation
    body = operation["requestBody"]
    assert body["required"] is True
    assert body["content"]["application/json"]["schema"]["required"] == ["into"]
    assert operation["responses"][422] != BAD_BODY  # the handler's own 422 wins
    assert operation["responses"][202]["description"] == "PersonMerged was emitted."


def test_an_operation_without_its_own_422_gets_the_shared_one():
    expanded = expand_json_body({"jsonBody": {"type": "object"}, "responses": {200: {"description": "ok"}}})
    assert expanded["responses"] == {200: {"description": "ok"}, 422: BAD_BODY}
    assert expanded["requestBody"]["content"]["application/json"]["schema"] == {"type": "object"}


def test_every_refusal_is_described_with_the_error_body():
    described = schemas.get_schema(routes=create_app_routes())
    refusals = [
        (path, method, code, answer)
        for path, operations_ in described["paths"].items()
        for method, operation in operations_.items()
        for code, answer in operation["responses"].items()
        if int(code) >= 400
    ]
    assert len(refusals) > 40
    for path, method, code, answer in refusals:
        body = answer.get("content", {}).get("application/json", {}).get("schema")
        if (path, method, code) in OWN_REFUSAL_BODIES:
            assert body not in (None, ERROR), (path, method, code)
            continue
        assert (body == ERROR) == (method != "head"), (path, method, code)  # a HEAD answer has no body
    assert described["components"]["schemas"]["Error"]["required"] == ["error"]


OWN_REFUSAL_BODIES = {("/readyz", "get", 503)}  # not ready says which dependency failed, in readiness' own shape
BODILESS = {("/v1/uploads", "post", 201)}  # tus: the Location header is the whole answer


def test_every_success_describes_its_body():
    described = schemas.get_schema(routes=create_app_routes())
    successes = [
        (path, method, int(code), answer)
        for path, operations_ in described["paths"].items()
        for method, operation in operations_.items()
        for code, answer in operation["responses"].items()
        if int(code) < 300 and method != "head"
    ]
    assert len(successes) >= 44
    for path, method, code, answer in successes:
        if code == 204 or (path, method, code) in BODILESS:
            assert "content" not in answer, (path, method, code)
            continue
        content = answer.get("content")
        assert content, (path, method, code)
        for media_type, body in content.items():
            schema = body["schema"]
            assert "$ref" in schema or "type" in schema, (path, method, code, media_type)
            if media_type == "application/json":
                assert schema.get("$ref") or schema.get("required"), (path, method, code)


def test_answer_schemas_require_what_is_always_there_and_stay_open():
    described = schemas.get_schema(routes=create_app_routes())
    names = set(described["components"]["schemas"])
    answers = [
        answer.get("content", {})
        for operations_ in described["paths"].values()
        for operation in operations_.values()
        for answer in operation["responses"].values()
    ]
    for schema in subschemas([described["components"]["schemas"], answers]):
        if "$ref" in schema:
            assert schema["$ref"].removeprefix("#/components/schemas/") in names, schema["$ref"]
        assert schema.get("additionalProperties") is not False  # an answer may gain a field
        if schema.get("nullable"):
            assert "type" in schema, schema  # OpenAPI 3.0.3: nullable adds null to the type said beside it
        if schema.get("properties") and schema.get("type") == "object" and "required" not in schema:
            raise AssertionError(f"an object that requires nothing checks little: {schema}")


def subschemas(node: Any) -> list[dict[str, Any]]:
    if isinstance(node, list):
        return [s for item in node for s in subschemas(item)]
    if not isinstance(node, dict):
        return []
    own = [node] if "type" in node or "$ref" in node or "oneOf" in node else []
    return own + [s for value in node.values() for s in subschemas(value)]


def test_a_body_said_briefly_becomes_the_answers_content():
    assert expand_answer({"description": "d", "json": {"type": "object"}}) == {
        "description": "d",
        "content": {"application/json": {"schema": {"type": "object"}}},
    }
    assert expand_answer({"description": "d", "text": "text/plain"})["content"] == {
        "text/plain": {"schema": {"type": "string"}}
    }
    assert expand_answer({"description": "d", "binary": "image/jpeg"})["content"] == {
        "image/jpeg": {"schema": {"type": "string", "format": "binary"}}
    }
    assert expand_answer({"description": "no body"}) == {"description": "no body"}
    described = schemas.get_schema(routes=[Route("/v1/people/{person_id}/face.jpg", people.person_face)])
    answer = described["paths"]["/v1/people/{person_id}/face.jpg"]["get"]["responses"][200]
    assert set(answer) == {"description", "content"} and list(answer["content"]) == ["image/jpeg"]


def create_app_routes() -> list:
    from gateway.app import create_app

    class Stub:  # create_app keeps the services object and reads two of its settings
        settings = Settings()

    return list(create_app(Stub()).routes)  # type: ignore[arg-type]

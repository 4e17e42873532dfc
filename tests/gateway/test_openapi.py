"""schemathesis against the running gateway's own /openapi.json: whatever it sends, no 5xx comes back, and every
answer whose body the description gives (the error body of each refusal) has that shape.

Each operation's hypothesis strategy makes the requests; every answer must be below 500.
"""

from collections import Counter

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis.specs.openapi.checks import response_schema_conformance
from starlette.routing import Route

from core.settings import Settings
from gateway import auth, people
from gateway.openapi import BAD_BODY, ERROR, expand_json_body, schemas
from tests.conftest import Served
from tests.gateway.api_schema import operations

pytestmark = pytest.mark.integration
EXAMPLES = 25


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
    assert operation["responses"][202] == {"description": "PersonMerged was emitted."}


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
        assert (body == ERROR) == (method != "head"), (path, method, code)  # a HEAD answer has no body
    assert described["components"]["schemas"]["Error"]["required"] == ["error"]


def create_app_routes() -> list:
    from gateway.app import create_app

    class Stub:  # create_app keeps the services object and reads two of its settings
        settings = Settings()

    return list(create_app(Stub()).routes)  # type: ignore[arg-type]

"""schemathesis against the running gateway's own /openapi.json: whatever it sends, no 5xx comes back.

Each operation's hypothesis strategy makes the requests; every answer must be below 500.
"""

from collections import Counter

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings

from gateway import auth
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

        run()
    assert failures == []
    # the requests reached the handlers (accepted ones, and ones refused for what they said, not for the token)
    assert sum(n for code, n in statuses.items() if code < 300) >= len(described)
    assert statuses[401] == 0, statuses

"""schemathesis against the running gateway's own /openapi.json: whatever it sends, no 5xx comes back.

The operations are driven by hand (schemathesis' pytest plugin does not load under pytest 9): each operation's
hypothesis strategy makes the requests, every answer must be below 500.
"""

from collections import Counter
from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings

from gateway import auth
from infra import server
from infra.settings import Settings
from tests.conftest import Served

pytestmark = pytest.mark.integration
EXAMPLES = 25


@schemathesis.serializer("application/offset+octet-stream")
def _tus_chunk(ctx, value):  # type: ignore[no-untyped-def]
    """tus PATCH bodies are raw bytes, as any binary body."""
    return value if isinstance(value, bytes) else str(value).encode()


@pytest.fixture
def fuzzed(settings: Settings) -> Iterator[Served]:
    # hundreds of requests: limits that would answer 429 would hide the handlers
    s = Served(settings.with_(rate_per_user=1e6, burst_per_user=1_000_000))
    s.start()
    yield s
    s.close()


def test_no_request_gets_a_server_error(fuzzed: Served):
    schema = schemathesis.openapi.from_url(f"{server.base_url(fuzzed.settings)}/openapi.json")
    headers = {"Authorization": f"Bearer {auth.issue(fuzzed.settings, 'fuzzer')}"}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 30, "every route should be described"
    failures: list[str] = []
    statuses: Counter[int] = Counter()
    for operation in operations:

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
    assert sum(n for code, n in statuses.items() if code < 300) >= len(operations)
    assert statuses[401] == 0, statuses

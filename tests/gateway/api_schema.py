"""The running gateway's operations as schemathesis sees them, for the tests that drive every endpoint.

(schemathesis' pytest plugin does not load under pytest 9, so tests draw cases from each operation's strategy.)
"""

import schemathesis
from schemathesis.schemas import APIOperation

from infra import server
from tests.conftest import Served


@schemathesis.serializer("application/offset+octet-stream")
def _tus_chunk(ctx, value):  # type: ignore[no-untyped-def]
    """tus PATCH bodies are raw bytes, as any binary body."""
    return value if isinstance(value, bytes) else str(value).encode()


def operations(served: Served) -> list[APIOperation]:
    schema = schemathesis.openapi.from_url(f"{server.base_url(served.settings)}/openapi.json")
    found = [result.ok() for result in schema.get_all_operations()]
    assert len(found) >= 30, "every route should be described in /openapi.json"
    return found

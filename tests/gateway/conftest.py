"""Fixtures of the gateway tests."""

from collections.abc import Iterator

import pytest

from infra.settings import Settings
from tests.conftest import Served


@pytest.fixture
def open_gate(settings: Settings) -> Iterator[Served]:
    """A gateway without rate limits: these tests send hundreds of requests, and 429s would hide the handlers."""
    s = Served(settings.with_(rate_per_user=1e6, burst_per_user=1_000_000))
    s.start()
    yield s
    s.close()

"""`reverie serve` refuses the gateway's unsafe token keys before it touches Kafka or the stores."""

import pytest

from core.settings import Settings
from gateway.auth import UnsafeKeys
from infra import worker


class Reached(Exception):
    """serve() went past its checks to its first step."""


@pytest.fixture
def first_step(monkeypatch):
    def reached(settings: Settings) -> None:
        raise Reached

    # the first thing serve() does after its checks; a real call would reach for the broker
    monkeypatch.setattr(worker, "ensure_topics_sync", reached)


def test_the_gateway_does_not_start_beyond_loopback_with_the_development_key(first_step):
    with pytest.raises(UnsafeKeys, match="development key"):
        worker.serve(Settings(http_host="0.0.0.0"))


def test_the_gateway_does_not_start_with_a_short_key(first_step):
    with pytest.raises(UnsafeKeys, match="shorter than"):
        worker.serve(Settings(token_keys="k:too-short"))


def test_the_development_key_still_starts_on_loopback(first_step):
    with pytest.raises(Reached):
        worker.serve(Settings())


def test_a_worker_without_the_gateway_signs_no_tokens_and_is_not_held_back(first_step):
    with pytest.raises(Reached):
        worker.serve(Settings(http_host="0.0.0.0", token_keys="k:too-short"), gateway=False)

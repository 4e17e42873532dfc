"""Faust's Kafka transport with idempotent producers: every event the agents and the gateway send waits for all
in-sync copies (acks=all) and is written once even when a send is retried across a broker's failover.

Faust turns idempotence on only inside exactly-once transactions; Reverie runs at-least-once (its projections are
idempotent by event id), but a retried send must still not write an event twice into the log that replays rebuild
from. The transport is registered under its own URL scheme, so that ``kafka://`` keeps meaning Faust's own.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from faust.transport import drivers
from faust.transport.drivers import aiokafka as faust_aiokafka

SCHEME = "reverie-kafka"


class Producer(faust_aiokafka.Producer):
    def _settings_extra(self) -> Mapping[str, Any]:
        return {**super()._settings_extra(), "acks": "all", "enable_idempotence": True}


class Transport(faust_aiokafka.Transport):
    Producer = Producer


def broker_url(bootstrap: str) -> str:
    """The Faust broker URL for a bootstrap list ("host:port,host:port")."""
    return f"{SCHEME}://{bootstrap}"


drivers.TRANSPORTS[SCHEME] = f"{__name__}:Transport"

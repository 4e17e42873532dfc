"""`reverie serve`: the embedded topology in one process — every agent plus the gateway.

chDB and qdrant-edge allow one process per data path, so in embedded mode this process owns the stores, and the
gateway reads them here. Faust's worker owns the event loop and signals; uvicorn runs as one of its services.
"""

from __future__ import annotations

import contextlib
import logging
import logging.config
import threading
from collections.abc import Callable, Iterator

import faust
import uvicorn
from mode import Service
from starlette.applications import Starlette

from core import heap, logs
from core.clock import utcnow
from core.settings import Settings
from gateway.app import create_app, metrics_app
from gateway.auth import refuse_unsafe_keys
from gateway.resumable import sweep_forever
from projections import vector_host
from streams.app import StreamApp
from streams.geo.gazetteer import load_gazetteer
from streams.models import factory
from streams.models.concepts import concepts
from streams.runtime.services import Services
from streams.runtime.topics import ensure_topics_sync
from streams.understanding.request import Vocabulary, parse

log = logging.getLogger("reverie.worker")


class _Server(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        # Faust's worker handles SIGINT/SIGTERM for the whole process and stops this service in turn.
        yield


class Gateway(Service):
    """The Starlette gateway served by uvicorn inside the Faust worker's event loop (or, for a worker without the
    gateway, the small app that serves its /metrics)."""

    def __init__(self, services: Services, app: Starlette | None = None, port: int = 0, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        settings = services.settings
        self.app = app or create_app(services)
        config = uvicorn.Config(
            self.app,
            host=settings.http_host,
            port=port or settings.http_port,
            log_config=None,
            access_log=False,
            lifespan="off",
        )
        self.server = _Server(config)

    async def on_start(self) -> None:
        self.add_future(self.server.serve())
        uploads = getattr(self.app.state, "uploads", None)
        if uploads is not None:
            self.add_future(sweep_forever(uploads))
        log.info("gateway on http://%s:%d", self.server.config.host, self.server.config.port)

    async def on_stop(self) -> None:
        self.server.should_exit = True


def _warm() -> None:
    """What the first request would otherwise wait for (and settle the heap in the middle of): the text model,
    and what understanding reads — WordNet, first names, the gazetteers, the tag concepts (about 2 s together)."""
    steps: dict[str, Callable[[], object]] = {
        "text model": lambda: factory.text().load(),
        "understanding": lambda: parse("a short video of Anna in Paris two weeks ago", utcnow(), Vocabulary()),
        "tag concepts": concepts,
    }
    for name, step in steps.items():
        try:
            step()
            log.info("%s loaded", name)
        except Exception as exc:  # noqa: BLE001 - a missing model or data set is reported when it is needed
            log.warning("%s not loaded: %s", name, exc)


def serve(settings: Settings, gateway: bool = True, loglevel: str = "info") -> None:
    """Run every agent, and the gateway unless ``gateway`` is False, until a signal stops the worker. Raises
    ``UnsafeKeys`` before touching anything when the gateway's token keys must not be served."""
    logging_config = logs.config(loglevel, settings.log_format)
    logging.config.dictConfig(logging_config)
    if gateway:
        refuse_unsafe_keys(settings)
    vector_host.start_early(settings)
    ensure_topics_sync(settings)
    log.info("gazetteer: %d place names", load_gazetteer())
    heap.watch()
    if settings.warm_models:
        # The first memory request with words should not wait for the text model to load.
        threading.Thread(target=_warm, name="warm-models", daemon=True).start()
    streams = StreamApp(settings)
    services = Services.open(settings, streams.send)
    services.optimize_vectors()  # before anything reads or writes: it holds the GIL while it indexes
    streams.attach(services)
    # Without the gateway a worker still answers /metrics (and /healthz), on its own port.
    served = Gateway(services) if gateway else Gateway(services, metrics_app(services), settings.metrics_port)
    extra: list[Service] = [served]
    worker = faust.Worker(
        streams.app, *extra, loglevel=loglevel, logging_config=logging_config, quiet=True, redirect_stdouts=False
    )
    try:
        worker.execute_from_commandline()
    finally:
        # After the worker stopped every agent: nothing writes to the stores any more.
        services.close()

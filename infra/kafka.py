"""A single-node Apache Kafka broker in KRaft mode, resolved from Maven Central and run with the JDK.

The broker's whole runtime classpath comes from ``infra/kafka/pom.xml`` through ``mvn dependency:copy-dependencies``;
its data, config, log and pid live under ``<data_dir>/kafka``.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
from pathlib import Path

from core.settings import REPO_ROOT, Settings
from infra.process import Daemon

log = logging.getLogger("reverie.infra.kafka")

POM = REPO_ROOT / "infra" / "kafka" / "pom.xml"
LOG4J = REPO_ROOT / "infra" / "kafka" / "log4j2.properties"


def _home(settings: Settings) -> Path:
    return settings.data_dir / "kafka"


def libs_dir(settings: Settings) -> Path:
    # Shared across data folders: the jars depend only on the version.
    return Path.home() / ".cache" / "reverie" / f"kafka-{settings.kafka_version}" / "libs"


def _host_port(settings: Settings) -> tuple[str, int]:
    host, _, port = settings.kafka_bootstrap.split(",")[0].rpartition(":")
    return host, int(port)


def install(settings: Settings) -> Path:
    """Resolve the broker jars once; later calls return at once."""
    libs = libs_dir(settings)
    marker = libs / ".complete"
    if marker.exists():
        return libs
    if shutil.which("mvn") is None or shutil.which("java") is None:
        raise RuntimeError("Kafka needs a JDK (java, 17+) and Maven (mvn) on PATH; install them first")
    log.info("resolving Apache Kafka %s from Maven Central into %s", settings.kafka_version, libs)
    libs.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            "mvn",
            "-q",
            "-B",
            "-f",
            str(POM),
            f"-Dkafka.version={settings.kafka_version}",
            "dependency:copy-dependencies",
            "-DincludeScope=runtime",
            f"-DoutputDirectory={libs}",
        ],
        check=True,
    )
    marker.write_text(settings.kafka_version)
    return libs


def _properties(settings: Settings, home: Path) -> str:
    host, port = _host_port(settings)
    ctl = settings.kafka_controller_port
    return "\n".join(
        [
            "process.roles=broker,controller",
            "node.id=1",
            f"controller.quorum.bootstrap.servers={host}:{ctl}",
            f"listeners=PLAINTEXT://{host}:{port},CONTROLLER://{host}:{ctl}",
            f"advertised.listeners=PLAINTEXT://{host}:{port}",
            "controller.listener.names=CONTROLLER",
            "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
            "inter.broker.listener.name=PLAINTEXT",
            f"log.dirs={home / 'data'}",
            f"num.partitions={settings.kafka_partitions}",
            "offsets.topic.replication.factor=1",
            "transaction.state.log.replication.factor=1",
            "transaction.state.log.min.isr=1",
            "share.coordinator.state.topic.replication.factor=1",
            "share.coordinator.state.topic.min.isr=1",
            "group.initial.rebalance.delay.ms=0",
            # Topics are created by the app with their intended partition counts; a typo must not create one.
            "auto.create.topics.enable=false",
            "",
        ]
    )


def _java(settings: Settings, libs: Path, *args: str) -> list[str]:
    return [
        "java",
        "-Xms1g",
        "-Xmx1g",
        f"-Dlog4j2.configurationFile={LOG4J}",
        f"-Dkafka.logs.dir={_home(settings) / 'logs'}",
        "-cp",
        f"{libs}/*",
        *args,
    ]


def _format(settings: Settings, libs: Path, home: Path, config: Path) -> None:
    if (home / "data" / "meta.properties").exists():
        return
    cluster_id = (
        subprocess.run(
            _java(settings, libs, "kafka.tools.StorageTool", "random-uuid"), check=True, capture_output=True, text=True
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    subprocess.run(
        _java(settings, libs, "kafka.tools.StorageTool", "format", "-t", cluster_id, "-c", str(config), "--standalone"),
        check=True,
        capture_output=True,
    )


def _daemon(settings: Settings) -> Daemon:
    host, port = _host_port(settings)
    return Daemon("kafka", _home(settings), host, port)


def start(settings: Settings, timeout: float = 90.0) -> bool:
    """Start the broker unless it already runs. Returns True if this call started it."""

    def prepare() -> list[str]:
        home = _home(settings)
        libs = install(settings)
        config = home / "server.properties"
        config.write_text(_properties(settings, home))
        _format(settings, libs, home, config)
        return _java(settings, libs, "kafka.Kafka", str(config))

    return _daemon(settings).ensure(prepare, timeout)


def stop(settings: Settings) -> bool:
    return _daemon(settings).stop()


def is_running(settings: Settings) -> bool:
    return _daemon(settings).is_running()

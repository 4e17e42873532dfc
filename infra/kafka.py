"""A single-node Apache Kafka broker in KRaft mode, resolved from Maven Central and run with the JDK.

The broker's whole runtime classpath comes from ``infra/kafka/pom.xml`` through ``mvn dependency:copy-dependencies``;
its data, config, log and pid live under ``<data_dir>/kafka``.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Node:
    """One KRaft node, broker and controller in one process."""

    node_id: int
    host: str
    port: int
    controller_port: int
    home: Path


def _properties(settings: Settings, home: Path) -> str:
    host, port = _host_port(settings)
    return properties(Node(1, host, port, settings.kafka_controller_port, home), [], settings.kafka_partitions)


def properties(node: Node, voters: list[Node], partitions: int) -> str:
    """server.properties of a node: alone (no voters: a single-node quorum, formatted --standalone), or one of a
    cluster whose controllers are ``voters``, with internal topics replicated on all of them (at most 3)."""
    host, port, ctl = node.host, node.port, node.controller_port
    replicas = min(3, len(voters)) if voters else 1
    quorum = (
        "controller.quorum.voters=" + ",".join(f"{v.node_id}@{v.host}:{v.controller_port}" for v in voters)
        if voters
        else f"controller.quorum.bootstrap.servers={host}:{ctl}"
    )
    return "\n".join(
        [
            "process.roles=broker,controller",
            f"node.id={node.node_id}",
            quorum,
            f"listeners=PLAINTEXT://{host}:{port},CONTROLLER://{host}:{ctl}",
            f"advertised.listeners=PLAINTEXT://{host}:{port}",
            "controller.listener.names=CONTROLLER",
            "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
            "inter.broker.listener.name=PLAINTEXT",
            f"log.dirs={node.home / 'data'}",
            f"num.partitions={partitions}",
            f"offsets.topic.replication.factor={replicas}",
            f"transaction.state.log.replication.factor={replicas}",
            f"transaction.state.log.min.isr={min(2, replicas)}",
            f"share.coordinator.state.topic.replication.factor={replicas}",
            f"share.coordinator.state.topic.min.isr={min(2, replicas)}",
            "group.initial.rebalance.delay.ms=0",
            # Topics are created by the app with their intended partition counts; a typo must not create one.
            "auto.create.topics.enable=false",
            "",
        ]
    )


def java_command(settings: Settings, libs: Path, *args: str, home: Path | None = None, heap: str = "1g") -> list[str]:
    return [
        "java",
        f"-Xms{heap}",
        f"-Xmx{heap}",
        f"-Dlog4j2.configurationFile={LOG4J}",
        f"-Dkafka.logs.dir={(home or _home(settings)) / 'logs'}",
        "-cp",
        f"{libs}/*",
        *args,
    ]


def _format(settings: Settings, libs: Path, home: Path, config: Path) -> None:
    if (home / "data" / "meta.properties").exists():
        return
    tool = java_command(settings, libs, "kafka.tools.StorageTool")
    made = subprocess.run([*tool, "random-uuid"], check=True, capture_output=True, text=True)
    cluster_id = made.stdout.strip().splitlines()[-1]
    subprocess.run(
        [*tool, "format", "-t", cluster_id, "-c", str(config), "--standalone"],
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
        return java_command(settings, libs, "kafka.Kafka", str(config))

    return _daemon(settings).ensure(prepare, timeout)


def stop(settings: Settings) -> bool:
    return _daemon(settings).stop()


def is_running(settings: Settings) -> bool:
    return _daemon(settings).is_running()

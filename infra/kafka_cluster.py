"""A Kafka cluster of several KRaft nodes on loopback (each a broker and a controller), from the same jars as the
single local broker: the distributed topology's broker side on one machine, for the fault tests.

Topics on it are made by streams/runtime/topics.py with the settings' replication (REVERIE_KAFKA_REPLICATION=3,
REVERIE_KAFKA_MIN_INSYNC=2 for three nodes): an acknowledged event is on two nodes at least, so one node may die.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from core.settings import Settings
from infra import kafka
from infra.process import kill_pid, running_pid, start_daemon, stop_pid, wait_for_port

HEAP = "384m"  # three JVMs share the machine with the stack and the server: smaller than the single broker's


class Cluster:
    def __init__(self, settings: Settings, folder: Path, ports: list[tuple[int, int]], host: str = "127.0.0.1") -> None:
        """``ports``: (broker, controller) of each node; node ids count from 1."""
        self.settings, self.folder = settings, folder
        self.nodes = [
            kafka.Node(i + 1, host, port, ctl, folder / f"node-{i + 1}") for i, (port, ctl) in enumerate(ports)
        ]

    @property
    def bootstrap(self) -> str:
        return ",".join(f"{n.host}:{n.port}" for n in self.nodes)

    def start(self, timeout: float = 180.0) -> None:
        """Format every node (once) with one cluster id, start them all, and wait until each broker listens: a
        broker opens its port only once a majority of controllers runs, so they start together."""
        libs = kafka.install(self.settings)
        cluster_id = self._cluster_id(libs)
        procs = {}
        for node in self.nodes:
            if running_pid(self._pidfile(node)) is None:
                procs[node.node_id] = start_daemon(self._command(node, libs, cluster_id), self._pidfile(node),
                                                   node.home / "kafka.log")  # fmt: skip
        for node in self.nodes:
            wait_for_port(node.host, node.port, timeout, procs.get(node.node_id), node.home / "kafka.log")

    def kill(self, node_id: int) -> None:
        """The node dies at once (SIGKILL): nothing flushed, nothing handed over."""
        kill_pid(self._pidfile(self._node(node_id)))

    def restart(self, node_id: int, timeout: float = 120.0) -> None:
        """Stop the node cleanly if it runs, then start it again and wait until it listens."""
        node = self._node(node_id)
        stop_pid(self._pidfile(node), timeout=30.0)
        libs = kafka.install(self.settings)
        proc = start_daemon(self._command(node, libs, self._cluster_id(libs)), self._pidfile(node),
                            node.home / "kafka.log")  # fmt: skip
        wait_for_port(node.host, node.port, timeout, proc, node.home / "kafka.log")

    def running(self, node_id: int) -> bool:
        return running_pid(self._pidfile(self._node(node_id))) is not None

    def stop(self) -> None:
        for node in self.nodes:
            stop_pid(self._pidfile(node), timeout=30.0)

    def _node(self, node_id: int) -> kafka.Node:
        return self.nodes[node_id - 1]

    @staticmethod
    def _pidfile(node: kafka.Node) -> Path:
        return node.home / "kafka.pid"

    def _cluster_id(self, libs: Path) -> str:
        path = self.folder / "cluster.id"
        if not path.exists():
            self.folder.mkdir(parents=True, exist_ok=True)
            made = subprocess.run(
                kafka.java_command(self.settings, libs, "kafka.tools.StorageTool", "random-uuid", home=self.folder),
                check=True, capture_output=True, text=True,
            )  # fmt: skip
            path.write_text(made.stdout.strip().splitlines()[-1])
        return path.read_text().strip()

    def _command(self, node: kafka.Node, libs: Path, cluster_id: str) -> list[str]:
        node.home.mkdir(parents=True, exist_ok=True)
        config = node.home / "server.properties"
        config.write_text(kafka.properties(node, self.nodes, self.settings.kafka_partitions))
        if not (node.home / "data" / "meta.properties").exists():
            subprocess.run(
                kafka.java_command(self.settings, libs, "kafka.tools.StorageTool", "format", "-t", cluster_id, "-c",
                            str(config), home=node.home),
                check=True, capture_output=True,
            )  # fmt: skip
        return kafka.java_command(self.settings, libs, "kafka.Kafka", str(config), home=node.home, heap=HEAP)

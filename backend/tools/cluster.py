"""A three-node MariaDB Galera cluster on loopback, with HAProxy in front.

Run as ``python -m tools.cluster start|stop|status`` from ``backend/`` (scripts/galera-cluster.sh
does that), or used from Python (``tools.cluster_fault``). Everything lives in one work folder:
each node's data directory, option file and log, HAProxy's configuration and its health check.

- **Nodes.** ``mariadb-install-db --no-defaults`` makes each data directory; each node reads
  only its own option file (``--defaults-file``, mode 0644: ``mariadbd`` ignores a
  world-writable one). The first node bootstraps the cluster (``--wsrep-new-cluster``); the
  others join it and receive the data by state snapshot transfer (SST, ``mariabackup``). A node
  that was killed is started again on its own data: its last committed position is recovered
  first (``--wsrep-recover``, what ``galera_recovery`` does for systemd) so that it catches up
  by incremental state transfer (IST, from the survivors' write-set cache), not a full copy.
- **Failure detection.** Galera's defaults wait 5 s before suspecting a silent node, and the
  survivors' commits wait for that verdict; the timeouts here are shorter (loopback, no real
  network jitter) so a killed node is evicted within about 1.5 s.
- **HAProxy, single writer.** Every connection goes to one node at a time; the other two are
  standbys (``backup``). CostWatch bumps one ``data_version`` row in every write transaction (the
  exact HTTP cache depends on it), so two nodes taking writes at once would turn most concurrent
  writes into certification conflicts (error 1213, retried, but wasted work); one writer node
  has none, and Galera still keeps the standbys synchronously up to date. When the first node
  is back and Synced, traffic returns to it and the standby's sessions are closed at once
  (``shutdown-backup-sessions``), so that two nodes never take writes side by side for long.
  (A stick table meant to keep traffic on the standby did not: HAProxy 2.6 kept the first
  node's entry and failed back anyway, with the standby's pooled connections still open.)
  The health check asks each node whether it is ``Synced`` (not merely listening): a joining,
  donor or non-primary node is taken out, checked every 500 ms, out after 2 failures.
"""

# ruff: noqa: S103, S603, S607 - the commands run are MariaDB's and HAProxy's own programs

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from tools.private_mariadb import PrivateMariaDB, ServerError, find
from tools.servers import free_ports

PROVIDER = Path("/usr/lib/galera/libgalera_smm.so")
HAPROXY = "/usr/sbin/haproxy"
CLUSTER_NAME = "costwatch"
NODES = 3
SYNCED = "Synced"
# Shorter than Galera's WAN-minded defaults (suspect 5 s, inactive 15 s): on loopback a node
# that stops answering is dead, and the survivors' commits wait until it is evicted.
GCOMM_TIMEOUTS = (
    "evs.keepalive_period=PT0.3S;evs.inactive_check_period=PT0.3S;"
    "evs.suspect_timeout=PT1S;evs.inactive_timeout=PT2S;evs.install_timeout=PT2S"
)
CHECK_SCRIPT = """#!/bin/sh
# HAProxy's health check of a Galera node: healthy only when it is Synced (state 4) and part of
# the primary component; a joiner, a donor or a node cut off from the majority is taken out.
# HAProxy runs it with: <proxy address> <proxy port> <server address> <server port>.
state=$(mariadb --no-defaults -uroot -h"$3" -P"$4" --connect-timeout=1 -N -B -e \\
  "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS
   WHERE VARIABLE_NAME IN ('WSREP_LOCAL_STATE', 'WSREP_CLUSTER_STATUS') ORDER BY VARIABLE_NAME" \\
  2>/dev/null | tr '\\n' ' ')
[ "$state" = "Primary 4 " ]
"""


class ClusterError(RuntimeError):
    """The cluster could not be started or did not reach the state asked for."""


def missing_programs() -> list[str]:
    """What this machine lacks to run the cluster (empty when it has everything)."""
    missing = []
    if not PROVIDER.exists():
        missing.append("galera-4")
    for program, package in (
        ("mariabackup", "mariadb-backup"),
        ("socat", "socat"),
        ("mariadb", "mariadb-client"),
    ):
        if shutil.which(program) is None:
            missing.append(package)
    if not Path(HAPROXY).exists():
        missing.append("haproxy")
    try:
        find("mariadbd")
    except ServerError:
        missing.append("mariadb-server")
    return missing


class GaleraNode(PrivateMariaDB):
    """One ``mariadbd`` of the cluster: its client, group, IST and SST ports on 127.0.0.1.

    ``galera=False`` makes the same server without replication (its option file lacks only the
    ``wsrep`` settings): the single server the benchmark compares the cluster with.
    """

    def __init__(
        self,
        folder: Path,
        name: str,
        ports: list[int],
        peers: list[int],
        *,
        galera: bool = True,
        buffer_pool: str = "64M",
    ) -> None:
        super().__init__(folder, ports[0])
        self.name = name
        self.galera = galera
        self.buffer_pool = buffer_pool
        self.group_port, self.ist_port, self.sst_port = ports[1:4]
        self.peers = peers  # every node's group port
        self.donors = ""  # preferred donors for state transfers, e.g. "node3,node2,"
        self.bootstrap = False
        self.start_position: str | None = None
        self.options = folder / "my.cnf"

    def write_options(self) -> None:
        """The node's option file, readable by all but writable only by its owner (0644)."""
        lines = [
            "[mariadbd]",
            f"datadir={self.data}",
            f"port={self.port}",
            "bind-address=127.0.0.1",
            f"socket={self.folder / 'mariadbd.sock'}",
            f"pid-file={self.folder / 'mariadbd.pid'}",
            "user=root",
            "skip-name-resolve",
            f"innodb-buffer-pool-size={self.buffer_pool}",
            "innodb-log-file-size=48M",
            "character-set-server=utf8mb4",
            "collation-server=utf8mb4_unicode_ci",
            "max-connections=200",
            # What Galera needs: row-based binary log format, InnoDB, interleaved autoinc locks.
            "binlog_format=ROW",
            "default_storage_engine=InnoDB",
            "innodb_autoinc_lock_mode=2",
            # Durability comes from the other nodes holding the write set too.
            "innodb_flush_log_at_trx_commit=2",
        ]
        if self.galera:
            lines += self._wsrep_options()
        self.options.write_text("\n".join(lines) + "\n")
        os.chmod(self.options, 0o644)

    def _wsrep_options(self) -> list[str]:
        addresses = ",".join(f"127.0.0.1:{port}" for port in self.peers)
        provider_options = (
            f"gmcast.listen_addr=tcp://127.0.0.1:{self.group_port};"
            f"ist.recv_addr=127.0.0.1:{self.ist_port};gcache.size=128M;{GCOMM_TIMEOUTS};"
            # A node catching up after a rejoin pauses every node's commits (flow control)
            # once this many write sets wait in its queue; the default (16, about 23 for
            # three nodes) is small for a writer under load. The test prints the pauses.
            "gcs.fc_limit=128"
        )
        lines = [
            "wsrep_on=ON",
            f"wsrep_provider={PROVIDER}",
            f"wsrep_cluster_name={CLUSTER_NAME}",
            f"wsrep_cluster_address=gcomm://{addresses}",
            f"wsrep_node_name={self.name}",
            f"wsrep_node_address=127.0.0.1:{self.group_port}",
            f'wsrep_provider_options="{provider_options}"',
            # mariabackup copies a running donor without blocking its writes (rsync would hold
            # a global read lock on the donor for the whole copy), and it runs as the server's
            # user: rsync's receiving daemon, started by root, drops to ``nobody``.
            "wsrep_sst_method=mariabackup",
            "wsrep_sst_auth=root:",
            f"wsrep_sst_receive_address=127.0.0.1:{self.sst_port}",
            "wsrep_slave_threads=2",
        ]
        if self.donors:
            lines.append(f"wsrep_sst_donor={self.donors}")
        return lines

    def install(self) -> None:
        """A fresh data directory (private to root), then the option file."""
        super().install()
        self.write_options()

    def seed(self, data: Path) -> None:
        """A copy of another (stopped) server's data directory instead of a fresh one."""
        self.folder.mkdir(parents=True, exist_ok=True)
        os.chmod(self.folder, 0o700)
        shutil.rmtree(self.data, ignore_errors=True)
        shutil.copytree(data, self.data, symlinks=True)
        self.write_options()

    def command(self) -> list[str]:
        """``mariadbd`` with this node's option file only (``--defaults-file`` comes first)."""
        command = [find("mariadbd"), f"--defaults-file={self.options}"]
        if self.bootstrap:
            command.append("--wsrep-new-cluster")
        if self.start_position:
            command.append(f"--wsrep-start-position={self.start_position}")
        return command

    def recover_position(self) -> str | None:
        """The last committed position in the data (``uuid:seqno``), read after a crash.

        ``mariadbd --wsrep-recover`` runs InnoDB's recovery, prints the position and exits.
        """
        log = self.folder / "recover.log"
        subprocess.run(
            [
                find("mariadbd"),
                f"--defaults-file={self.options}",
                "--wsrep-recover",
                f"--log-error={log}",
            ],
            capture_output=True,
            check=False,
            timeout=120,
        )
        text = log.read_text(errors="replace") if log.exists() else ""
        found = re.findall(r"Recovered position:?\s+([0-9a-f-]{36}:-?\d+)", text)
        return found[-1] if found else None

    def restart(self, timeout: float = 120.0) -> None:
        """Start again after a kill: recover the position, then rejoin (IST when it can)."""
        self.bootstrap = False
        self.start_position = self.recover_position()
        self.start(timeout=timeout)

    def status(self) -> dict[str, str]:
        """The node's ``wsrep_%`` status variables (empty when it does not answer)."""
        result = subprocess.run(
            [
                "mariadb",
                "--no-defaults",
                "-uroot",
                "-h127.0.0.1",
                f"-P{self.port}",
                "--connect-timeout=1",
                "-N",
                "-B",
                "-e",
                "SHOW GLOBAL STATUS LIKE 'wsrep_%'",
            ],
            capture_output=True,
            check=False,
            timeout=10,
        )
        if result.returncode != 0:
            return {}
        rows = (line.split("\t", 1) for line in result.stdout.decode().splitlines())
        return {row[0]: row[1] for row in rows if len(row) == 2}

    def wait_synced(self, size: int, timeout: float = 120.0) -> dict[str, str]:
        """Wait until the node is Synced in a cluster of ``size`` nodes; its status then."""
        deadline = time.monotonic() + timeout
        status: dict[str, str] = {}
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise ClusterError(f"{self.name} exited; see {self.log}: {self._tail()}")
            status = self.status()
            if status.get("wsrep_local_state_comment") == SYNCED and status.get(
                "wsrep_cluster_size"
            ) == str(size):
                return status
            time.sleep(0.3)
        raise ClusterError(
            f"{self.name} was not Synced in a cluster of {size} within {timeout:g} s"
            f" (state {status.get('wsrep_local_state_comment')},"
            f" size {status.get('wsrep_cluster_size')}); see {self.log}"
        )

    def transfer(self) -> str:
        """How the node got its state at its last start: "IST", "SST" or "unknown"."""
        text = self._tail(200_000)
        ist = text.rfind("IST received")
        sst = max(text.rfind("SST succeeded"), text.rfind("SST received"))
        if ist == sst == -1:
            return "unknown"
        return "IST" if ist > sst else "SST"

    def _tail(self, size: int = 2000) -> str:
        return self.log.read_text(errors="replace")[-size:] if self.log.exists() else ""


class HAProxy:
    """HAProxy on 127.0.0.1:port in front of the nodes, TCP mode, one writer at a time."""

    def __init__(self, folder: Path, port: int, nodes: list[GaleraNode]) -> None:
        self.folder = folder
        self.port = port
        self.nodes = nodes
        self.config = folder / "haproxy.cfg"
        self.log = folder / "haproxy.log"
        self.process: subprocess.Popen[bytes] | None = None

    def write_config(self) -> None:
        """The configuration and the health-check script."""
        check = self.folder / "galera-check.sh"
        check.write_text(CHECK_SCRIPT)
        os.chmod(check, 0o755)
        # When the first node is back (Synced), the traffic returns to it and the standby's
        # connections are closed: two nodes never take writes at the same time for long.
        servers = [
            f"    server {node.name} 127.0.0.1:{node.port} check"
            + (" backup" if index else " on-marked-up shutdown-backup-sessions")
            for index, node in enumerate(self.nodes)
        ]
        self.config.write_text(
            "\n".join(
                [
                    "global",
                    "    maxconn 2000",
                    "    external-check",
                    "    insecure-fork-wanted",
                    f"    pidfile {self.folder / 'haproxy.pid'}",
                    "defaults",
                    "    mode tcp",
                    "    timeout connect 1s",
                    "    timeout client 1h",
                    "    timeout server 1h",
                    "    timeout check 2s",
                    "listen galera",
                    f"    bind 127.0.0.1:{self.port}",
                    # A connection refused by a node not yet marked down is retried on
                    # the next one at once (nothing was sent yet), not failed to the client.
                    "    retries 2",
                    "    option redispatch 1",
                    "    option external-check",
                    '    external-check path "/usr/bin:/bin:/usr/sbin:/sbin"',
                    f"    external-check command {check}",
                    # A node out of the cluster loses its connections at once, so that no
                    # client keeps writing to a node that is no longer the writer.
                    "    default-server inter 500ms fastinter 250ms downinter 500ms rise 2"
                    " fall 2 on-marked-down shutdown-sessions",
                    *servers,
                    "",
                ]
            )
        )
        os.chmod(self.config, 0o644)

    def start(self) -> None:
        """Check the configuration, start HAProxy and wait until it listens."""
        self.write_config()
        subprocess.run([HAPROXY, "-c", "-q", "-f", str(self.config)], check=True)
        with self.log.open("ab") as output:
            self.process = subprocess.Popen(
                [HAPROXY, "-db", "-f", str(self.config)],
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def stop(self) -> None:
        """Stop HAProxy (SIGTERM, then SIGKILL)."""
        _end(self.process)
        self.process = None


def _end(process: subprocess.Popen[bytes] | None, timeout: float = 30.0) -> None:
    if process is None or process.poll() is not None:
        return
    os.kill(process.pid, signal.SIGCONT)  # a frozen process would not act on SIGTERM
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class GaleraCluster:
    """Three nodes and HAProxy under ``folder``; :meth:`stop` ends every process started."""

    def __init__(self, folder: Path, size: int = NODES, buffer_pool: str = "64M") -> None:
        self.folder = folder
        ports = free_ports(4 * size + 1)
        group_ports = [ports[4 * index + 1] for index in range(size)]
        self.nodes = [
            GaleraNode(
                folder / f"node{index + 1}",
                f"node{index + 1}",
                ports[4 * index : 4 * index + 4],
                group_ports,
                buffer_pool=buffer_pool,
            )
            for index in range(size)
        ]
        # State transfers come from the last standby first: the writer keeps serving.
        for node in self.nodes:
            others = [other.name for other in reversed(self.nodes) if other is not node]
            node.donors = ",".join(others) + ","  # trailing comma: any other node after those
        self.haproxy = HAProxy(folder, ports[-1], self.nodes)

    @property
    def url(self) -> str:
        """The async SQLAlchemy URL of the cluster through HAProxy (no database)."""
        return f"mysql+asyncmy://root@127.0.0.1:{self.haproxy.port}/?charset=utf8mb4"

    def start(self, seed: Path | None = None) -> None:
        """Install and start every node (one after the other), then HAProxy.

        ``seed``: the data directory of a stopped server to found the cluster on (the first
        node starts on a copy of it, the others receive it by SST), instead of empty nodes.
        """
        missing = missing_programs()
        if missing:
            raise ClusterError(f"missing: {', '.join(missing)} (apt-get install ...)")
        self.folder.mkdir(parents=True, exist_ok=True)
        for index, node in enumerate(self.nodes):
            if seed is not None and index == 0:
                node.seed(seed)
            else:
                node.install()
            node.bootstrap = index == 0
            node.start(timeout=120)
            node.wait_synced(index + 1)
            node.bootstrap = False  # a later restart joins, never founds a second cluster
        self.haproxy.start()
        self.wait_routed()

    def wait_routed(self, timeout: float = 30.0) -> int:
        """Wait until a query through HAProxy reaches a node; that node's port."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            result = subprocess.run(
                [
                    "mariadb",
                    "--no-defaults",
                    "-uroot",
                    "-h127.0.0.1",
                    f"-P{self.haproxy.port}",
                    "--connect-timeout=1",
                    "-N",
                    "-B",
                    "-e",
                    "SELECT @@port",
                ],
                capture_output=True,
                check=False,
                timeout=10,
            )
            if result.returncode == 0:
                return int(result.stdout.strip())
            time.sleep(0.3)
        raise ClusterError(
            f"HAProxy on {self.haproxy.port} reached no node; see {self.haproxy.log}"
        )

    def stop(self) -> None:
        """Stop HAProxy and every node still running."""
        self.haproxy.stop()
        for node in reversed(self.nodes):
            node.stop()

    def state(self) -> dict[str, object]:
        """What ``stop`` and ``status`` of another process need: folders, ports, PIDs."""
        return {
            "haproxy": {
                "port": self.haproxy.port,
                "pid": self.haproxy.process.pid if self.haproxy.process else None,
            },
            "nodes": [
                {
                    "name": node.name,
                    "port": node.port,
                    "folder": str(node.folder),
                    "pid": node.process.pid if node.process else None,
                }
                for node in self.nodes
            ],
        }


# The command line: a cluster that outlives the command that started it.

STATE = "cluster.json"


def _alive(pid: int | None, marker: str) -> bool:
    """Whether ``pid`` is still the process started (its command line names ``marker``)."""
    if not pid:
        return False
    try:
        return marker in Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return False


def _kill_pid(pid: int, marker: str, timeout: float = 30.0) -> None:
    if not _alive(pid, marker):
        return
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while _alive(pid, marker) and time.monotonic() < deadline:
        time.sleep(0.2)
    if _alive(pid, marker):
        os.kill(pid, signal.SIGKILL)


def command_start(folder: Path) -> int:
    """Start a cluster in ``folder`` and leave it running; print how to reach it."""
    if (folder / STATE).exists():
        print(f"a cluster is already recorded in {folder / STATE}: stop it first", file=sys.stderr)
        return 1
    cluster = GaleraCluster(folder)
    try:
        cluster.start()
    except BaseException:
        cluster.stop()
        raise
    (folder / STATE).write_text(json.dumps(cluster.state(), indent=2))
    print(f"cluster of {len(cluster.nodes)} nodes started in {folder}")
    print(f"through HAProxy: {cluster.url}")
    return 0


def command_stop(folder: Path) -> int:
    """Stop the processes recorded by ``start`` (only those: checked by command line)."""
    path = folder / STATE
    if not path.exists():
        print(f"no cluster recorded in {folder}")
        return 0
    state = json.loads(path.read_text())
    _kill_pid(state["haproxy"]["pid"], "haproxy")
    for node in reversed(state["nodes"]):
        _kill_pid(node["pid"], node["folder"])
    path.unlink()
    print(f"cluster in {folder} stopped")
    return 0


def command_status(folder: Path) -> int:
    """Print each node's cluster state; 0 when every node is Synced in a full cluster."""
    path = folder / STATE
    if not path.exists():
        print(f"no cluster recorded in {folder}")
        return 3
    state = json.loads(path.read_text())
    healthy = True
    for recorded in state["nodes"]:
        node = GaleraNode(Path(recorded["folder"]), recorded["name"], [recorded["port"]] * 4, [])
        status = node.status()
        comment = status.get("wsrep_local_state_comment", "not answering")
        size = status.get("wsrep_cluster_size", "-")
        print(f"{node.name}: port {node.port}, {comment}, cluster size {size}")
        healthy = healthy and comment == SYNCED and size == str(len(state["nodes"]))
    print(f"haproxy: port {state['haproxy']['port']}, pid {state['haproxy']['pid']}")
    return 0 if healthy else 1


def main(argv: list[str] | None = None) -> int:
    """``start``, ``stop`` or ``status`` of the cluster in ``--folder``."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("action", choices=("start", "stop", "status"))
    parser.add_argument(
        "--folder",
        type=Path,
        default=Path(os.environ.get("COSTWATCH_CLUSTER_DIR", "/tmp/costwatch-galera")),  # noqa: S108
        help="where the nodes' data and HAProxy's files live (default: /tmp/costwatch-galera)",
    )
    args = parser.parse_args(argv)
    folder: Path = args.folder.resolve()
    actions = {"start": command_start, "stop": command_stop, "status": command_status}
    return actions[args.action](folder)


if __name__ == "__main__":
    sys.exit(main())

"""The Galera cluster's files (tools.cluster), checked without starting it."""

import os
import stat
from pathlib import Path

import pytest

from tools import cluster
from tools.cluster import GaleraCluster, GaleraNode, HAProxy


def test_a_node_reads_only_its_own_option_file_which_others_cannot_write(tmp_path: Path) -> None:
    node = GaleraNode(tmp_path / "node2", "node2", [3307, 4568, 4569, 4444], [4567, 4568, 4570])
    node.folder.mkdir()
    node.donors = "node3,node1,"
    node.write_options()
    mode = stat.S_IMODE(os.stat(node.options).st_mode)
    assert mode == 0o644  # mariadbd ignores a world-writable option file
    text = node.options.read_text()
    assert "wsrep_cluster_address=gcomm://127.0.0.1:4567,127.0.0.1:4568,127.0.0.1:4570" in text
    assert "gmcast.listen_addr=tcp://127.0.0.1:4568;ist.recv_addr=127.0.0.1:4569" in text
    assert "wsrep_sst_receive_address=127.0.0.1:4444" in text
    assert "wsrep_sst_donor=node3,node1," in text
    assert node.command()[1] == f"--defaults-file={node.options}"
    assert "--wsrep-new-cluster" not in node.command()
    node.bootstrap, node.start_position = True, "uuid:12"
    assert node.command()[2:] == ["--wsrep-new-cluster", "--wsrep-start-position=uuid:12"]


def test_haproxy_sends_everything_to_one_synced_node(tmp_path: Path) -> None:
    nodes = [GaleraNode(tmp_path / f"n{i}", f"node{i}", [3300 + i] * 4, []) for i in (1, 2, 3)]
    proxy = HAProxy(tmp_path, 3306, nodes)
    proxy.write_config()
    config = proxy.config.read_text()
    assert "server node1 127.0.0.1:3301 check on-marked-up shutdown-backup-sessions" in config
    assert "server node2 127.0.0.1:3302 check backup" in config
    assert "server node3 127.0.0.1:3303 check backup" in config
    script = (tmp_path / "galera-check.sh").read_text()
    assert '[ "$state" = "Primary 4 " ]' in script  # Synced in the primary component


def test_the_cluster_gives_each_node_other_donors_first(tmp_path: Path) -> None:
    galera = GaleraCluster(tmp_path)
    assert [node.donors for node in galera.nodes] == [
        "node3,node2,",
        "node3,node1,",
        "node2,node1,",
    ]
    assert len({port for node in galera.nodes for port in (node.port, node.group_port)}) == 6
    assert galera.url.startswith(f"mysql+asyncmy://root@127.0.0.1:{galera.haproxy.port}/")


def test_transfer_reads_how_the_node_last_caught_up(tmp_path: Path) -> None:
    node = GaleraNode(tmp_path, "node1", [1, 2, 3, 4], [])
    assert node.transfer() == "unknown"
    node.log.write_text("WSREP: SST succeeded\n... IST received: abc:12\n")
    assert node.transfer() == "IST"
    node.log.write_text("IST received: abc:12\nSST received\n")
    assert node.transfer() == "SST"


def test_start_refuses_what_is_missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cluster, "missing_programs", lambda: ["haproxy"])
    with pytest.raises(cluster.ClusterError, match="missing: haproxy"):
        GaleraCluster(tmp_path).start()


def test_status_and_stop_without_a_cluster(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cluster.main(["status", "--folder", str(tmp_path)]) == 3
    assert cluster.main(["stop", "--folder", str(tmp_path)]) == 0
    assert "no cluster recorded" in capsys.readouterr().out


def test_the_single_server_is_a_node_without_replication(tmp_path: Path) -> None:
    single = GaleraNode(
        tmp_path / "single", "single", [3310, 1, 2, 3], [], galera=False, buffer_pool="512M"
    )
    node = GaleraNode(tmp_path / "node1", "node1", [3311, 4, 5, 6], [4], buffer_pool="512M")
    for each in (single, node):
        each.folder.mkdir()
        each.write_options()
    plain, replicated = single.options.read_text(), node.options.read_text()
    assert "innodb-buffer-pool-size=512M" in plain
    assert "wsrep" not in plain
    assert "wsrep_on=ON" in replicated
    # the same settings but for the wsrep ones (and the node's own paths and port)
    assert [line for line in replicated.splitlines() if "wsrep" not in line] == [
        line.replace(str(single.folder), str(node.folder)).replace("3310", "3311")
        for line in plain.splitlines()
    ]


def test_a_node_can_start_on_a_copy_of_another_server_s_data(tmp_path: Path) -> None:
    data = tmp_path / "seed"
    (data / "costwatch").mkdir(parents=True)
    (data / "costwatch" / "service.ibd").write_bytes(b"pages")
    (data / "ibdata1").write_bytes(b"system")
    node = GaleraNode(tmp_path / "node1", "node1", [3311, 4, 5, 6], [4])
    node.seed(data)
    assert (node.data / "costwatch" / "service.ibd").read_bytes() == b"pages"
    assert (node.data / "ibdata1").read_bytes() == b"system"
    assert stat.S_IMODE(os.stat(node.folder).st_mode) == 0o700
    assert "wsrep_on=ON" in node.options.read_text()

"""Starting, waiting for and stopping server processes (tools.servers)."""

import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from tools import servers
from tools.servers import NotReady, free_port, free_ports, start_api, stop, wait_ready


@contextmanager
def http_server(status_of: Callable[[int], int]) -> Iterator[tuple[str, list[int]]]:
    """A real HTTP server on 127.0.0.1: the n-th request (from 1) gets ``status_of(n)``.

    Yields the URL of /ready and the list of the statuses it answered, one per request.
    """
    answered: list[int] = []
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            with lock:
                status = status_of(len(answered) + 1)
                answered.append(status)
            body = b'{"status": "..."}'
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/ready", answered
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def hanging_up_server() -> Iterator[tuple[str, list[int]]]:
    """A TCP server that accepts each connection and closes it at once (a connection error)."""
    accepted: list[int] = []
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(0.1)
    done = threading.Event()

    def serve() -> None:
        while not done.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            accepted.append(1)
            connection.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/ready", accepted
    finally:
        done.set()
        thread.join(5)
        listener.close()


def bounded(call: Callable[[], object], limit: float = 15) -> BaseException | None:
    """Run ``call`` in a thread; fail the test if it has not returned after ``limit`` s.

    Returns what it raised, or None.
    """
    outcome: list[BaseException | None] = []

    def target() -> None:
        try:
            call()
        except BaseException as exc:
            outcome.append(exc)
        else:
            outcome.append(None)

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(limit)
    assert not thread.is_alive(), f"still waiting after {limit} s: it never gives up"
    return outcome[0]


def counting(sleeps: list[float]) -> Callable[[float], None]:
    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        time.sleep(seconds)

    return sleep


def test_it_waits_through_503s_sleeping_between_tries() -> None:
    with http_server(lambda n: 503 if n <= 3 else 200) as (url, answered):
        sleeps: list[float] = []
        error = bounded(lambda: wait_ready(url, timeout=30, interval=0.05, sleep=counting(sleeps)))
    assert error is None
    assert answered == [503, 503, 503, 200]
    assert sleeps == [0.05, 0.05, 0.05]  # one sleep after each 503, none after the 200


def test_a_server_answering_503_is_asked_a_few_times_then_given_up_on() -> None:
    with http_server(lambda n: 503) as (url, answered):
        error = bounded(lambda: wait_ready(url, timeout=1.5, interval=0.25))
        asked = len(answered)
        time.sleep(0.6)
        asked_later = len(answered)
    assert isinstance(error, NotReady)
    assert "not ready after 1.5 s" in str(error)
    assert "HTTP 503" in str(error)
    # 1.5 s at one try every 0.25 s: about 7 tries; a loop that does not sleep makes hundreds.
    assert 2 <= asked <= 8
    assert asked_later == asked  # it stopped asking once it gave up


def test_it_sleeps_after_a_connection_error_too() -> None:
    with hanging_up_server() as (url, accepted):
        error = bounded(lambda: wait_ready(url, timeout=1.5, interval=0.25))
        tried = len(accepted)
    assert isinstance(error, NotReady)
    # the peer hangs up: a reset or a closed connection, as the kernel's timing has it
    assert re.search(r"last answer: (ReadError|RemoteProtocolError)", str(error))
    assert 2 <= tried <= 8


def test_a_refused_connection_is_retried_until_the_deadline() -> None:
    sleeps: list[float] = []
    url = f"http://127.0.0.1:{free_port()}/ready"
    error = bounded(lambda: wait_ready(url, timeout=1, interval=0.2, sleep=counting(sleeps)))
    assert isinstance(error, NotReady)
    assert "ConnectError" in str(error)
    assert 2 <= len(sleeps) <= 6
    assert all(0 < seconds <= 0.2 for seconds in sleeps)


def test_it_stops_at_once_when_the_server_process_has_exited() -> None:
    exited = subprocess.Popen([sys.executable, "-c", "raise SystemExit(3)"])
    exited.wait()
    with http_server(lambda n: 503) as (url, answered):
        error = bounded(lambda: wait_ready(url, timeout=60, process=exited))
    assert isinstance(error, NotReady)
    assert "exited with code 3" in str(error)
    assert answered == []


def test_free_ports_are_distinct_and_free() -> None:
    ports = free_ports(5)
    assert len(set(ports)) == 5
    for port in ports:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", port))  # raises if something holds it


def test_an_api_that_cannot_start_is_reported_with_its_log(tmp_path: Path) -> None:
    log = tmp_path / "api.log"
    api = start_api(free_port(), {"COSTWATCH_DATABASE_URL": "postgresql://nowhere/x"}, log)
    try:
        error = bounded(lambda: api.wait_ready(timeout=60))
    finally:
        stop([api.process])
    assert isinstance(error, NotReady)
    assert "exited with code 2" in str(error)
    assert str(log) in str(error)
    assert "COSTWATCH_DATABASE_URL" in log.read_text()
    assert api.url == f"http://127.0.0.1:{api.port}"


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


STUBBORN = """
import signal, subprocess, sys, time
signal.signal(signal.SIGTERM, signal.SIG_IGN)
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
print(child.pid, flush=True)
time.sleep(60)
"""


def test_stop_kills_what_ignores_sigterm_with_its_whole_group() -> None:
    stubborn = subprocess.Popen(  # noqa: S603 - the script above
        [sys.executable, "-c", STUBBORN], stdout=subprocess.PIPE, start_new_session=True
    )
    assert stubborn.stdout is not None
    worker = int(stubborn.stdout.readline())
    stubborn.stdout.close()
    polite = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    assert _alive(worker)
    stop([stubborn, polite], timeout=0.5)
    assert polite.returncode == -15  # SIGTERM was enough
    assert stubborn.returncode == -9
    for _ in range(50):  # the orphaned worker is reaped by init, at its own pace
        if not _alive(worker):
            break
        time.sleep(0.1)
    assert not _alive(worker)


def test_the_server_script_is_the_repository_s() -> None:
    assert servers.MAIN.is_file()
    assert (servers.ROOT / "bench.sh").is_file()

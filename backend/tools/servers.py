"""The API as a separate process, started as production starts it: ``backend/main.py``.

Shared by the benchmark and the replica check: pick free ports, start the server, wait until
it answers ``/ready``, stop it.
"""

# ruff: noqa: S603 - the command run is this repository's own server

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
MAIN = ROOT / "backend" / "main.py"


class NotReady(RuntimeError):
    """A server did not answer 200 before the deadline, or exited first."""


def free_ports(count: int) -> list[int]:
    """``count`` different ports nothing listens on (all held open until every one is found)."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [int(sock.getsockname()[1]) for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def free_port() -> int:
    """A port nothing listens on."""
    return free_ports(1)[0]


def wait_ready(
    url: str,
    *,
    timeout: float = 120.0,
    interval: float = 0.5,
    process: subprocess.Popen[bytes] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Poll ``url`` until it answers 200; raise :class:`NotReady` once ``timeout`` s have passed.

    Between two tries it sleeps ``interval`` s, whatever the answer was (a 503 while the
    database migrates, a refused connection while the server starts). With ``process``, it
    stops at once when that process has exited.
    """
    deadline = time.monotonic() + timeout
    last = "no answer"
    while True:
        if process is not None and process.poll() is not None:
            raise NotReady(f"{url}: the server exited with code {process.returncode}")
        try:
            answer = httpx.get(url, timeout=max(min(2.0, deadline - time.monotonic()), 0.1))
        except httpx.HTTPError as exc:
            last = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        else:
            if answer.status_code == 200:
                return
            last = f"HTTP {answer.status_code}"
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise NotReady(f"{url} was not ready after {timeout:g} s (last answer: {last})")
        sleep(min(interval, remaining))


@dataclass
class Api:
    """One API server process listening on 127.0.0.1."""

    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def url(self) -> str:
        """Its base URL."""
        return f"http://127.0.0.1:{self.port}"

    def wait_ready(self, timeout: float = 120.0) -> None:
        """Wait until it answers ``/ready`` (migrated, database up); raise :class:`NotReady`."""
        try:
            wait_ready(f"{self.url}/ready", timeout=timeout, process=self.process)
        except NotReady as exc:
            raise NotReady(f"{exc}; its output is in {self.log}") from exc


def start_api(port: int, env: Mapping[str, str], log: Path) -> Api:
    """Start ``backend/main.py --port port`` with ``env`` over this process's environment.

    Its output goes to ``log``. It runs in a session of its own, so that :func:`stop` can end
    its worker processes with it.
    """
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, str(MAIN), "--port", str(port)],
            env={**os.environ, **env},
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return Api(process, port, log)


def stop(processes: Iterable[subprocess.Popen[bytes]], timeout: float = 20.0) -> None:
    """Ask every process to stop (SIGTERM), wait, and kill those still running after ``timeout`` s.

    A process that leads its own session (see :func:`start_api`) is killed with its whole
    group, so no worker outlives it.
    """
    running = [process for process in processes if process.poll() is None]
    for process in running:
        process.terminate()
    deadline = time.monotonic() + timeout
    for process in running:
        try:
            process.wait(timeout=max(deadline - time.monotonic(), 0))
        except subprocess.TimeoutExpired:
            _kill(process)
            process.wait()


def _kill(process: subprocess.Popen[bytes]) -> None:
    try:
        if os.getpgid(process.pid) == process.pid:
            os.killpg(process.pid, signal.SIGKILL)
            return
    except ProcessLookupError:
        return
    process.kill()

"""A MariaDB server of the tools' own: its own data directory and port, on loopback only.

The fault test freezes and kills its database; that must never be the shared server the rest
of the suite (and everything else on the machine) uses. ``mariadb-install-db`` and ``mariadbd``
run with ``--no-defaults``: no option file of the machine applies, every setting is on the
command line (``mariadbd`` would also ignore a world-writable option file).
"""

# ruff: noqa: S603 - the commands run are the MariaDB server's own programs

import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

INSTALL_DB = "mariadb-install-db"
SERVER = "mariadbd"


# Settings of every private server: small, UTF-8, enough connections for the load tests.
SERVER_OPTIONS = (
    "--skip-name-resolve",
    "--innodb-buffer-pool-size=64M",
    "--innodb-log-file-size=48M",
    "--character-set-server=utf8mb4",
    "--collation-server=utf8mb4_unicode_ci",
    "--max-connections=200",
)


class ServerError(RuntimeError):
    """The server could not be installed or did not start."""


def find(program: str) -> str:
    """The path of a MariaDB program; :class:`ServerError` when it is not installed."""
    for folder in ("", "/usr/sbin/", "/usr/bin/"):
        found = shutil.which(folder + program) if folder else shutil.which(program)
        if found:
            return found
    raise ServerError(f"{program} is not installed (apt-get install mariadb-server)")


class PrivateMariaDB:
    """One ``mariadbd`` process on ``127.0.0.1:port`` with its data under ``folder``.

    ``root`` has no password and is reachable only over loopback. :meth:`freeze`,
    :meth:`thaw` and :meth:`kill` act on the process by its PID; :meth:`start` again after a
    kill runs InnoDB's crash recovery on the same data, as a real restart would.
    """

    def __init__(self, folder: Path, port: int) -> None:
        self.folder = folder
        self.port = port
        self.data = folder / "data"
        self.log = folder / "mariadbd.log"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """The server's async SQLAlchemy URL (no database)."""
        return f"mysql+asyncmy://root@127.0.0.1:{self.port}/?charset=utf8mb4"

    def install(self) -> None:
        """Create the system tables in an empty data directory (private to root: 0700)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        os.chmod(self.folder, 0o700)
        result = subprocess.run(
            [
                find(INSTALL_DB),
                "--no-defaults",
                f"--datadir={self.data}",
                "--user=root",
                "--auth-root-authentication-method=normal",
                "--skip-test-db",
            ],
            capture_output=True,
            check=False,
        )
        if result.returncode != 0:
            raise ServerError(f"mariadb-install-db failed: {result.stderr.decode()[-2000:]}")

    def start(self, timeout: float = 60.0) -> None:
        """Start the server and wait until it accepts TCP connections."""
        with self.log.open("ab") as output:
            self.process = subprocess.Popen(
                self.command(),
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ServerError(f"mariadbd exited; see {self.log}: {self._tail()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.2)
        raise ServerError(f"mariadbd did not listen on {self.port} within {timeout:g} s")

    def command(self) -> list[str]:
        """The server's command line (a Galera node adds its replication settings)."""
        return [
            find(SERVER),
            "--no-defaults",
            f"--datadir={self.data}",
            f"--port={self.port}",
            "--bind-address=127.0.0.1",
            f"--socket={self.folder / 'mariadbd.sock'}",
            f"--pid-file={self.folder / 'mariadbd.pid'}",
            "--user=root",
            *SERVER_OPTIONS,
        ]

    def freeze(self) -> None:
        """SIGSTOP: the server keeps its connections open and answers nothing."""
        self._signal(signal.SIGSTOP)

    def thaw(self) -> None:
        """SIGCONT after :meth:`freeze`."""
        self._signal(signal.SIGCONT)

    def kill(self) -> None:
        """SIGKILL, frozen or not, and reap the process: a crash, not a shutdown."""
        self._signal(signal.SIGKILL)
        if self.process is not None:
            self.process.wait()
            self.process = None

    def stop(self, timeout: float = 30.0) -> None:
        """A clean shutdown (SIGTERM), killed if it takes longer than ``timeout`` s."""
        if self.process is None or self.process.poll() is not None:
            self.process = None
            return
        self.thaw()  # a stopped process would not act on SIGTERM
        self.process.terminate()
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
        self.process = None

    def _signal(self, signum: signal.Signals) -> None:
        if self.process is None or self.process.poll() is not None:
            raise ServerError("mariadbd is not running")
        os.kill(self.process.pid, signum)

    def _tail(self) -> str:
        return self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""

"""Load one URL with wrk and read its figures from wrk's output."""

# ruff: noqa: S603 - runs wrk (from PATH) on a URL of ours

import re
import subprocess
from dataclasses import dataclass

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


@dataclass(frozen=True)
class Figures:
    """What one wrk run measured."""

    rps: float
    p50_ms: float
    p99_ms: float
    # non-2xx/3xx answers plus socket timeouts
    errors: int


def duration_ms(value: str) -> float:
    """A wrk duration (``850.00us``, ``12.5ms``, ``1.20s``, ``1.00m``) in milliseconds."""
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", value.strip())
    if match is None:
        raise ValueError(f"not a wrk duration: {value!r}")
    return float(match.group(1)) * _UNITS[match.group(2)]


def _find(pattern: str, output: str, what: str) -> str:
    match = re.search(pattern, output, re.MULTILINE)
    if match is None:
        raise ValueError(f"wrk's output has no {what}:\n{output}")
    return match.group(1)


def parse(output: str) -> Figures:
    """Read the figures from the output of ``wrk --latency``."""
    rps = float(_find(r"^Requests/sec:\s+([\d.]+)", output, "requests/s"))
    # Anchored: "72.50%" of the thread stats must not read as the 50th percentile.
    p50 = duration_ms(_find(r"^\s*50%\s+(\S+)\s*$", output, "50th percentile"))
    p99 = duration_ms(_find(r"^\s*99%\s+(\S+)\s*$", output, "99th percentile"))
    errors = 0
    for pattern in (r"Non-2xx or 3xx responses:\s+(\d+)", r"Socket errors:.*?timeout (\d+)"):
        match = re.search(pattern, output)
        errors += int(match.group(1)) if match else 0
    return Figures(rps, p50, p99, errors)


def command(
    url: str,
    token: str,
    connections: int,
    seconds: int,
    threads: int = 2,
    script: str | None = None,
) -> list[str]:
    """The wrk command line: ``connections`` open connections for ``seconds`` s, signed in.

    ``script``: a Lua file of wrk's (``rotation_script`` writes one that goes round paths).
    """
    return [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--latency",
        "-H",
        f"Authorization: Bearer {token}",
        *(["-s", script] if script else []),
        url,
    ]


def rotation_script(paths: list[str]) -> str:
    """A wrk Lua script whose connections request ``paths`` in turn (each thread its own turn)."""
    quoted = ", ".join('"' + path.replace("\\", "\\\\").replace('"', '\\"') + '"' for path in paths)
    return (
        f"local paths = {{{quoted}}}\n"
        "local turn = 0\n"
        "request = function()\n"
        "  turn = turn + 1\n"
        '  return wrk.format("GET", paths[(turn % #paths) + 1])\n'
        "end\n"
    )


def run(url: str, token: str, connections: int, seconds: int, script: str | None = None) -> Figures:
    """Load ``url`` with wrk; raises CalledProcessError when wrk fails."""
    output = subprocess.run(
        command(url, token, connections, seconds, script=script),
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return parse(output)

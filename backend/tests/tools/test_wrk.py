"""Running wrk and reading its output (tools.bench.wrk)."""

import subprocess
from typing import Any

import pytest

from tools.bench import wrk

OUTPUT = """Running 10s test @ http://127.0.0.1:1/health
  2 threads and 4 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     3.10ms    1.20ms  40.00ms   72.50%
    Req/Sec     1.23k   187.83     1.42k    72.50%
  Latency Distribution
     50%    2.10ms
     75%    3.00ms
     90%    4.00ms
     99%   15.30ms
  12000 requests in 10.00s, 1.5MB read
  Socket errors: connect 0, read 0, write 0, timeout 2
  Non-2xx or 3xx responses: 3
Requests/sec:   1200.50
Transfer/sec:    150.00KB
"""


@pytest.mark.parametrize(
    ("text", "ms"),
    [("850.00us", 0.85), ("12.5ms", 12.5), (" 1.20s ", 1200.0), ("1.00m", 60000.0), ("2h", 7.2e6)],
)
def test_durations(text: str, ms: float) -> None:
    assert wrk.duration_ms(text) == pytest.approx(ms)


@pytest.mark.parametrize("text", ["12", "ms", "1.2 ms", "3d"])
def test_what_is_not_a_duration_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="not a wrk duration"):
        wrk.duration_ms(text)


def test_the_figures_are_read_from_wrk_s_output() -> None:
    # 72.50% in the thread stats is not the 50th percentile; errors are non-2xx + timeouts
    assert wrk.parse(OUTPUT) == wrk.Figures(rps=1200.5, p50_ms=2.1, p99_ms=15.3, errors=5)


def test_percentiles_in_seconds_are_read() -> None:
    # wrk pads a duration in seconds to the width of "15.30ms": "1.17s " ends with a space
    slow = OUTPUT.replace("     99%   15.30ms", "     99%    1.17s ").replace(
        "     50%    2.10ms", "     50%    1.02s "
    )
    figures = wrk.parse(slow)
    assert figures.p50_ms == pytest.approx(1020.0)
    assert figures.p99_ms == pytest.approx(1170.0)


def test_a_clean_run_has_no_errors() -> None:
    clean = "\n".join(
        line for line in OUTPUT.splitlines() if not line.strip().startswith(("Socket", "Non-2xx"))
    )
    assert wrk.parse(clean).errors == 0


def test_output_without_percentiles_is_an_error() -> None:
    without = OUTPUT.replace("     99%   15.30ms\n", "")
    with pytest.raises(ValueError, match="99th percentile"):
        wrk.parse(without)


def test_run_loads_the_url_with_the_token(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[list[str], dict[str, Any]]] = []

    def fake_run(command: list[str], **options: Any) -> subprocess.CompletedProcess[str]:
        calls.append((command, options))
        return subprocess.CompletedProcess(command, 0, stdout=OUTPUT, stderr="")

    monkeypatch.setattr(subprocess, "run", fake_run)  # the module wrk runs it through
    figures = wrk.run("http://127.0.0.1:9/summary", "tok", 32, 7)
    assert figures.rps == 1200.5
    [(command, options)] = calls
    assert command == [
        "wrk",
        "-t2",
        "-c32",
        "-d7s",
        "--latency",
        "-H",
        "Authorization: Bearer tok",
        "http://127.0.0.1:9/summary",
    ]
    assert options["check"] is True


def test_a_rotation_script_goes_round_the_paths() -> None:
    script = wrk.rotation_script(["/summary", '/a"b', "/usage/balances?limit=1"])
    assert 'local paths = {"/summary", "/a\\"b", "/usage/balances?limit=1"}' in script
    assert 'wrk.format("GET", paths[(turn % #paths) + 1])' in script
    command = wrk.command("http://h/x", "t", 32, 10, script="/tmp/r.lua")  # noqa: S108
    assert command[-3:] == ["-s", "/tmp/r.lua", "http://h/x"]  # noqa: S108
    assert "-s" not in wrk.command("http://h/x", "t", 32, 10)

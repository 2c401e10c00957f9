"""The benchmark's report: parsing wrk, ratios, targets."""

import os

import pytest

from costwatch.bench import run


@pytest.mark.parametrize(
    ("text", "ms"), [("850.00us", 0.85), ("12.5ms", 12.5), ("1.20s", 1200.0), ("1.00m", 60000.0)]
)
def test_wrk_durations(text, ms):
    assert run._ms(text) == pytest.approx(ms)


def test_wrk_output_is_parsed(monkeypatch):
    output = """Running 10s test @ http://127.0.0.1:1/health
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
"""

    class Done:
        stdout = output

    monkeypatch.setattr(run.subprocess, "run", lambda *a, **k: Done())
    assert run.run_wrk("http://x/health", "t", 4, 1) == (1200.5, 2.1, 15.3, 5)


def fake_set(name, factor):
    result = run.SetResult(name, {"services": 10})
    for connections in run.CONNECTIONS:
        for number, path in enumerate(run.endpoints()):
            rps = 1000.0 if number == 0 else 950.0 * factor
            result.results.append(run.Result(path, connections, rps, 2.0, 10.0 + number, 0))
    result.rss_mb = [80.0, 95.5]
    return result


def test_report_lists_every_endpoint_and_the_targets():
    text = run.report(
        {"large": fake_set("large", 1), "small": fake_set("small", 1)}, "MariaDB", 10, 2
    )
    assert text.startswith("# Benchmarks")
    for path in run.endpoints():
        assert f"`{path}`" in text
    assert "| 0.95 |" in text  # throughput ratio to /health
    assert "80-96 MB" in text
    assert "**no**" in text  # p99 at 4 connections above 20 ms is not met in this fake


def test_machine_and_memory_are_read_from_proc():
    import subprocess
    import sys

    assert "cores" in run.machine()
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(5)"])
    try:
        sizes = run.rss_of_workers(os.getpid())
    finally:
        child.kill()
        child.wait()
    assert sizes  # the child sleeping above is counted
    assert run.rss_of_workers(2**22 + 7) == []

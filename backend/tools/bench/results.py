"""What the benchmark measures (data sets, loads, endpoints) and the figures it keeps."""

from dataclasses import dataclass, field

from costwatch import clock
from costwatch.calendar import add_months, month_start

# Arguments of tools.bench.generate.generate for each data set.
SETS = {
    "large": {"services": 2000, "years": 5, "consumption_rows": 1_000_000},
    "small": {"services": 100, "years": 5, "consumption_rows": 10_000},
}
# Measured only when asked for (``--sets``), for its first requests after a write: ten times
# the large set's consumption, the same services.
EXTRA_SETS = {"huge": {"services": 2000, "years": 5, "consumption_rows": 10_000_000}}
# The mixed load: readers' connections, and one writer posting a consumption this often.
MIXED_CONNECTIONS = 32
WRITE_EVERY_SECONDS = 0.1
# wrk's open connections: a queue on every core, then a light load.
CONNECTIONS = (32, 4)


def endpoints() -> list[str]:
    """The paths under test (``/health`` first: the ceiling), with the last 12 months."""
    this_month = month_start(clock.today())
    start = add_months(this_month, -11)
    return [
        "/health",
        "/summary",
        f"/summary/series?start={start:%Y-%m}&end={this_month:%Y-%m}",
        "/usage/balances",
        "/alerts/low-balance",
        "/alerts/commitments",
        "/service?limit=20",
    ]


@dataclass
class Result:
    """wrk's figures for one endpoint at one connection count."""

    path: str
    connections: int
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int = 0


@dataclass
class SetResult:
    """Everything measured on one data set."""

    name: str
    rows: dict[str, int]
    results: list[Result] = field(default_factory=list)
    rss_mb: list[float] = field(default_factory=list)
    # ms of the first request after a write (the cache is void), per path
    cold_ms: dict[str, float] = field(default_factory=dict)
    # the mixed load: the readers going round the dashboard's requests, and /health, each
    # while one writer posts a consumption every WRITE_EVERY_SECONDS
    mixed: list[Result] = field(default_factory=list)
    # the writer's posts during the mixed load: how many, how many failed, their p50/p99 (ms)
    writes: dict[str, float] = field(default_factory=dict)

    def get(self, path: str, connections: int) -> Result:
        """The result for a path and connection count."""
        for result in self.results:
            if result.path == path and result.connections == connections:
                return result
        raise KeyError(f"{self.name}: nothing measured for {path} at {connections} connections")

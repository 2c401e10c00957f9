"""What the benchmark measures (data sets, loads, endpoints) and the figures it keeps."""

from dataclasses import dataclass, field

from costwatch import clock
from costwatch.calendar import add_months, month_start

# Arguments of tools.bench.generate.generate for each data set.
SETS = {
    "large": {"services": 2000, "years": 5, "consumption_rows": 1_000_000},
    "small": {"services": 100, "years": 5, "consumption_rows": 10_000},
}
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

    def get(self, path: str, connections: int) -> Result:
        """The result for a path and connection count."""
        for result in self.results:
            if result.path == path and result.connections == connections:
                return result
        raise KeyError(f"{self.name}: nothing measured for {path} at {connections} connections")

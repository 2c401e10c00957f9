"""The benchmark: a bulk data generator, wrk runs against the API, and BENCHMARKS.md."""

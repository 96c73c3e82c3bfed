"""Benchmarks for the log pipeline (not tests): `uv run --locked python -m bench.bench_logs`."""

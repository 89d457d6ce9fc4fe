"""Benchmarks: `python -m bench generate|load|report` (see bench/README.md)."""

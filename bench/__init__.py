"""Benchmarks, run by `make bench` against PostgreSQL; each figure is printed beside raw work of the same kind."""

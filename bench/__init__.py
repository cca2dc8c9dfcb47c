"""Benchmarks and generators, run by hand (not part of the installed package)."""

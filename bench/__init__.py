"""Benchmarks and load generation (`python -m bench`): not part of the product, not installed with the wheel."""

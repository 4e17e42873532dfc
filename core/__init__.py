"""The lowest layer: settings, metrics, the clock, deterministic ids, files shipped in packages, the heap."""

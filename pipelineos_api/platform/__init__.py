"""Cross-cutting HTTP concerns: request ids, logs, errors, limits, health."""

"""One folder per domain; each exposes ``defs``."""

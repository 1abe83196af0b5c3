"""Platform wiring shared by the CLI and the Dagster code location (no Dagster imports)."""

"""The ``pipelineos`` command line (typer + rich)."""

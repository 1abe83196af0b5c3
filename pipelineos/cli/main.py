"""Entry point of the ``pipelineos`` command: each domain module registers its own commands."""

from __future__ import annotations

import importlib

import typer

app = typer.Typer(
    name="pipelineos",
    help="PipelineOS: blueprint in, fixture takeoff, priced bid, signed proposal out.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)

COMMAND_MODULES = (
    "pipelineos.cli.db",
    "pipelineos.cli.users",
    "pipelineos.cli.pipeline",
    "pipelineos.cli.takeoff",
    "pipelineos.cli.up",
    "pipelineos.cli.demo",
)

for _module in COMMAND_MODULES:
    importlib.import_module(_module).register(app)


if __name__ == "__main__":
    app()

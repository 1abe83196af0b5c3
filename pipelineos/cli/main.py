"""Entry point of the ``pipelineos`` command: each domain module registers its own commands.

:func:`main` is the console script. It turns the errors a user can cause (a file that is not a drawing, a
database that is not reachable, an edited migration) into one line that says what was wrong and what to do,
instead of a traceback.
"""

from __future__ import annotations

import importlib
import sys

import typer
from rich.console import Console

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

EXIT_INPUT = 2
EXIT_UNAVAILABLE = 3
EXIT_INTERNAL = 70


def explain(exc: BaseException) -> tuple[str, int] | None:
    """The one-line message and exit code for an error a user can cause, or None for an internal error."""
    import psycopg

    from pipelineos.db.migrate import MigrationError
    from pipelineos.errors import DomainError
    from pipelineos.storage import StorageError
    from pipelineos.takeoff.models import TakeoffInputError

    if isinstance(exc, psycopg.OperationalError):
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__
        return (
            f"cannot reach the database ({first}). Check PIPELINEOS_DATABASE_URL, or unset it to use the "
            "embedded server (`pipelineos db start`).",
            EXIT_UNAVAILABLE,
        )
    if isinstance(exc, DomainError):
        return exc.message, EXIT_INPUT
    if isinstance(exc, MigrationError | TakeoffInputError | StorageError):
        return str(exc), EXIT_INPUT
    if isinstance(exc, PermissionError | FileNotFoundError | IsADirectoryError):
        return f"{exc.filename or exc}: {exc.strerror or exc}", EXIT_INPUT
    return None


def _save_traceback(exc: BaseException) -> str:
    """Append the traceback to ``$PIPELINEOS_HOME/logs/cli.log``; return where it went."""
    import traceback
    from datetime import UTC, datetime

    from pipelineos.settings import get_settings

    try:
        path = get_settings().data_dir / "logs" / "cli.log"
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a") as fh:
            fh.write(f"--- {datetime.now(UTC).isoformat()} {' '.join(sys.argv)}\n")
            fh.write("".join(traceback.format_exception(exc)))
        return str(path)
    except Exception:
        return "the log could not be written"


def main() -> None:
    """Run the ``pipelineos`` command; errors a user can cause are printed as one line, not a traceback."""
    try:
        app()
    except (KeyboardInterrupt, SystemExit):
        raise
    except Exception as exc:
        known = explain(exc)
        err = Console(stderr=True)
        if known is None:
            where = _save_traceback(exc)
            err.print(f"[red]internal error:[/red] {exc.__class__.__name__}: {exc} (details in {where})")
            sys.exit(EXIT_INTERNAL)
        message, code = known
        err.print(f"[red]error:[/red] {message}")
        sys.exit(code)


if __name__ == "__main__":
    main()

"""``pipelineos db``: the database server, migrations and demo seed."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

from pipelineos.settings import get_settings

console = Console()
db_app = typer.Typer(help="Database: start/stop the embedded server, apply migrations, seed demo data.")


def prepare_database(*, seed: bool = True) -> str | None:
    """Start (or join) the server, apply migrations and seed the demo organization; return a generated password."""
    from pipelineos.db.migrate import migrate
    from pipelineos.db.pool import connection, database_url
    from pipelineos.db.seed import seed_demo

    settings = get_settings()
    applied = migrate(database_url(), settings.sql_dir)
    for name in applied:
        console.print(f"[green]applied[/green] {name}")
    if not seed:
        return None
    with connection() as conn:
        password = settings.admin_password.get_secret_value() if settings.admin_password else None
        result = seed_demo(conn, settings.admin_email, password)
    if result.generated_password:
        console.print(
            f"[bold yellow]Admin user created:[/bold yellow] {result.admin_email} / {result.generated_password} "
            "(shown once; set PIPELINEOS_ADMIN_PASSWORD to choose it)"
        )
    return result.generated_password


@db_app.command("migrate")
def migrate_command(
    seed: bool = typer.Option(True, help="Also create the demo organization and admin."),
) -> None:
    """Apply pending migrations from sql/ (under an advisory lock) and seed demo data."""
    from pipelineos.db.migrate import MigrationError

    try:
        prepare_database(seed=seed)
    except MigrationError as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc
    console.print("[green]database is up to date[/green]")


@db_app.command("start")
def start_command() -> None:
    """Start the embedded PostgreSQL server under the data directory (no-op with PIPELINEOS_DATABASE_URL)."""
    from pipelineos.db.pool import database_url

    console.print(f"database: {database_url()}")


@db_app.command("stop")
def stop_command() -> None:
    """Stop the embedded PostgreSQL server."""
    from pipelineos.db.embedded import stop_embedded_server

    stopped = stop_embedded_server(get_settings().pgdata_dir)
    console.print("stopped" if stopped else "no embedded server was running")


@db_app.command("status")
def status_command() -> None:
    """Show the server and which migrations are applied."""
    from pipelineos.db.embedded import embedded_status
    from pipelineos.db.migrate import status
    from pipelineos.db.pool import database_url

    settings = get_settings()
    if settings.database_url:
        console.print("server: external (PIPELINEOS_DATABASE_URL)")
    else:
        info = embedded_status(settings.pgdata_dir)
        console.print(f"server: embedded at {info['pgdata']} - {'running' if info['running'] else 'stopped'}")
        if not info["running"]:
            return
    table = Table("version", "name", "applied at")
    for row in status(database_url(), settings.sql_dir):
        table.add_row(str(row["version"]), str(row["name"]), str(row["applied_at"] or "pending"))
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add the ``db`` sub-command group."""
    app.add_typer(db_app, name="db")

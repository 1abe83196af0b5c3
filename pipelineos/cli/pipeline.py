"""``pipelineos ingest`` and ``pipelineos rerun``: the blueprint pipeline from the command line.

``ingest`` runs the whole chain in this process with a progress bar (no Dagster daemon needed). ``rerun``
brings a failed (or any) blueprint back to ``completed``: here by default, or as a Dagster run
(``--dagster``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from pipelineos.blueprints.processing.pipeline import STAGES, StageProgress

console = Console(stderr=True)
STAGE_LABELS = {
    "pages": "render pages",
    "sheets": "index sheets",
    "detect": "detect fixtures",
    "review": "reviewed takeoff",
    "price": "price bid",
    "proposal": "proposal PDF",
    "send": "send proposal",
}


@contextmanager
def progress_bar(name: str, quiet: bool) -> Iterator[StageProgress]:
    """A rich progress bar with one task per stage; yields the ``progress(stage, done, total)`` callback."""
    with Progress(
        TextColumn(f"[bold]{name[:28]:<28}[/bold] {{task.description:<18}}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        disable=quiet,
    ) as bar:
        tasks = {stage: bar.add_task(STAGE_LABELS[stage], total=None, start=False) for stage in STAGES}

        def report(stage: str, done: int, total: int) -> None:
            task = tasks[stage]
            bar.start_task(task)
            bar.update(task, completed=done, total=total)

        yield report


def _summary(results: list[dict]) -> Table:
    table = Table(title="PipelineOS ingest")
    for column in ("file", "blueprint", "status", "pages", "fixtures", "bid total", "recipient", "detail"):
        table.add_column(column, overflow="fold")
    for r in results:
        fixtures = ", ".join(f"{k} {v}" for k, v in r.get("fixtures", {}).items())
        detail = (
            "see below" if r.get("error") else (f"message {r['message_status']}" if r.get("message_status") else "")
        )
        table.add_row(
            Path(r["file"]).name if r.get("file") else "",
            r["blueprint_id"][:8],
            r["status"],
            str(r.get("pages", "")),
            fixtures,
            str(r.get("bid_total") or ""),
            str(r.get("recipient") or ""),
            detail,
        )
    return table


def _prepare() -> None:
    from pipelineos.cli.db import prepare_database

    prepare_database(seed=True)


def ingest(
    files: list[Path] = typer.Argument(..., help="Drawings to process (PDF, PNG, JPEG, TIFF, DXF)."),
    as_json: bool = typer.Option(False, "--json", help="Print the results as JSON on stdout."),
    customer_email: str = typer.Option(None, help="Send the proposal to this address."),
    customer_name: str = typer.Option(None, help="Customer named on the proposal."),
    project: str = typer.Option("", help="Project name."),
    no_send: bool = typer.Option(False, "--no-send", help="Render the proposal but do not email it."),
    workers: int = typer.Option(0, help="Processes for pages (0 = one per core)."),
) -> None:
    """Process files through the whole pipeline in this process (takeoff, bid, proposal, email).

    A file that is missing, unreadable or not a drawing gets a failed row naming it, the reason and what to do;
    the other files are still processed, and the exit code is 1 when any file failed.
    """
    from pipelineos.blueprints.processing.pipeline import ingest_path

    _prepare()
    results = []
    for path in files:
        with progress_bar(path.name, as_json) as progress:
            result = ingest_path(
                path,
                customer_email=customer_email,
                customer_name=customer_name,
                project_name=project,
                progress=progress,
                workers=workers or None,
                send=not no_send,
            )
        results.append(result.as_dict())
    _report(results, as_json)


def rerun(
    blueprint_id: str = typer.Argument(..., help="Id of the blueprint to process again."),
    dagster: bool = typer.Option(False, "--dagster", help="Submit a Dagster run through the webserver instead."),
    url: str = typer.Option(None, help="Dagster webserver URL for --dagster (default: 127.0.0.1:dagster_port)."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON on stdout."),
) -> None:
    """Process a blueprint again (after a failure, or a detector or catalog change)."""
    if dagster:
        from dagster_graphql import DagsterGraphQLClientError

        from pipelineos.blueprints.processing.errors import ProcessingError

        try:
            run_id = submit_dagster_rerun(blueprint_id, url)
        except (DagsterGraphQLClientError, ConnectionError, ProcessingError) as exc:
            console.print(f"[red]could not submit the run for blueprint {blueprint_id}:[/red] {exc}")
            raise typer.Exit(1) from exc
        console.print(f"submitted Dagster run {run_id} for blueprint {blueprint_id}")
        return
    from pipelineos.blueprints.processing.pipeline import process_blueprint

    _prepare()
    with progress_bar(blueprint_id, as_json) as progress:
        result = process_blueprint(blueprint_id, progress=progress)
    _report([result.as_dict()], as_json)


def submit_dagster_rerun(blueprint_id: str, url: str | None = None) -> str:
    """Launch the blueprint's pipeline run (its partition) through the Dagster webserver's GraphQL API.

    The partition is added first, so a blueprint processed by ``ingest`` (never seen by the upload sensor) can be
    re-run in Dagster too.
    """
    from dagster import DagsterInstance
    from dagster_graphql import DagsterGraphQLClient

    from pipelineos.blueprints.processing import steps
    from pipelineos.platform.dagster_home import ensure_dagster_home
    from pipelineos.settings import get_settings

    steps.load(blueprint_id)  # a clear error for an unknown id, before anything is submitted
    with DagsterInstance.from_config(str(ensure_dagster_home())) as instance:
        if not instance.has_dynamic_partition("blueprints", blueprint_id):
            instance.add_dynamic_partitions("blueprints", [blueprint_id])

    host, _, port = (url or f"127.0.0.1:{get_settings().dagster_port}").removeprefix("http://").partition(":")
    client = DagsterGraphQLClient(host, port_number=int(port or 3000))
    tags = {
        "dagster/partition": blueprint_id,
        "pipelineos/blueprint": blueprint_id,
        "pipelineos/reason": "rerun",
    }
    return client.submit_job_execution("process_blueprint", tags=tags)


def _report(results: list[dict], as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(results, indent=2, default=str))
    else:
        Console().print(_summary(results))
        for r in results:
            if r.get("error"):
                console.print(f"[red]error:[/red] {r['error']}", soft_wrap=True)
    if any(r["status"] != "completed" for r in results):
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add ``ingest`` and ``rerun``."""
    app.command("ingest")(ingest)
    app.command("rerun")(rerun)

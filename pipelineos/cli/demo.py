"""``pipelineos demo``: two generated sheets through the whole pipeline, on the embedded database.

Mail goes to a local SMTP sink (aiosmtpd on loopback) whose messages are saved as ``.eml`` files next to the
proposal, so the demo needs no mail server and still sends through real SMTP.
"""

from __future__ import annotations

import os
import shutil
from email import message_from_bytes
from email.header import decode_header, make_header
from pathlib import Path
from typing import Any, cast

import typer
from rich.console import Console
from rich.table import Table

from pipelineos.db.queries import queries_beside
from pipelineos.settings import get_settings

console = Console()
DEMO_RECIPIENT = "estimating@riverside-builders.example"


class _SavingHandler:
    """aiosmtpd handler that writes each received message to ``out_dir``."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.received: list[Path] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        path = self.out_dir / f"message-{len(self.received) + 1}.eml"
        path.write_bytes(envelope.original_content or envelope.content)
        self.received.append(path)
        return "250 Message accepted for delivery"


def _merge_sheets(sheets: list[Path], target: Path) -> Path:
    """One plan set PDF from the generated sheets, the way a contractor receives it."""
    import pymupdf

    with pymupdf.open() as merged:
        for sheet in sheets:
            with pymupdf.open(sheet) as doc:
                merged.insert_pdf(doc)
        merged.save(target)
    return target


def demo(
    out: Path = typer.Option(Path("demo-output"), help="Where the plan set, proposal and sent email are written."),
    seed: int = typer.Option(0, help="Seed of the sample drawing generator."),
) -> None:
    """Generate two plumbing sheets, run takeoff → bid → proposal → email, and print the summary."""
    from aiosmtpd.controller import Controller

    from pipelineos.blueprints.processing.pipeline import ingest_file
    from pipelineos.cli.db import prepare_database
    from pipelineos.cli.pipeline import progress_bar
    from pipelineos.db.pool import connection
    from pipelineos.net import free_loopback_port
    from pipelineos.samples.generator import generate_plan_set
    from pipelineos.storage import get_storage

    out = out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    handler = _SavingHandler(out)
    port = free_loopback_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        os.environ.update(
            {
                "PIPELINEOS_SMTP_HOST": "127.0.0.1",
                "PIPELINEOS_SMTP_PORT": str(port),
                "PIPELINEOS_SMTP_SECURITY": "none",
            }
        )
        get_settings.cache_clear()
        console.print(f"data directory: {get_settings().data_dir}")
        prepare_database(seed=True)
        sheets = generate_plan_set(out / "sheets", sheets=2, seed=seed)
        plan_set = _merge_sheets(sheets, out / "demo-plan-set.pdf")
        console.print(f"generated {len(sheets)} sheets → {plan_set}")
        with progress_bar(plan_set.name, quiet=False) as progress:
            result = ingest_file(
                plan_set,
                customer_name="Riverside Builders",
                customer_email=DEMO_RECIPIENT,
                project_name="Riverside Medical Office Building",
                progress=progress,
            )
        blueprint_id = result.blueprint_id
        queries = queries_beside(__file__)
        with connection() as conn:
            params = {"blueprint_id": blueprint_id}
            counts = cast(list[dict[str, Any]], conn.execute(queries["demo_fixture_counts"], params).fetchall())
            bid = cast(dict[str, Any] | None, conn.execute(queries["demo_bid_summary"], params).fetchone())
            proposal = cast(dict[str, Any] | None, conn.execute(queries["demo_proposal"], params).fetchone())
    finally:
        controller.stop()
    if result.status != "completed" or bid is None or proposal is None:
        console.print(f"[red]the pipeline did not complete:[/red] {result.error or result.status}")
        raise typer.Exit(1)
    pdf_path = out / f"proposal-{str(bid['id'])[:8]}.pdf"
    shutil.copyfile(get_storage().path_for(proposal["pdf_sha256"]), pdf_path)
    _print_summary(blueprint_id, counts, bid, proposal, pdf_path, handler.received)


def _print_summary(
    blueprint_id: str,
    counts: list[dict[str, Any]],
    bid: dict[str, Any],
    proposal: dict[str, Any],
    pdf_path: Path,
    received: list[Path],
) -> None:
    table = Table("fixture type", "count", title=f"Takeoff {blueprint_id[:8]}")
    for row in counts:
        table.add_row(str(row["fixture_class"]).replace("_", " "), str(row["count"]))
    table.add_row("[bold]total[/bold]", f"[bold]{sum(r['count'] for r in counts)}[/bold]")
    console.print(table)
    console.print(f"bid total:      [bold]${bid['total']:,.2f}[/bold] ({bid['line_count']} lines, {bid['status']})")
    console.print(f"proposal:       {pdf_path} ({proposal['page_count']} pages)")
    subject = ""
    if received:
        subject = str(make_header(decode_header(message_from_bytes(received[-1].read_bytes())["Subject"])))
    console.print(f"emailed to:     {proposal['recipient']} ({proposal['message_status']})")
    console.print(f"subject:        {subject}")
    console.print(f"email saved as: {received[-1] if received else 'nothing received'}")


def register(app: typer.Typer) -> None:
    """Add the ``demo`` command."""
    app.command("demo")(demo)

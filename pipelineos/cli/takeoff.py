"""``pipelineos detect`` and ``pipelineos eval``: the takeoff engine from the command line.

The JSON written by ``detect --json`` is a stable contract other tools read:
``{"source", "pages": [{"index", "sheet", "fixtures": [{"class", "bbox", "confidence", "method"}]}]}``.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from pipelineos.takeoff.models import DocumentTakeoff, TakeoffInputError

console = Console()
err_console = Console(stderr=True)


def _parse_exemplars(values: list[str]) -> dict[str, list[Path]]:
    exemplars: dict[str, list[Path]] = {}
    for value in values:
        cls, sep, file = value.partition("=")
        if not sep or not cls or not file:
            raise TakeoffInputError(f"--exemplar {value!r}: use CLASS=FILE, e.g. water_closet=wc.png")
        path = Path(file)
        if not path.is_file():
            raise TakeoffInputError(f"{path}: exemplar file not found.")
        exemplars.setdefault(cls.strip(), []).append(path)
    return exemplars


def _provider(name: str) -> Any:
    if name == "offline":
        return None
    try:
        from pipelineos.ai import get_vision_provider  # type: ignore[attr-defined]
    except ImportError:
        if name == "claude":
            raise TakeoffInputError("the Claude vision provider is not installed in this build.") from None
        return None
    try:
        return get_vision_provider(name)
    except Exception as exc:
        raise TakeoffInputError(str(exc)) from exc


def takeoff_json(doc: DocumentTakeoff) -> dict[str, Any]:
    """The stable ``detect`` JSON document for a takeoff."""
    return {
        "source": doc.source,
        "pages": [
            {
                "index": page.index,
                "sheet": page.sheet_number,
                "error": page.error,
                "fixtures": [
                    {
                        "class": d.fixture_class,
                        "bbox": [round(v, 5) for v in d.bbox],
                        "confidence": d.confidence,
                        "method": d.method,
                    }
                    for d in page.fixtures
                ],
            }
            for page in doc.pages
        ],
    }


def _counts_table(doc: DocumentTakeoff) -> Table:
    table = Table(title=f"Fixture counts — {Path(doc.source).name}")
    table.add_column("page", justify="right")
    table.add_column("sheet")
    table.add_column("class")
    table.add_column("count", justify="right")
    for page in doc.pages:
        if page.error:
            table.add_row(str(page.index + 1), page.sheet_number or "-", f"[red]{page.error}[/red]", "-")
            continue
        counts = Counter(d.fixture_class for d in page.fixtures)
        for cls, count in sorted(counts.items()):
            table.add_row(str(page.index + 1), page.sheet_number or "-", cls, str(count))
    total = sum(doc.counts().values())
    table.add_row("", "", "[bold]total[/bold]", f"[bold]{total}[/bold]")
    return table


def detect(
    path: Path = typer.Argument(..., help="Drawing: PDF, TIFF, PNG, JPEG, SVG or DXF."),
    exemplar: list[str] = typer.Option([], "--exemplar", help="CLASS=FILE exemplar symbol (repeatable)."),
    provider: str = typer.Option("auto", "--provider", help="auto | offline | claude"),
    json_out: Path | None = typer.Option(None, "--json", help="Write detections as JSON to this file."),
) -> None:
    """Find plumbing fixtures in a drawing and print the counts per sheet."""
    from pipelineos.takeoff.engine import analyze_document
    from pipelineos.takeoff.inputs import page_count

    try:
        if provider not in ("auto", "offline", "claude"):
            raise TakeoffInputError(f"--provider {provider!r}: use auto, offline or claude.")
        exemplars = _parse_exemplars(exemplar)
        vision = _provider(provider)
        total = page_count(path)
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err_console,
            disable=total < 2,
        ) as bar:
            task = bar.add_task(f"detecting {path.name}", total=total)
            doc = analyze_document(
                path,
                provider=vision,
                exemplars=exemplars,
                progress=lambda done, _n: bar.update(task, completed=done),
            )
    except TakeoffInputError as exc:
        err_console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(code=2) from None
    if json_out is not None:
        json_out.write_text(json.dumps(takeoff_json(doc), indent=1))
    console.print(_counts_table(doc))
    for page in doc.pages:
        for note in page.mismatches:
            console.print(f"[yellow]page {page.index + 1}:[/yellow] {note}")
        for note in page.notes:
            console.print(f"[dim]page {page.index + 1}: {note}[/dim]")


def evaluate_cmd(
    out: Path = typer.Option(Path("eval-corpus"), "--out", help="Where to build (or reuse) the corpus."),
    size: str = typer.Option("small", "--size", help="tiny | small | full"),
    json_out: Path | None = typer.Option(None, "--json", help="Write the report as JSON."),
    markdown_out: Path | None = typer.Option(None, "--markdown", help="Write the report as Markdown."),
    workers: int = typer.Option(2, "--workers", help="Processes to use."),
) -> None:
    """Score the takeoff engine on the generated benchmark corpus (P/R/F1 per class, exact-count sheets)."""
    from pipelineos.samples.corpus import SIZES, build_corpus
    from pipelineos.takeoff.evaluation import evaluate, markdown

    if size not in SIZES:
        err_console.print(f"[red]error:[/red] --size {size!r}: use one of {', '.join(SIZES)}.")
        raise typer.Exit(code=2)
    with console.status("building the benchmark corpus"):
        items = build_corpus(out, size=size, workers=workers)
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
    ) as bar:
        task = bar.add_task("evaluating", total=len(items))
        report = evaluate(items, workers=workers, progress=lambda done, _n: bar.update(task, completed=done))
    text = markdown(report)
    if json_out is not None:
        json_out.write_text(json.dumps(report, indent=1))
    if markdown_out is not None:
        markdown_out.write_text(text)
    console.print(text)


def register(app: typer.Typer) -> None:
    """Add ``detect`` and ``eval`` to the main ``pipelineos`` app."""
    app.command("detect")(detect)
    app.command("eval")(evaluate_cmd)

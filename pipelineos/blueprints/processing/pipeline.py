"""The whole chain in this process, for users without the Dagster daemon (``pipelineos ingest``).

pages → sheet index → detections (pages on every core) → reviewed takeoff → priced base bid → proposal PDF →
proposal email queued and dispatched → ``completed``. The same step functions back the Dagster assets, so a
blueprint processed either way leaves the same rows. A failure marks the blueprint ``failed`` with a message
naming it and the cause; other blueprints are untouched.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipelineos.blueprints.processing import bidding, delivery, steps
from pipelineos.blueprints.processing import repository as repo
from pipelineos.blueprints.processing.errors import ProcessingError, describe
from pipelineos.db.pool import connection
from pipelineos.errors import DomainError
from pipelineos.settings import get_settings
from pipelineos.storage import get_storage

StageProgress = Callable[[str, int, int], None]
STAGES = ("pages", "sheets", "detect", "review", "price", "proposal", "send")


@dataclass
class ProcessResult:
    """What one blueprint became."""

    blueprint_id: str
    status: str
    run_id: str
    pages: int = 0
    fixtures: dict[str, int] = field(default_factory=dict)
    bid_id: str | None = None
    bid_total: str | None = None
    proposal_id: str | None = None
    proposal_sha256: str | None = None
    message_id: str | None = None
    message_status: str | None = None
    recipient: str | None = None
    error: str | None = None
    file: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _stage(progress: StageProgress | None, name: str) -> Callable[[int, int], None]:
    def report(done: int, total: int) -> None:
        if progress:
            progress(name, done, total)

    return report


def process_blueprint(
    blueprint_id: str,
    *,
    progress: StageProgress | None = None,
    run_id: str | None = None,
    workers: int | None = None,
    send: bool = True,
) -> ProcessResult:
    """Run the whole chain for one registered blueprint; never raises for a bad blueprint (see ``status``)."""
    run_id = run_id or f"ingest-{uuid.uuid4().hex[:12]}"
    result = ProcessResult(blueprint_id, "processing", run_id)
    try:
        blueprint = steps.start(blueprint_id, run_id, workers=workers)
        pages = steps.write_pages(
            blueprint_id,
            run_id,
            dpi=get_settings().render_dpi,
            workers=workers,
            progress=_stage(progress, "pages"),
        )
        result.pages = len(pages)
        steps.index_sheets(blueprint_id)
        _stage(progress, "sheets")(1, 1)
        _, frame = steps.detect(blueprint_id, run_id, workers=workers, progress=_stage(progress, "detect"))
        steps.store_detections(blueprint_id, frame)
        takeoff = steps.reviewed_takeoff(blueprint_id, run_id)
        steps.store_reviewed_takeoff(blueprint_id, takeoff)
        result.fixtures = dict(sorted(takeoff.group_by("fixture_class").len().iter_rows()))
        _stage(progress, "review")(1, 1)
        bid = bidding.price(blueprint_id, bidding.BASE, takeoff, run_id)
        result.bid_id, result.bid_total = str(bid["id"]), str(bid["total"])
        _stage(progress, "price")(1, 1)
        proposal = delivery.proposal_for(bid, run_id)
        delivery.check_pdf(proposal["pdf_sha256"])
        result.proposal_id, result.proposal_sha256 = proposal["id"], proposal["pdf_sha256"].strip()
        _stage(progress, "proposal")(1, 1)
        result.recipient = bid.get("customer_email") or blueprint["customer_email"]
        if send:
            sent = delivery.send(proposal, result.recipient)
            result.message_id, result.message_status = sent["message_id"], sent["status"]
        _stage(progress, "send")(1, 1)
        steps.complete(blueprint_id)
        result.status = "completed"
    except Exception as exc:
        result.status, result.error = "failed", steps.fail(blueprint_id, exc)
    return result


def ingest_file(
    path: Path,
    organization_id: str | None = None,
    *,
    customer_name: str | None = None,
    customer_email: str | None = None,
    project_name: str = "",
    progress: StageProgress | None = None,
    workers: int | None = None,
    send: bool = True,
) -> ProcessResult:
    """Register ``path`` as a blueprint (default: the only/first organization) and process it here.

    Raises for a file that cannot be registered (missing, unreadable, not a drawing); :func:`ingest_path` turns
    those into a failed result instead.
    """
    from pipelineos.blueprints.service import register_file

    path = Path(path)
    if not path.exists():
        raise ProcessingError(str(path), "no such file")
    with connection() as conn:
        organization_id = organization_id or default_organization(conn)
        row = register_file(
            conn,
            get_storage(),
            organization_id=organization_id,
            path=path,
            original_name=path.name,
            project_name=project_name,
            customer_name=customer_name,
            customer_email=customer_email,
        )
    result = process_blueprint(str(row["id"]), progress=progress, workers=workers, send=send)
    result.file = str(path)
    if result.error:
        result.error = f"{path}: {result.error}"
    return result


def ingest_path(path: Path, organization_id: str | None = None, **kwargs: Any) -> ProcessResult:
    """:func:`ingest_file`, with a file that cannot be registered reported as a failed result naming the file,
    the reason and what to do. Errors that are not about the file (the database is down) still raise."""
    try:
        return ingest_file(path, organization_id, **kwargs)
    except (ProcessingError, DomainError, OSError) as exc:
        return ProcessResult("", "failed", "", error=file_problem(Path(path), exc), file=str(path))


def file_problem(path: Path, exc: BaseException) -> str:
    """Why ``path`` could not be ingested, and what to do about it, in one line."""
    if isinstance(exc, DomainError):
        return f"{path}: {exc.message}"
    if not path.exists():
        return f"{path}: no such file; check the path and try again"
    if path.is_dir():
        return f"{path}: is a directory; pass the drawing files inside it"
    if isinstance(exc, PermissionError):
        return f"{path}: cannot be read (permission denied); fix its permissions and try again"
    return f"{path}: {describe(exc)}"


def ingest_files(paths: Sequence[Path], organization_id: str | None = None, **kwargs: Any) -> list[ProcessResult]:
    """Ingest several files one after the other; one bad file never stops the rest."""
    return [ingest_path(path, organization_id, **kwargs) for path in paths]


def default_organization(conn: Any) -> str:
    """The organization files are ingested into when none is given (the oldest one)."""
    row = repo.one(conn, "first_organization")
    if row is None:
        raise ProcessingError("?", "there is no organization yet: run `pipelineos db migrate` and seed it first")
    return str(row["id"])

"""Fixtures for processing tests: generated plan sets and registered blueprints on real PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from pipelineos.samples.generator import generate_plan_set


@pytest.fixture(scope="session")
def plan_pdfs(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Two generated plumbing sheets (P-101, P-102) with ground truth beside them."""
    return generate_plan_set(tmp_path_factory.mktemp("plans"), sheets=2, seed=0)


@pytest.fixture(scope="session")
def plan_set_pdf(plan_pdfs: list[Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The two sheets joined into one 2-page PDF, as contractors upload them."""
    import pymupdf

    out = tmp_path_factory.mktemp("set") / "plan-set.pdf"
    with pymupdf.open() as doc:
        for path in plan_pdfs:
            with pymupdf.open(path) as sheet:
                doc.insert_pdf(sheet)
        doc.save(out)
    return out


@pytest.fixture(scope="module")
def register(seeded: dict[str, str]) -> Callable[..., str]:
    """Register a file as a pending blueprint of the demo organization; returns its id."""
    from pipelineos.blueprints.service import register_file
    from pipelineos.db.pool import connection
    from pipelineos.storage import get_storage

    def _register(path: Path, customer_email: str | None = "customer@example.com", **kwargs: object) -> str:
        with connection() as conn:
            row = register_file(
                conn,
                get_storage(),
                organization_id=seeded["organization_id"],
                path=path,
                original_name=path.name,
                customer_name="Acme Builders",
                customer_email=customer_email,
                **kwargs,
            )
        return str(row["id"])

    return _register

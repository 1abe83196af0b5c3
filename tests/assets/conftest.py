"""Fixtures for the Dagster tests: generated drawings, registered blueprints, an instance and resources."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import dagster as dg
import pytest

from pipelineos.samples.generator import generate_plan_set

warnings.filterwarnings("ignore", category=dg.PreviewWarning)
warnings.filterwarnings("ignore", category=dg.BetaWarning)


@pytest.fixture(scope="session")
def plan_set_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 2-sheet plumbing set (P-101, P-102) as one PDF."""
    import pymupdf

    sheets = generate_plan_set(tmp_path_factory.mktemp("plans"), sheets=2, seed=3)
    out = sheets[0].parent / "plan-set.pdf"
    with pymupdf.open() as doc:
        for path in sheets:
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

    def _register(path: Path, customer_email: str | None = "customer@example.com") -> str:
        with connection() as conn:
            row = register_file(
                conn,
                get_storage(),
                organization_id=seeded["organization_id"],
                path=path,
                original_name=path.name,
                customer_name="Acme Builders",
                customer_email=customer_email,
                project_name="Riverside Clinic",
            )
        return str(row["id"])

    return _register


@pytest.fixture(scope="module")
def instance(app_env: dict[str, str]) -> Iterator[dg.DagsterInstance]:
    """An ephemeral Dagster instance (runs and events in memory)."""
    with dg.DagsterInstance.ephemeral() as inst:
        yield inst


@pytest.fixture(scope="module")
def resources(app_env: dict[str, str]) -> dict[str, object]:
    """Every resource of the code location (shared and per domain), as the daemon's runs get them."""
    from pipelineos_assets.definitions import defs

    return dict(defs.resources)

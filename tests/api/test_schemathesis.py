"""Property-based run of the app's own OpenAPI schema against every operation, as an authenticated admin.

Each operation gets generated requests, valid and invalid, whose path ids are either random or ids of real rows
seeded for this module (a blueprint with a page image and detections, a bid, a lead, a catalog and one of its
SKUs, an API key), so the handlers are exercised past their 404s. Every response must pass schemathesis'
checks: no 5xx, status code and content type documented for the operation, body valid against the documented
schema, invalid data refused with a 4xx, documented headers present.

Business rules JSON Schema cannot express (a lead needs an email or a phone; a phone number must exist; an
upload's bytes must be a drawing; a transition must be allowed from the current status) answer 4xx to some
schema-valid bodies by design, so "positive data acceptance" is checked only for operations without a body.
Multipart uploads skip "negative data rejection": their text parts are strings whatever schemathesis meant.

The schema object is built at import (``schemathesis.pytest.from_fixture`` breaks on pytest 9); the app only
touches the database per request, after the fixtures have pointed the pool at this module's database.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

import psycopg
import pytest
import schemathesis
from api_helpers import seed_blueprint
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from psycopg.rows import dict_row
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from pipelineos.auth.service import authenticate, create_api_key
from pipelineos.auth.tokens import create_access_token
from pipelineos.blueprints.bidding import create_bid
from pipelineos.leads.models import validate_lead
from pipelineos.leads.service import create_lead
from pipelineos.pricing import catalog_admin
from pipelineos_api.app import create_app
from pipelineos_api.config import ApiConfig

CONFIG = ApiConfig(
    jwt_secret="schemathesis-test-secret-at-least-32-bytes",
    rate_limit_per_second=100_000,
    rate_limit_burst=100_000,
    lead_rate_limit_per_minute=6_000_000,
    lead_rate_limit_burst=100_000,
    run_dispatcher=False,
    upload_max_bytes=1024 * 1024,
    public_url="http://127.0.0.1:5000",
)
schema = schemathesis.openapi.from_asgi("/schema/openapi.json", create_app(CONFIG))
schema.config.generation.update(with_security_parameters=False)  # the admin's token is sent with every case
REAL_IDS: dict[str, list[str]] = {}
"""Path/query parameter name → ids of rows seeded for this module (filled by the ``world`` fixture)."""


@schema.hook
def flatmap_path_parameters(
    context: Any, path_parameters: dict[str, Any] | None
) -> st.SearchStrategy[dict[str, Any] | None]:
    """Three cases in four aim at real rows."""
    real = {name: st.sampled_from(REAL_IDS[name]) for name in path_parameters or {} if REAL_IDS.get(name)}
    if not real:
        return st.just(path_parameters)
    aimed = st.fixed_dictionaries({**(path_parameters or {}), **real})
    return st.sampled_from([False, True, True, True]).flatmap(lambda aim: aimed if aim else st.just(path_parameters))


@schema.hook
def flatmap_case(context: Any, case: Any) -> st.SearchStrategy[Any]:
    """Three valid review decisions in four are realistic: a real detection, a known action and a reason."""
    positive = case.meta is not None and not case.meta.generation.mode.is_negative
    review = case.operation.definition.raw["operationId"] == "createReviewDecision"
    if not positive or not review or not REAL_IDS.get("detection_id"):
        return st.just(case)
    realistic = st.fixed_dictionaries(
        {
            "action": st.sampled_from(["accept", "reject"]),
            "detection_id": st.sampled_from(REAL_IDS["detection_id"]),
            "reason": st.sampled_from(["checked on the drawing", "duplicate tag"]),
        }
    )
    aimed = realistic.map(lambda decision: _with_body(case, decision))
    return st.sampled_from([False, True, True, True]).flatmap(lambda aim: aimed if aim else st.just(case))


def _with_body(case: Any, body: dict[str, Any]) -> Any:
    case.body = body  # this draw's own case, so changing it in place is safe
    return case


STATUSES: dict[str, Counter[int]] = defaultdict(Counter)
"""operationId → how often each status was answered (filled by the ``after_call`` hook)."""


@schema.hook
def after_call(context: Any, case: Any, response: Any) -> None:
    """Tally the answers, to check below that the run reached the handlers' success paths."""
    STATUSES[case.operation.definition.raw["operationId"]][response.status_code] += 1


@pytest.fixture(scope="module")
def world(seeded: dict[str, str], db_url: str) -> dict[str, str]:
    """Rows for the generated requests to find; returns the admin's headers."""
    org = seeded["organization_id"]
    blueprint = seed_blueprint(db_url, org, ["water_closet", "lavatory", "floor_drain"])
    with psycopg.connect(db_url, row_factory=dict_row) as conn:
        user = authenticate(conn, seeded["admin_email"], seeded["admin_password"])
        assert user is not None
        bid = create_bid(conn, organization_id=org, blueprint_id=blueprint.id, user_id=user["id"])
        lead, _ = create_lead(
            conn, organization_id=org, lead=validate_lead(name="Dana Rivera", email="dana@example.com")
        )
        key, _ = create_api_key(conn, organization_id=org, name="erp", role="viewer", created_by=user["id"])
        catalog = conn.execute("select id from price_catalogs where organization_id = %s", (org,)).fetchone()
        sku = conn.execute("select sku from price_items where catalog_id = %s limit 1", (catalog["id"],)).fetchone()
        workbook = catalog_admin.export_xlsx(conn, org, str(catalog["id"]))
        unused = catalog_admin.import_file(conn, org, xlsx=workbook)
        # effective next year: new bids do not pick it, so it stays editable for the whole run
        conn.execute("update price_catalogs set effective_from = current_date + 365 where id = %s", (unused["id"],))
    REAL_IDS.update(
        blueprint_id=[blueprint.id],
        bid_id=[str(bid["id"])],
        lead_id=[lead["id"]],
        catalog_id=[str(catalog["id"]), str(unused["id"]), str(unused["id"])],  # mostly the editable one
        detection_id=blueprint.detection_ids,
        sku=[sku["sku"]],
        key_id=[key["id"]],
        sha256=[blueprint.page_image_sha256],
        part=["items", "assemblies"],
    )
    return {"Authorization": f"Bearer {create_access_token(user, CONFIG.jwt_secret, 60)}"}


@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms(case: Any, world: dict[str, str]) -> None:
    excluded = [positive_data_acceptance] if case.method.upper() in ("POST", "PUT", "PATCH") else []
    if case.media_type == "multipart/form-data":
        # Every text part of a multipart body is a string on the wire: an "object" schemathesis writes into
        # ``project_name`` arrives as the string '{"": null}', a valid project name, not invalid data.
        excluded.append(negative_data_rejection)
    case.call_and_validate(headers=world, excluded_checks=excluded)


def test_run_reached_every_success_path() -> None:
    """The run above must not pass by answering 4xx to everything: each operation it ran answered 2xx at
    least once, except those random data cannot satisfy."""
    if not STATUSES:
        pytest.skip("run together with test_api_conforms")
    unreachable = {"importCatalog", "refreshToken"}  # random bytes are no workbook; random tokens are invalid
    missed = sorted(
        op for op, seen in STATUSES.items() if op not in unreachable and not any(200 <= c < 300 for c in seen)
    )
    assert missed == [], {op: dict(STATUSES[op]) for op in missed}

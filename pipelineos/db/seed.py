"""Demo seed data: one organization, an admin user and a default price catalog. Safe to run twice."""

from __future__ import annotations

from dataclasses import dataclass

import psycopg

from pipelineos.auth.passwords import generate_password, hash_password

DEMO_ORG_SLUG = "demo-plumbing"


@dataclass(frozen=True)
class SeedResult:
    organization_id: str
    admin_email: str
    generated_password: str | None
    """Set only when this call created the admin with a generated password (print it once)."""


def seed_demo(conn: psycopg.Connection, admin_email: str, admin_password: str | None) -> SeedResult:
    """Create the demo organization, its admin and its default catalog unless they exist."""
    row = conn.execute(
        "insert into organizations (name, slug, email, phone, address, brand) values "
        "('Demo Plumbing Co.', %s, 'office@demo-plumbing.example', '(555) 010-2000', "
        '\'100 Main Street, Springfield\', \'{"primary_color": "#0b5394", "accent_color": "#f1c232"}\') '
        "on conflict (slug) do update set slug = excluded.slug returning id",
        (DEMO_ORG_SLUG,),
    ).fetchone()
    assert row is not None
    org_id = str(row["id"] if isinstance(row, dict) else row[0])
    generated: str | None = None
    exists = conn.execute("select 1 from users where lower(email) = lower(%s)", (admin_email,)).fetchone()
    if not exists:
        password = admin_password or generate_password()
        generated = None if admin_password else password
        conn.execute(
            "insert into users (organization_id, email, full_name, role, password_hash) "
            "values (%s, %s, 'Administrator', 'admin', %s)",
            (org_id, admin_email, hash_password(password)),
        )
    from pipelineos.pricing.defaults import seed_default_catalog

    seed_default_catalog(conn, org_id)
    return SeedResult(org_id, admin_email, generated)

"""``pipelineos users create`` against the module's database."""

from __future__ import annotations

import psycopg
import typer
from psycopg.rows import dict_row
from typer.testing import CliRunner

from pipelineos.auth.service import authenticate
from pipelineos.cli.users import register


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """Test root."""

    register(app)
    return app


def test_create_with_generated_password(seeded, db_url) -> None:
    result = CliRunner().invoke(_app(), ["users", "create", "--email", "cli@example.com", "--role", "estimator"])
    assert result.exit_code == 0, result.output
    password = result.output.split("Password (shown once): ", 1)[1].strip()
    with psycopg.connect(db_url, row_factory=dict_row) as conn:
        user = authenticate(conn, "cli@example.com", password)
    assert user is not None and user["role"] == "estimator"
    again = CliRunner().invoke(
        _app(),
        [
            "users",
            "create",
            "--email",
            "CLI@example.com",
            "--role",
            "viewer",
            "--password",
            "another-long-one",
        ],
    )
    assert again.exit_code == 1 and "already exists" in again.output
    bad = CliRunner().invoke(_app(), ["users", "create", "--email", "x@example.com", "--role", "root"])
    assert bad.exit_code == 1 and "Unknown role" in bad.output
    no_org = CliRunner().invoke(
        _app(), ["users", "create", "--email", "y@example.com", "--role", "viewer", "--org", "nope"]
    )
    assert no_org.exit_code == 1 and "No organization" in no_org.output

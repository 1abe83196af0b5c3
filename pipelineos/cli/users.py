"""``pipelineos users create``: add a user to an organization (generated password printed once)."""

from __future__ import annotations

import typer

users_app = typer.Typer(help="Manage users.", no_args_is_help=True)


@users_app.command("create")
def create(
    email: str = typer.Option(..., "--email", help="Login email."),
    role: str = typer.Option(..., "--role", help="admin, estimator or viewer."),
    password: str | None = typer.Option(None, "--password", help="Omit to generate one (printed once)."),
    org: str = typer.Option("demo-plumbing", "--org", help="Organization slug."),
    full_name: str = typer.Option("", "--name", help="Display name."),
) -> None:
    """Create a user."""
    from pipelineos.auth.passwords import generate_password
    from pipelineos.auth.service import create_user, organization_by_slug
    from pipelineos.db.pool import connection
    from pipelineos.errors import DomainError

    generated = password is None
    secret = password or generate_password()
    try:
        with connection() as conn:
            organization = organization_by_slug(conn, org)
            if organization is None:
                typer.echo(
                    f"No organization with slug {org!r}. Run `pipelineos db migrate` and "
                    "`pipelineos demo` (or seed) first, or pass --org.",
                    err=True,
                )
                raise typer.Exit(code=1)
            user = create_user(
                conn,
                organization_id=organization["id"],
                email=email,
                password=secret,
                role=role,
                full_name=full_name,
            )
    except DomainError as exc:
        typer.echo(f"Error: {exc.message}", err=True)
        raise typer.Exit(code=1) from exc
    typer.echo(f"Created {user['role']} {user['email']} in {org} (id {user['id']}).")
    if generated:
        typer.echo(f"Password (shown once): {secret}")


def register(app: typer.Typer) -> None:
    """Add the ``users`` command group to the main CLI."""
    app.add_typer(users_app, name="users")

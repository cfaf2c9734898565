"""`monitor user ...`: accounts for the web interface and the API, their roles and tokens."""

from __future__ import annotations

import os

import click
from rich.table import Table

from monitor.cli.base import cli, command_options, get_app, json_option
from monitor.errors import InvalidInput
from monitor.models import ROLES
from monitor.storage import sessions as session_store
from monitor.storage import users as user_store
from monitor.web import passwords


@cli.group("user")
def user_group() -> None:
    """Web and API accounts: admin, trainer, activist or coalition."""


def read_password(variable: str | None) -> str:
    """From the named environment variable, else typed twice at a hidden prompt."""
    if variable:
        value = os.environ.get(variable)
        if not value:
            raise InvalidInput(f"The environment variable {variable} is empty or not set.")
        return value
    return str(click.prompt("Password", hide_input=True, confirmation_prompt=True, err=True))


password_env_option = click.option(
    "--password-env",
    metavar="VAR",
    help="Read the password from this environment variable instead of prompting.",
)


@user_group.command("add")
@command_options
@json_option
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), required=True, help="What the account may do.")
@click.option("--activist", "activist_id", type=int, help="For role activist: their registration.")
@password_env_option
def add_command(
    username: str, role: str, activist_id: int | None, password_env: str | None
) -> None:
    """Create an account (the password is hashed with argon2id; at least 12 characters).

    Example:

        MONITOR_PW='correct horse battery' monitor user add ayla --role trainer
        --password-env MONITOR_PW
    """
    app = get_app()
    store = app.store()
    name = user_store.normalise_username(username)
    hashed = passwords.hash_password(read_password(password_env))
    user_id = user_store.add(store, name, hashed, role, activist_id)
    app.emit({"id": user_id}, lambda: app.note(f"Created user #{user_id} ({role})."))


@user_group.command("list")
@command_options
@json_option
def list_command() -> None:
    """List accounts with their roles, assignments and second factor.

    Example:

        monitor user list --json
    """
    app = get_app()
    found = user_store.list_all(app.store())

    def render() -> None:
        table = Table("id", "username", "role", "activist", "assigned", "2FA", "disabled")
        for u in found:
            table.add_row(
                str(u.id),
                u.username,
                u.role,
                str(u.activist_id or ""),
                ",".join(map(str, u.assigned)),
                "yes" if u.totp_enabled else "",
                "yes" if u.disabled else "",
            )
        app.out.print(table)

    app.emit([u.to_dict() for u in found], render)


@user_group.command("set-role")
@command_options
@click.argument("username")
@click.argument("role", type=click.Choice(ROLES))
@click.option("--activist", "activist_id", type=int, help="For role activist: their registration.")
def set_role_command(username: str, role: str, activist_id: int | None) -> None:
    """Change an account's role; it applies to the account's next request.

    Example:

        monitor user set-role ayla coalition
    """
    app = get_app()
    store = app.store()
    user = user_store.by_name(store, username)
    user_store.set_role(store, user.id, role, activist_id)
    app.note(f"User #{user.id} is now {role}.")


@user_group.command("assign")
@command_options
@click.argument("username")
@click.option("--activist", "activist_id", type=int, required=True, help="The activist's id.")
@click.option("--remove", is_flag=True, help="End the assignment instead.")
def assign_command(username: str, activist_id: int, remove: bool) -> None:
    """Let a trainer see and work on an activist's incidents (or stop it with --remove).

    Example:

        monitor user assign ayla --activist 3
    """
    app = get_app()
    store = app.store()
    user = user_store.by_name(store, username)
    if remove:
        done = user_store.unassign(store, user.id, activist_id)
        app.note(
            f"Unassigned activist #{activist_id}." if done else "There was no such assignment."
        )
        return
    done = user_store.assign(store, user.id, activist_id)
    app.note(f"Assigned activist #{activist_id}." if done else "Already assigned.")


@user_group.command("token")
@command_options
@json_option
@click.argument("username")
@click.option("--label", default="", help="What the token is for (shown on the Account page).")
def token_command(username: str, label: str) -> None:
    """Create an API token for an account; it is printed once and only its hash is kept.

    Example:

        monitor user token ayla --label "weekly report script"
    """
    app = get_app()
    store = app.store()
    user = user_store.by_name(store, username)
    token = session_store.create_token(store, user.id, label)
    app.emit({"token": token, "user_id": user.id}, lambda: click.echo(token))
    if not app.json:
        app.note("Keep this token secret; it cannot be shown again.")


@user_group.command("password")
@command_options
@click.argument("username")
@password_env_option
@click.option("--clear-totp", is_flag=True, help="Also remove the second factor (lost phone).")
def password_command(username: str, password_env: str | None, clear_totp: bool) -> None:
    """Set a new password for an account and sign it out everywhere.

    Example:

        monitor user password ayla --clear-totp
    """
    app = get_app()
    store = app.store()
    user = user_store.by_name(store, username)
    user_store.set_password_hash(
        store, user.id, passwords.hash_password(read_password(password_env))
    )
    if clear_totp:
        user_store.set_totp_secret(store, user.id, None)
    ended = session_store.end_user_sessions(store, user.id)
    app.note(f"Password changed; {ended} session(s) ended.")


@user_group.command("disable")
@command_options
@click.argument("username")
@click.option("--enable", is_flag=True, help="Enable the account again instead.")
def disable_command(username: str, enable: bool) -> None:
    """Disable an account: its sessions and API tokens stop working at once.

    Example:

        monitor user disable ayla
    """
    app = get_app()
    store = app.store()
    user = user_store.by_name(store, username)
    user_store.set_disabled(store, user.id, not enable)
    if not enable:
        session_store.end_user_sessions(store, user.id)
    app.note(f"User #{user.id} is {'enabled' if enable else 'disabled'}.")

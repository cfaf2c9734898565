"""`monitor serve`: the web interface and the JSON API."""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import Callable

import click

from monitor.cli.base import cli, command_options, get_app
from monitor.errors import UserError
from monitor.service import open_when_reachable, stop_on_signals
from monitor.store import Store
from monitor.web import app as web_app


def exposed(host: str) -> bool:
    """True when `host` is reachable from other machines (not a loopback address)."""
    if host == "localhost":
        return False
    try:
        return not ipaddress.ip_address(host).is_loopback
    except ValueError:
        return True


async def serve(store: Store, host: str, port: int, note: Callable[[str], None]) -> None:
    """Run the web app until SIGINT/SIGTERM."""
    stop = asyncio.Event()
    restore = stop_on_signals(stop)
    try:
        try:
            server = await web_app.start(store, host, port)
        except OSError as exc:
            raise UserError(
                f"Cannot listen on {host}:{port}: {exc.strerror}. "
                "Choose another --port, or stop what is using it.",
                code="web_bind",
            ) from exc
        note(f"Serving {server.url} (Ctrl-C stops).")
        try:
            await stop.wait()
        finally:
            await server.stop()
    finally:
        restore()


@cli.command("serve")
@command_options
@click.option("--host", help="Address to listen on (default: the web_host setting, 127.0.0.1).")
@click.option("--port", type=int, help="Port to listen on (default: the web_port setting, 8080).")
def serve_command(host: str | None, port: int | None) -> None:
    """Serve the web interface and the JSON API until interrupted.

    Keep it on 127.0.0.1 behind a reverse proxy that adds TLS; create accounts first with
    `monitor user add`.

    Example:

        monitor serve --host 127.0.0.1 --port 8080
    """
    app = get_app()
    store = asyncio.run(open_when_reachable(app.store))
    bind_host = host or store.config.web_host
    bind_port = store.config.web_port if port is None else port
    if exposed(bind_host) and not store.config.base_url.startswith("https://"):
        app.note(
            f"Warning: listening on {bind_host} without TLS. Put a TLS reverse proxy in front "
            "and set base_url to its https:// address."
        )
    asyncio.run(serve(store, bind_host, bind_port, app.note))

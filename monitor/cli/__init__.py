"""The `monitor` command line: one module per command group, all on one click group."""

from monitor.cli import activist, init, source  # noqa: F401  (each registers its commands)
from monitor.cli.base import cli


def main() -> None:
    cli(prog_name="monitor")

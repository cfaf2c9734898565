"""The `monitor` command line: one module per command group, all on one click group.

Every module in this package registers its commands on `monitor.cli.base.cli` when imported;
they are all imported here, so adding a command is adding a module.
"""

import importlib
import pkgutil

from monitor.cli.base import cli

for _module in pkgutil.iter_modules(__path__):
    if _module.name != "base":
        importlib.import_module(f"{__name__}.{_module.name}")


def main() -> None:
    cli(prog_name="monitor")

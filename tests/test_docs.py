"""Documentation that tests check: every command, setting and plug-in kind is documented."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
import pytest

from monitor import config, registry

ROOT = Path(__file__).parent.parent
sys.path.insert(0, str(ROOT / "docs"))
import _cog  # noqa: E402


@pytest.mark.parametrize(("name", "command"), _cog.commands(), ids=lambda v: str(v))
def test_every_command_has_help_with_an_example(name: str, command: click.Command) -> None:
    assert command.help, f"{name} has no help"
    if not isinstance(command, click.Group):
        assert "Example:" in command.help, f"{name} has no Example: block"


@pytest.mark.parametrize("document", ["docs/cli.md", "docs/configuration.md"])
def test_generated_docs_are_current(document: str) -> None:
    result = subprocess.run(
        [str(Path(sys.executable).parent / "cog"), "--check", "-I", "docs", document],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"COLUMNS": "100", "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, f"{document} is stale: run scripts/docs.sh\n{result.stdout}"


def test_every_setting_is_in_the_configuration_page() -> None:
    page = (ROOT / "docs" / "configuration.md").read_text()
    for field in config.settings():
        assert f"`{config.env_name(field.name)}`" in page


def test_every_source_kind_and_channel_is_documented_for_users() -> None:
    readme = (ROOT / "README.md").read_text()
    for kind, collector in registry.collectors().items():
        assert collector.__doc__ and collector.target_help
        assert f"source add {kind}" in readme, f"README has no example for {kind}"
    for kind, channel in registry.channels().items():
        assert channel.__doc__ and channel.destination_help
        assert f"--channel {kind}" in readme, f"README has no example for channel {kind}"

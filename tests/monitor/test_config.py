"""Settings: precedence, secret files, the config file, type errors, redaction."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor import config
from monitor.errors import UserError


def test_precedence_override_env_file_default(tmp_path: Path) -> None:
    (tmp_path / "monitor.toml").write_text('http_timeout = 5.0\nuser_agent = "file"\n')
    env = {"MONITOR_CONFIG_DIR": str(tmp_path), "MONITOR_USER_AGENT": "env"}
    loaded = config.load(env, overrides={"http_max_redirects": 2})
    assert loaded.http_timeout == 5.0
    assert loaded.user_agent == "env"
    assert loaded.http_max_redirects == 2
    assert loaded.http_per_host == 2


def test_secret_from_file_and_redaction(tmp_path: Path) -> None:
    (tmp_path / "pass").write_text("s3cret\n")
    loaded = config.load({"MONITOR_PASSPHRASE_FILE": str(tmp_path / "pass")})
    assert loaded.passphrase == "s3cret"
    assert loaded.redacted()["passphrase"] == config.REDACTED
    assert loaded.redacted()["proxy"] == ""


def test_unknown_key_in_config_file_stops_startup(tmp_path: Path) -> None:
    (tmp_path / "monitor.toml").write_text("htp_timeout = 5\n")
    with pytest.raises(UserError, match="htp_timeout"):
        config.load({"MONITOR_CONFIG_DIR": str(tmp_path)})


@pytest.mark.parametrize(
    ("variable", "value"),
    [("MONITOR_HTTP_TIMEOUT", "soon"), ("MONITOR_ALLOW_PRIVATE_ADDRESSES", "maybe")],
)
def test_wrong_types_name_the_setting(variable: str, value: str) -> None:
    with pytest.raises(UserError, match=variable):
        config.load({variable: value})


def test_booleans() -> None:
    assert config.load({"MONITOR_ALLOW_PRIVATE_ADDRESSES": "yes"}).allow_private_addresses
    assert not config.load({"MONITOR_ALLOW_PRIVATE_ADDRESSES": "0"}).allow_private_addresses

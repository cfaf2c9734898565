"""Every setting in one table.

Each field of `Config` is one setting: its name, type and default are the field's, its help text
and whether it is a secret are in the field's metadata. A setting is read, in order of
precedence, from an explicit override (a CLI flag), the environment variable `MONITOR_<NAME>`,
for secrets also `MONITOR_<NAME>_FILE` (a file holding the value), the config file
(`monitor.toml` in the config directory, or `MONITOR_CONFIG_FILE`), and finally the default.
Unknown keys in the config file and values of the wrong type stop startup with a message naming
the setting, so a typo never silently falls back to a default.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import platformdirs

from monitor.errors import UserError

APP_NAME = "activist-monitor"
REDACTED = "<redacted>"


def _setting(default: Any, help: str, *, secret: bool = False) -> Any:
    return dataclasses.field(default=default, metadata={"help": help, "secret": secret})


@dataclasses.dataclass(frozen=True)
class Config:
    """The service's settings. Field order is the order `monitor config` prints them in."""

    db: str = _setting("", "Database URL or SQLite path (default: monitor.db in data_dir).")
    data_dir: str = _setting("", "Directory for the default SQLite database and state.")
    config_dir: str = _setting("", "Directory for the data key file and monitor.toml.")
    key: str = _setting("", "Data key (base64, 32 bytes). Overrides key_file.", secret=True)
    key_file: str = _setting("", "File holding the data key (default: config_dir/data.key).")
    passphrase: str = _setting(
        "", "Derive the data key from this passphrase (Argon2id) instead.", secret=True
    )
    allow_private_addresses: bool = _setting(
        False, "Let collectors and channels reach loopback, private and link-local addresses."
    )
    proxy: str = _setting(
        "", "Proxy for all outbound traffic, e.g. socks5://127.0.0.1:9050 (Tor).", secret=True
    )
    user_agent: str = _setting(
        "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
        "User-Agent sent by collectors.",
    )
    http_timeout: float = _setting(30.0, "Seconds before an HTTP request is abandoned.")
    http_max_bytes: int = _setting(10 * 1024 * 1024, "Largest response body accepted (bytes).")
    http_max_redirects: int = _setting(5, "Redirects followed before giving up.")
    http_per_host: int = _setting(2, "Concurrent requests to one host.")
    collect_concurrency: int = _setting(32, "Sources collected at the same time.")
    parse_workers: int = _setting(
        0, "Worker processes for parsing large documents (0: one per CPU core; -1: none)."
    )
    lease_seconds: int = _setting(
        300, "How long a worker holds a source or an alert before others may take it over."
    )
    base_url: str = _setting(
        "http://127.0.0.1:8080", "Public URL of the web interface, used in alert links."
    )
    log_level: str = _setting("INFO", "Log level: DEBUG, INFO, WARNING or ERROR.")
    alert_max_attempts: int = _setting(
        30, "Delivery attempts (with exponential backoff, about two days) before an alert fails."
    )
    alert_timeout: float = _setting(20.0, "Seconds one alert delivery may take.")
    alert_retry_seconds: float = _setting(
        30.0, "Pause before the first retry of a failed alert; doubles per failure (max 1 h)."
    )
    smtp_host: str = _setting("", "SMTP server for email alerts.")
    smtp_port: int = _setting(587, "SMTP port (587 STARTTLS, 465 TLS, 25 plain).")
    smtp_security: str = _setting("starttls", "SMTP transport security: starttls, tls or none.")
    smtp_username: str = _setting("", "SMTP login name.")
    smtp_password: str = _setting("", "SMTP password.", secret=True)
    smtp_from: str = _setting("monitor@localhost", "Sender address of email alerts.")
    smtp_ca_file: str = _setting("", "Extra CA certificates (PEM) trusted for the SMTP server.")
    webhook_secret: str = _setting(
        "",
        "Default HMAC-SHA256 key signing webhook alerts (per subscription: --secret).",
        secret=True,
    )
    ntfy_url: str = _setting("https://ntfy.sh", "ntfy server for ntfy alerts.")
    telegram_api_url: str = _setting("https://api.telegram.org", "Telegram Bot API base URL.")
    telegram_bot_token: str = _setting("", "Telegram bot token for Telegram alerts.", secret=True)
    signal_url: str = _setting("http://127.0.0.1:8080", "signal-cli REST API bridge URL.")
    signal_number: str = _setting("", "The bridge's registered sender number (E.164).")
    matrix_url: str = _setting("", "Matrix homeserver URL for Matrix alerts.")
    matrix_token: str = _setting("", "Matrix access token of the alert bot.", secret=True)
    bluesky_api_url: str = _setting(
        "https://public.api.bsky.app", "Bluesky AppView for public profile and search calls."
    )
    mastodon_api_url: str = _setting(
        "", "Mastodon server for lookups and searches (default: the handle's own server)."
    )
    hibp_url: str = _setting("https://haveibeenpwned.com", "Have I Been Pwned API base URL.")
    timestamp_url: str = _setting(
        "", "RFC 3161 timestamp authority for export manifests (e.g. https://freetsa.org/tsr)."
    )
    hibp_api_key: str = _setting("", "Have I Been Pwned API key.", secret=True)
    crtsh_url: str = _setting("https://crt.sh", "Certificate transparency search (crt.sh) URL.")
    imap_ca_file: str = _setting("", "Extra CA certificates (PEM) trusted for IMAP servers.")
    web_host: str = _setting("127.0.0.1", "Address `monitor serve` listens on.")
    web_port: int = _setting(8080, "Port `monitor serve` listens on.")
    web_session_hours: int = _setting(12, "Hours a web sign-in lasts.")
    web_secure_cookies: bool = _setting(
        True, "Mark session cookies Secure (keep on; browsers accept them on localhost too)."
    )

    def redacted(self) -> dict[str, Any]:
        """Values for display: secrets that are set show as `<redacted>`."""
        return {
            f.name: (REDACTED if f.metadata["secret"] and getattr(self, f.name) else value)
            for f in dataclasses.fields(self)
            for value in [getattr(self, f.name)]
        }

    @property
    def database_url(self) -> str:
        return self.db or str(Path(self.data_dir) / "monitor.db")

    @property
    def key_path(self) -> Path:
        return Path(self.key_file or Path(self.config_dir) / "data.key")


def env_name(name: str) -> str:
    return f"MONITOR_{name.upper()}"


def settings() -> tuple[dataclasses.Field[Any], ...]:
    """The settings table: every field with its metadata (help, secret)."""
    return dataclasses.fields(Config)


def load(
    environ: Mapping[str, str] | None = None, overrides: Mapping[str, Any] | None = None
) -> Config:
    """Build the configuration from overrides, environment, config file and defaults."""
    environ = os.environ if environ is None else environ
    overrides = {k: v for k, v in (overrides or {}).items() if v not in (None, "")}
    file_values = _read_config_file(environ)
    values: dict[str, Any] = {}
    for field in settings():
        raw = _raw_value(field, environ, overrides, file_values)
        if raw is not None:
            values[field.name] = _coerce(field, raw)
    values.setdefault("data_dir", platformdirs.user_data_dir(APP_NAME))
    values.setdefault("config_dir", platformdirs.user_config_dir(APP_NAME))
    return Config(**values)


def _raw_value(
    field: dataclasses.Field[Any],
    environ: Mapping[str, str],
    overrides: Mapping[str, Any],
    file_values: Mapping[str, Any],
) -> Any:
    if field.name in overrides:
        return overrides[field.name]
    env = env_name(field.name)
    if environ.get(env, "") != "":
        return environ[env]
    if field.metadata["secret"] and environ.get(env + "_FILE"):
        return _read_secret_file(env + "_FILE", environ[env + "_FILE"])
    return file_values.get(field.name)


def _read_secret_file(variable: str, path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise UserError(
            f"{variable} names {path}, which cannot be read: {exc.strerror}. "
            "Fix the path or its permissions.",
            code="config_secret_file",
        ) from exc


def _config_file(environ: Mapping[str, str]) -> Path:
    if environ.get("MONITOR_CONFIG_FILE"):
        return Path(environ["MONITOR_CONFIG_FILE"])
    config_dir = environ.get("MONITOR_CONFIG_DIR") or platformdirs.user_config_dir(APP_NAME)
    return Path(config_dir) / "monitor.toml"


def _read_config_file(environ: Mapping[str, str]) -> dict[str, Any]:
    path = _config_file(environ)
    if not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise UserError(
            f"The config file {path} cannot be read: {exc}. Fix it or move it away.",
            code="config_file",
        ) from exc
    known = {f.name for f in settings()}
    unknown = sorted(set(data) - known)
    if unknown:
        raise UserError(
            f"The config file {path} has unknown setting(s): {', '.join(unknown)}. "
            "Run `monitor config` to list the settings.",
            code="config_unknown",
        )
    return data


_TYPES: dict[str, type] = {"bool": bool, "int": int, "float": float, "str": str}
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _coerce(field: dataclasses.Field[Any], raw: Any) -> Any:
    kind = _TYPES[str(field.type)]
    try:
        if kind is bool:
            return _coerce_bool(raw)
        if kind in (int, float):
            return kind(raw)
        return str(raw)
    except ValueError as exc:
        raise UserError(
            f"Setting {field.name} ({env_name(field.name)}) must be a {kind.__name__}, "
            f"got {raw!r}.",
            code="config_type",
        ) from exc


def _coerce_bool(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(text)

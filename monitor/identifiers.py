"""Validation and normalisation of what an activist registers: handles, emails, phones, domains.

Pure functions. Each returns the canonical form that is stored, matched and looked up, or raises
`InvalidInput` naming the bad value, so a registration is either wholly valid or not written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import email_validator
import phonenumbers

from monitor.errors import InvalidInput

DEFAULT_PHONE_REGION = "AZ"


@dataclass(frozen=True)
class Platform:
    """A platform on which activists have handles, with the hosts of its profile URLs."""

    name: str
    hosts: tuple[str, ...]
    handle_pattern: str

    def valid(self, handle: str) -> bool:
        return re.fullmatch(self.handle_pattern, handle) is not None


PLATFORMS: dict[str, Platform] = {
    p.name: p
    for p in (
        Platform("instagram", ("instagram.com",), r"[a-z0-9._]{1,30}"),
        Platform("facebook", ("facebook.com", "fb.com", "m.facebook.com"), r"[a-z0-9.\-]{1,50}"),
        Platform("telegram", ("t.me", "telegram.me"), r"[a-z][a-z0-9_]{3,31}"),
        Platform("x", ("x.com", "twitter.com"), r"[a-z0-9_]{1,15}"),
        Platform("youtube", ("youtube.com",), r"[a-z0-9._\-]{3,30}"),
        Platform("tiktok", ("tiktok.com",), r"[a-z0-9._]{2,24}"),
        Platform("threads", ("threads.net", "threads.com"), r"[a-z0-9._]{1,30}"),
        Platform("bluesky", ("bsky.app",), r"[a-z0-9][a-z0-9.\-]{1,251}\.[a-z]{2,63}"),
        Platform("mastodon", (), r"[a-z0-9_]{1,30}@[a-z0-9.\-]+\.[a-z]{2,63}"),
        Platform("linkedin", ("linkedin.com",), r"[a-z0-9\-]{3,100}"),
        Platform("vk", ("vk.com",), r"[a-z0-9_.]{2,32}"),
        Platform("github", ("github.com",), r"[a-z0-9\-]{1,39}"),
    )
}
PLATFORM_ALIASES = {"twitter": "x", "fb": "facebook", "ig": "instagram", "tg": "telegram"}


def platform_names() -> list[str]:
    return sorted(PLATFORMS)


def parse_handle(text: str) -> tuple[str, str]:
    """`PLATFORM:HANDLE` (or a profile URL) → (platform, canonical handle)."""
    if text.startswith(("http://", "https://")):
        return _handle_from_url(text)
    platform_name, sep, handle = text.partition(":")
    if not sep or not handle.strip():
        raise InvalidInput(
            f"Handle {text!r} must be written PLATFORM:HANDLE, e.g. instagram:jane.doe "
            f"(platforms: {', '.join(platform_names())})."
        )
    return normalize_handle(platform_name, handle)


def normalize_handle(platform_name: str, handle: str) -> tuple[str, str]:
    name = platform_name.strip().lower()
    name = PLATFORM_ALIASES.get(name, name)
    platform = PLATFORMS.get(name)
    if platform is None:
        raise InvalidInput(
            f"Unknown platform {platform_name!r}. Known platforms: {', '.join(platform_names())}."
        )
    canonical = handle.strip().lstrip("@").lower()
    if not platform.valid(canonical):
        raise InvalidInput(f"{handle!r} is not a valid {name} handle.")
    return name, canonical


def _handle_from_url(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    segments = [s for s in parts.path.split("/") if s]
    for platform in PLATFORMS.values():
        if host in platform.hosts and segments:
            first = segments[0]
            if platform.name == "bluesky" and first == "profile" and len(segments) > 1:
                first = segments[1]
            return normalize_handle(platform.name, first)
    raise InvalidInput(f"{url!r} is not a profile URL of a known platform.")


def profile_url(platform_name: str, handle: str) -> str | None:
    """The public profile URL for a handle, where the platform has a simple one."""
    platform = PLATFORMS[platform_name]
    if not platform.hosts:
        return None
    if platform_name == "bluesky":
        return f"https://bsky.app/profile/{handle}"
    prefix = "@" if platform_name in ("tiktok", "threads", "youtube") else ""
    return f"https://{platform.hosts[0]}/{prefix}{handle}"


def normalize_email(text: str) -> str:
    try:
        result = email_validator.validate_email(text.strip(), check_deliverability=False)
    except email_validator.EmailNotValidError as exc:
        raise InvalidInput(f"{text!r} is not a valid email address: {exc}") from exc
    return result.normalized.lower()


def normalize_phone(text: str, region: str = DEFAULT_PHONE_REGION) -> str:
    """Any common way of writing a number → E.164 (numbers without a country code: `region`)."""
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidInput(f"{text!r} is not a phone number: {exc}") from exc
    if not phonenumbers.is_valid_number(number):
        raise InvalidInput(
            f"{text!r} is not a valid phone number "
            f"(a number without +country code is read as {region})."
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


_LABEL = re.compile(r"(?!-)[a-z0-9\-]{1,63}(?<!-)")


def normalize_domain(text: str) -> str:
    raw = text.strip().lower()
    if "://" in raw:
        raw = urlsplit(raw).hostname or ""
    raw = raw.removeprefix("www.").rstrip(".")
    try:
        ascii_form = raw.encode("idna").decode("ascii")
    except UnicodeError as exc:
        raise InvalidInput(f"{text!r} is not a valid domain name.") from exc
    labels = ascii_form.split(".")
    if len(labels) < 2 or not all(_LABEL.fullmatch(label) for label in labels):
        raise InvalidInput(f"{text!r} is not a valid domain name (expected e.g. example.org).")
    return ascii_form


def normalize_name(text: str) -> str:
    name = " ".join(text.split())
    if not name:
        raise InvalidInput("A name cannot be empty.")
    if len(name) > 200:
        raise InvalidInput(f"The name {name[:40]!r}... is longer than 200 characters.")
    return name

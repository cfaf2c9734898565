"""Canary tokens: tripwire URLs an activist plants where only an intruder would look.

A token is a long random string; its URL points at `monitor serve`. The activist keeps a
decoy document holding it (an HTML "recovery codes" page that loads the URL as an image
when opened, and a plain-text note with the link) in their mailbox or cloud drive. Nobody
legitimate ever opens it, so any request to the URL means someone is reading their files:
a critical account-takeover incident.

Pure functions; `monitor.storage.canaries` records tokens and hits.
"""

from __future__ import annotations

import html
import secrets
from dataclasses import dataclass

TOKEN_BYTES = 24
PATH_PREFIX = "/c/"


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def canary_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}{PATH_PREFIX}{token}"


@dataclass(frozen=True)
class Decoy:
    """A decoy document: file name and content."""

    name: str
    content: str


def decoys(label: str, url: str) -> list[Decoy]:
    """An HTML page that fetches the canary when opened (many mail and drive previews load
    images), and a text note with the link, for places that show text only."""
    title = html.escape(label)
    page = (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>{title}</title></head><body>"
        f"<h1>{title}</h1><p>Backup recovery codes and account access details.</p>"
        f"<p><a href='{html.escape(url)}'>Open the full list</a></p>"
        f"<img src='{html.escape(url)}' width='1' height='1' alt=''>"
        "</body></html>\n"
    )
    note = f"{label}\n\nBackup codes and account access details:\n{url}\n"
    return [Decoy(f"{_slug(label)}.html", page), Decoy(f"{_slug(label)}.txt", note)]


def _slug(label: str) -> str:
    cleaned = "".join(c if c.isalnum() else "-" for c in label.strip().lower())
    return "-".join(part for part in cleaned.split("-") if part)[:60] or "document"


# The answer to a hit: a 1x1 transparent GIF, so an image load looks normal and the intruder
# is not told that they were seen.
PIXEL = bytes.fromhex(
    "47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b"
)

"""Have I Been Pwned: the data breaches an activist's email address appears in."""

from __future__ import annotations

import importlib.metadata
import json
from collections.abc import Mapping
from typing import Any, ClassVar
from urllib.parse import quote

import email_validator

from collectors._http import fetched
from monitor.errors import InvalidInput, UserError
from monitor.net import Response
from monitor.registry import Collected, Collector, Fetched, Item, SourceView

API_PATH = "/api/v3/breachedaccount/"
# Data classes that hand an attacker a way in or a way to find the person.
SERIOUS_CLASSES = {
    "Passwords": "passwords",
    "Phone numbers": "phone numbers",
    "Physical addresses": "physical addresses",
}


class BreachCollector(Collector):
    """Data breaches that include an activist's email address (Have I Been Pwned API v3).

    TARGET is the email address; the source needs --activist. Each breach the address is in
    becomes a `breach` incident, once: the first check reports the breaches already known
    (the person should know), later checks only new ones. Severity is high when the breach
    exposed passwords, phone numbers or physical addresses, medium otherwise, low for
    spam lists and fabricated breaches. Needs an API key (MONITOR_HIBP_API_KEY); the base URL
    is MONITOR_HIBP_URL.
    Example: monitor source add breach jane@example.org --activist 3 --every 86400
    """

    kind: ClassVar[str] = "breach"
    target_help: ClassVar[str] = "email address"
    needs_activist: ClassVar[bool] = True
    default_every: ClassVar[int] = 86400

    @classmethod
    def validate_target(cls, target: str) -> str:
        try:
            result = email_validator.validate_email(target.strip(), check_deliverability=False)
        except email_validator.EmailNotValidError as exc:
            raise InvalidInput(f"{target!r} is not an email address: {exc}") from exc
        return result.normalized.lower()

    async def collect(self, source: SourceView) -> Collected:
        config = self.config
        if not config.hibp_api_key:
            raise UserError(
                "No Have I Been Pwned API key: set MONITOR_HIBP_API_KEY (or hibp_api_key in "
                "monitor.toml). Keys are sold at haveibeenpwned.com/API/Key.",
                code="hibp_key",
            )
        response = await self.http.get(
            _api_url(config.hibp_url, source.target),
            headers={"hibp-api-key": config.hibp_api_key, "User-Agent": _user_agent()},
            accept="application/json",
            proxy=source.proxy,
        )
        reported = list(source.state.get("reported", []))
        if response.status == 404:  # in no breach at all
            return Collected([], {"reported": reported})
        _refuse_key_problems(response)
        response.raise_for_status()
        items = [
            breach_item(breach, source, fetched(response))
            for breach in _breaches(response.body)
            if str(breach.get("Name")) not in reported
        ]
        return Collected(items, {"reported": reported + [item.key for item in items]})


def _api_url(base: str, email: str) -> str:
    return f"{base.rstrip('/')}{API_PATH}{quote(email, safe='')}?truncateResponse=false"


def _user_agent() -> str:
    """HIBP asks API clients to name themselves."""
    try:
        version = importlib.metadata.version("activist-monitor")
    except importlib.metadata.PackageNotFoundError:
        version = "dev"
    return f"activist-monitor/{version}"


def _refuse_key_problems(response: Response) -> None:
    if response.status in (401, 403):
        raise UserError(
            f"Have I Been Pwned refused the API key (HTTP {response.status}): check "
            "MONITOR_HIBP_API_KEY and that the subscription is active.",
            code="hibp_key",
        )


def _breaches(body: bytes) -> list[Mapping[str, Any]]:
    try:
        data = json.loads(body)
    except ValueError:
        data = None
    if not isinstance(data, list):
        raise UserError(
            "Have I Been Pwned sent something that is not a list of breaches.", code="parse"
        )
    return [b for b in data if isinstance(b, dict) and b.get("Name")]


def severity(breach: Mapping[str, Any]) -> tuple[str, str]:
    """The incident severity for one breach, and why (shown to the trainer)."""
    classes = [str(c) for c in breach.get("DataClasses") or []]
    serious = [label for name, label in SERIOUS_CLASSES.items() if name in classes]
    if serious:
        return "high", "it exposed " + ", ".join(serious)
    if breach.get("IsFabricated") or breach.get("IsSpamList"):
        return "low", "a spam list or fabricated breach: addresses only, no account data"
    return "medium", "it exposed account data but no passwords, phone numbers or addresses"


def breach_item(breach: Mapping[str, Any], source: SourceView, evidence: Fetched) -> Item:
    """One breach as a `breach` signal for the watched activist (no other personal data)."""
    name = str(breach["Name"])
    level, why = severity(breach)
    title = str(breach.get("Title") or name)
    return Item(
        key=name,
        # Short and led by the breach's name: titles are compared to group reposts into one
        # incident, and words that every breach title shares would merge different breaches.
        title=f"{title} breach",
        text="",
        fetched=evidence,
        activist_id=source.activist_id,
        kind="breach",
        severity=level,
        evidence={
            "breach": name,
            "domain": breach.get("Domain") or None,
            "breach_date": breach.get("BreachDate"),
            "data_classes": list(breach.get("DataClasses") or []),
            "is_verified": bool(breach.get("IsVerified")),
            "severity_reason": why,
        },
        story=f"breach:{name}",
    )

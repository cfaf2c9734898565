"""Link checks: look a link up, record the check, and open an incident when it is bad.

`check_link` is what the CLI (`monitor check-link`) and the web form call. The check is
recorded with the URL and reasons sealed (a link someone was sent says who is targeting them);
when the verdict is `malicious` or `suspicious` and the link was checked for an activist, a
`phishing` incident for that activist is opened or extended and its alerts are queued, in the
same transaction as the check.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from monitor import links
from monitor.errors import NotFound
from monitor.links import LinkVerdict
from monitor.models import LinkCheck
from monitor.storage import activists as activist_store
from monitor.storage import indicators as indicator_store
from monitor.storage import outbox
from monitor.storage.incidents import SightingInput, record_sighting
from monitor.store import Store

log = logging.getLogger(__name__)

URL_CONTEXT = "link_check.url"
REASONS_CONTEXT = "link_check.reasons"
BAD_VERDICTS = ("malicious", "suspicious")


@dataclass(frozen=True)
class LinkCheckRecord:
    """A past check read back (decrypted)."""

    id: int
    activist_id: int | None
    url: str
    verdict: str
    reasons: tuple[str, ...]
    incident_id: int | None
    checked_at: datetime

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "activist_id": self.activist_id,
            "url": self.url,
            "verdict": self.verdict,
            "reasons": list(self.reasons),
            "incident_id": self.incident_id,
            "checked_at": self.checked_at.isoformat(),
        }


def check_link(store: Store, url: str, activist_id: int | None = None) -> LinkVerdict:
    """Check `url` against the indicator lists and the registered organisation domains,
    record the check, and (for an activist, on a bad verdict) open a phishing incident.

    Raises InvalidInput for something that is not a web link and NotFound for an unknown
    activist; the verdict itself, whatever it is, is the normal answer.
    """
    link = links.normalise_url(url)
    if activist_id is not None and not activist_store.exists(store, activist_id):
        raise NotFound(f"No activist with id {activist_id}. `monitor activist list` shows ids.")
    context = links.Context(
        hits=indicator_store.find(store, links.lookup_keys(link)),
        protected=organisation_domains(store),
        indicator_count=indicator_store.count(store),
    )
    verdict = dataclasses.replace(links.decide(link, context), activist_id=activist_id)
    return record(store, verdict)


def organisation_domains(store: Store) -> list[str]:
    """The `domain` identifiers of every registered activist (their organisations' sites)."""
    domains = (d for record in activist_store.list_all(store) for d in record.values("domain"))
    return list(dict.fromkeys(domains))


def record(store: Store, verdict: LinkVerdict) -> LinkVerdict:
    """Write the check (and its incident, if any) in one transaction; return it with ids."""
    with Session(store.engine) as session:
        row = LinkCheck(
            activist_id=verdict.activist_id,
            url_enc=store.vault.seal_text(verdict.url, URL_CONTEXT),
            verdict=verdict.verdict,
            reasons_enc=store.vault.seal_text(json.dumps(verdict.reasons), REASONS_CONTEXT),
        )
        session.add(row)
        session.flush()
        assert row.id is not None
        incident_id = _incident(store, session, verdict, row.id, row.checked_at)
        row.incident_id = incident_id
        session.add(row)
        session.commit()
        check_id = row.id
    log.info(
        "link checked check_id=%d verdict=%s incident_id=%s",
        check_id,
        verdict.verdict,
        incident_id,
    )
    return dataclasses.replace(verdict, check_id=check_id, incident_id=incident_id)


def _incident(
    store: Store, session: Session, verdict: LinkVerdict, check_id: int, now: datetime
) -> int | None:
    if verdict.activist_id is None or verdict.verdict not in BAD_VERDICTS:
        return None
    outcome = record_sighting(
        session,
        store.vault,
        SightingInput(
            activist_id=verdict.activist_id,
            kind="phishing",
            base_severity=verdict.severity or "high",
            score=1.0,
            title=_title(verdict, check_id),
            text="",
            story_key=store.vault.lookup("story", f"link:{verdict.host}"),
            item_key=f"link-check:{check_id}",
            seen_at=now,
            url=verdict.url,
            signals=verdict.signals,
            evidence={"signal": verdict.signals[0], **verdict.evidence()},
        ),
        alert=outbox.enqueue,
    )
    return outcome.incident_id or None


def _title(verdict: LinkVerdict, check_id: int) -> str:
    """The host and the check, nothing more: incident titles are compared to group reposts
    into one story, and words that such titles share would make different links one story."""
    return f"{verdict.display_host} (check #{check_id})"


def list_checks(
    store: Store, activist_id: int | None = None, limit: int = 50
) -> list[LinkCheckRecord]:
    """The latest checks, newest first (for one activist, or all)."""
    query = select(LinkCheck).order_by(col(LinkCheck.checked_at).desc(), col(LinkCheck.id).desc())
    if activist_id is not None:
        query = query.where(LinkCheck.activist_id == activist_id)
    with Session(store.engine) as session:
        rows = session.exec(query.limit(limit)).all()
    return [_record(store, row) for row in rows]


def _record(store: Store, row: LinkCheck) -> LinkCheckRecord:
    assert row.id is not None
    return LinkCheckRecord(
        id=row.id,
        activist_id=row.activist_id,
        url=store.vault.open_text(row.url_enc, URL_CONTEXT),
        verdict=row.verdict,
        reasons=tuple(json.loads(store.vault.open_text(row.reasons_enc, REASONS_CONTEXT))),
        incident_id=row.incident_id,
        checked_at=row.checked_at,
    )

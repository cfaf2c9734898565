"""The orchestrator: Item → capture → match → classify → incident → outbox entry.

One transaction per source pass: the captures and their chain entries, the sightings, the
incident changes, the outbox rows and the "seen" marks are committed together. A crash loses
nothing (the next pass re-fetches and the uncommitted items are new again) and duplicates
nothing (committed items are marked seen; sightings are unique per source, item and activist).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import sqlalchemy as sa
from sqlalchemy import or_
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session

from monitor import activists as registration
from monitor.image_watch import ImageFinding, ImageReport
from monitor.matching import Matcher, Mention, analyse
from monitor.models import SeenItem, utcnow
from monitor.registry import Item, SourceView
from monitor.storage import activists as activist_store
from monitor.storage import captures
from monitor.storage import images as image_store
from monitor.storage.incidents import AlertHook, SightingInput, record_sighting
from monitor.store import Store

log = logging.getLogger(__name__)
COMMIT_ATTEMPTS = 5
RETRY_PAUSE = 0.1
# Severity of collector-reported signals when the collector does not say.
DEFAULT_SEVERITY = {
    "account_takeover": "high",
    "phishing": "high",
    "breach": "medium",
    "impersonation": "medium",
    "leak": "high",
}


@dataclass
class PassReport:
    """What one source's items did, for the cycle summary (counts only, no content)."""

    items: int = 0
    new_items: int = 0
    sightings: int = 0
    incidents_created: int = 0
    alerts: int = 0
    incident_ids: set[int] = field(default_factory=set)

    def add(self, other: PassReport) -> None:
        self.items += other.items
        self.new_items += other.new_items
        self.sightings += other.sightings
        self.incidents_created += other.incidents_created
        self.alerts += other.alerts
        self.incident_ids |= other.incident_ids


class MatcherCache:
    """Keeps one matcher and rebuilds it only when the registry changed.

    The registry is looked at no more than every `recheck_seconds`, so a new registration
    takes effect within seconds without a query per collected source.
    """

    def __init__(self, store: Store, recheck_seconds: float = 5.0) -> None:
        self.store = store
        self.recheck_seconds = recheck_seconds
        self._fingerprint: tuple[int, int, str] | None = None
        self._matcher: Matcher | None = None
        self._checked_at = 0.0

    def get(self) -> Matcher:
        now = time.monotonic()
        if self._matcher is not None and now - self._checked_at < self.recheck_seconds:
            return self._matcher
        self._checked_at = now
        current = activist_store.fingerprint(self.store)
        if self._matcher is None or current != self._fingerprint:
            registrations = [
                registration.to_registration(r.id, r.idents)
                for r in activist_store.list_all(self.store)
            ]
            self._matcher = Matcher.build(registrations)
            self._fingerprint = current
            log.info("matcher built activists=%d", len(registrations))
        return self._matcher


class Pipeline:
    def __init__(
        self, store: Store, matchers: MatcherCache, alert: AlertHook | None = None
    ) -> None:
        self.store = store
        self.matchers = matchers
        self.alert = alert

    def unseen(self, source: SourceView, items: Sequence[Item]) -> list[Item]:
        """The items this source has not delivered before (read only: nothing is marked)."""
        keyed = [(item, *self._lookups(source, item)) for item in items]
        with Session(self.store.engine) as session:
            return [item for item, _, _ in _unseen(session, source.id, keyed)]

    def process(
        self, source: SourceView, items: Sequence[Item], images: ImageReport | None = None
    ) -> PassReport:
        """Run a source's items through the pipeline in one transaction (retried on conflict):
        text mentions, image matches found for them, and the "seen" marks, all or nothing."""
        for attempt in range(1, COMMIT_ATTEMPTS + 1):
            try:
                return self._process(source, items, images or ImageReport())
            except (IntegrityError, OperationalError) as exc:
                if attempt == COMMIT_ATTEMPTS:
                    raise
                log.warning(
                    "retrying source_id=%d attempt=%d: %s", source.id, attempt, type(exc).__name__
                )
                time.sleep(RETRY_PAUSE * attempt)  # a concurrent writer or a busy database
        raise AssertionError("unreachable")

    def _process(
        self, source: SourceView, items: Sequence[Item], images: ImageReport
    ) -> PassReport:
        report = PassReport(items=len(items))
        keyed = [(item, *self._lookups(source, item)) for item in items]
        with Session(self.store.engine) as session:
            fresh = _unseen(session, source.id, keyed)
            report.new_items = len(fresh)
            needs_matcher = any(item.activist_id is None for item, _, _ in fresh)
            matcher = self.matchers.get() if needs_matcher else None
            capture_ids: dict[int, int] = {}
            for item, _, _ in fresh:
                self._record(session, source, item, matcher, capture_ids, report)
            self._record_images(session, source, fresh, images, capture_ids, report)
            if fresh:
                now = utcnow()
                session.execute(
                    sa.insert(_SEEN_TABLE),
                    [
                        {
                            "source_id": source.id,
                            "item_lookup": item_lookup,
                            "content_lookup": content_lookup,
                            "seen_at": now,
                        }
                        for _, item_lookup, content_lookup in fresh
                    ],
                )
            session.commit()
        return report

    def _lookups(self, source: SourceView, item: Item) -> tuple[str, str]:
        vault = self.store.vault
        return (
            vault.lookup(f"item:{source.id}", item.key + "\x00" + item.version),
            vault.lookup(f"content:{source.id}", item.content_sha256),
        )

    def _record(
        self,
        session: Session,
        source: SourceView,
        item: Item,
        matcher: Matcher | None,
        capture_ids: dict[int, int],
        report: PassReport,
    ) -> None:
        findings = self._findings(source, item, matcher)
        if not findings:
            return
        capture_id = capture_ids.get(id(item.fetched))
        if capture_id is None:
            capture_id = captures.append(session, self.store.vault, item.fetched, source.id)
            capture_ids[id(item.fetched)] = capture_id
        for finding in findings:
            outcome = record_sighting(
                session, self.store.vault, replace(finding, capture_id=capture_id), self.alert
            )
            if not outcome.duplicate:
                report.sightings += 1
                report.incidents_created += int(outcome.created)
                report.alerts += outcome.alerts
                report.incident_ids.add(outcome.incident_id)

    def _record_images(
        self,
        session: Session,
        source: SourceView,
        fresh: list[tuple[Item, str, str]],
        images: ImageReport,
        capture_ids: dict[int, int],
        report: PassReport,
    ) -> None:
        """Record image matches of the items committed now; count the rest (no other trace)."""
        by_key = {item.key: item for item, _, _ in fresh}
        for finding in images.findings:
            item = by_key.get(finding.item_key)
            if item is None:
                continue
            fetched = finding.image or item.fetched
            capture_id = capture_ids.get(id(fetched))
            if capture_id is None:
                capture_id = captures.append(session, self.store.vault, fetched, source.id)
                capture_ids[id(fetched)] = capture_id
            sighting = self._image_finding(source, item, finding, capture_id)
            outcome = record_sighting(session, self.store.vault, sighting, self.alert)
            if not outcome.duplicate:
                report.sightings += 1
                report.incidents_created += int(outcome.created)
                report.alerts += outcome.alerts
                report.incident_ids.add(outcome.incident_id)
        if images.checked or images.failed:
            image_store.increment(session, "images_checked", images.checked)
            image_store.increment(session, "images_unmatched", images.unmatched)
            image_store.increment(session, "images_unreadable", images.failed)
            image_store.increment(session, "images_matched", len(images.findings))

    def _image_finding(
        self, source: SourceView, item: Item, finding: ImageFinding, capture_id: int
    ) -> SightingInput:
        story = f"image:{finding.activist_id}:{finding.hash_id}"
        return SightingInput(
            activist_id=finding.activist_id,
            kind="leak",
            base_severity="critical",
            score=1.0,
            title="A registered private image was found",
            text=f"registered image {finding.hash_id} published",
            story_key=self.store.vault.lookup("story", story),
            item_key=f"{item.key}#image:{finding.image_url}",
            seen_at=utcnow(),
            source_id=source.id,
            capture_id=capture_id,
            url=item.url,
            published_at=item.published_at,
            signals=("intimate_image",),
            evidence={
                "signal": "intimate_image",
                "image_url": finding.image_url,
                "page_url": item.url,
                "image_hash": finding.image_hash,
                "registered_photo": finding.hash_id,
                "distance": finding.distance,
                "image_kept": finding.image is not None,
            },
            group_by_text=False,
        )

    def _findings(
        self, source: SourceView, item: Item, matcher: Matcher | None
    ) -> list[SightingInput]:
        if item.activist_id is not None and item.kind is not None:
            return [self._signal_finding(source, item)]
        if matcher is None:
            return []
        text = f"{item.title}\n{item.text}" if item.title else item.text
        return [self._mention_finding(source, item, m, text) for m in analyse(matcher, text)]

    def _signal_finding(self, source: SourceView, item: Item) -> SightingInput:
        assert item.activist_id is not None and item.kind is not None
        story = item.story or f"{item.kind}:{source.id}:{item.key}"
        return SightingInput(
            activist_id=item.activist_id,
            kind=item.kind,
            base_severity=item.severity or DEFAULT_SEVERITY.get(item.kind, "medium"),
            score=1.0,
            title=item.title,
            text=item.text,
            story_key=self.store.vault.lookup("story", story),
            item_key=item.key,
            seen_at=utcnow(),
            source_id=source.id,
            url=item.url,
            published_at=item.published_at,
            signals=(item.signal,) if item.signal else (),
            evidence={"signal": item.signal, **dict(item.evidence)},
            group_by_text=False,
        )

    def _mention_finding(
        self, source: SourceView, item: Item, mention: Mention, text: str
    ) -> SightingInput:
        return SightingInput(
            activist_id=mention.activist_id,
            kind=mention.kind,
            base_severity=mention.severity,
            score=mention.score,
            title=item.title or text[:120],
            text=item.text,
            story_key=self.store.vault.lookup("story", item.content_sha256),
            item_key=item.key,
            seen_at=utcnow(),
            source_id=source.id,
            url=item.url,
            published_at=item.published_at,
            evidence=mention_evidence(mention),
        )


def mention_evidence(mention: Mention) -> dict[str, Any]:
    """Why the matcher and classifier decided as they did (sealed with the sighting)."""
    return {
        "hits": [{"how": h.how, "matched": h.matched} for h in mention.hits],
        "cues": [
            {
                "kind": c.kind,
                "term": c.term,
                "lang": c.lang,
                "distance": c.distance,
                "contribution": round(c.contribution, 3),
            }
            for c in mention.cues
        ],
        "scores": {k: round(v, 3) for k, v in mention.scores.items()},
        "cue_scores": dict(mention.cue_scores),
        "reasons": [{"feature": name, "push": push} for name, push in mention.reasons],
    }


# Core statements on the "seen" marks, the lookup built once with expanding parameters: the
# ORM added nothing here (no objects are read back) but cost more than the queries themselves.
_SEEN_TABLE = SeenItem.__table__  # type: ignore[attr-defined]
_SEEN = _SEEN_TABLE.c
_SEEN_QUERY = sa.select(_SEEN.item_lookup, _SEEN.content_lookup).where(
    _SEEN.source_id == sa.bindparam("source_id"),
    or_(
        _SEEN.item_lookup.in_(sa.bindparam("item_lookups", expanding=True)),
        _SEEN.content_lookup.in_(sa.bindparam("content_lookups", expanding=True)),
    ),
)
SEEN_CHUNK = 400


def _unseen(
    session: Session, source_id: int, keyed: list[tuple[Item, str, str]]
) -> list[tuple[Item, str, str]]:
    """Items whose version and content this source has not delivered before (nor twice now)."""
    if not keyed:
        return []
    seen_items, seen_contents = set(), set()
    for start in range(0, len(keyed), SEEN_CHUNK):
        chunk = keyed[start : start + SEEN_CHUNK]
        rows = session.execute(
            _SEEN_QUERY,
            {
                "source_id": source_id,
                "item_lookups": [k[1] for k in chunk],
                "content_lookups": [k[2] for k in chunk],
            },
        )
        for item_lookup, content_lookup in rows:
            seen_items.add(item_lookup)
            seen_contents.add(content_lookup)
    fresh = []
    for entry in keyed:
        _, item_lookup, content_lookup = entry
        if item_lookup in seen_items or content_lookup in seen_contents:
            continue
        seen_items.add(item_lookup)
        seen_contents.add(content_lookup)
        fresh.append(entry)
    return fresh

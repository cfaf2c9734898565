"""SQL for subscriptions: who gets which activist's alerts, on which channel."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from monitor.errors import InvalidInput, NotFound
from monitor.models import Activist, Subscription
from monitor.store import Store

DESTINATION = "subscription.destination"
SECRET = "subscription.secret"


@dataclass(frozen=True)
class NewSubscription:
    activist_id: int
    channel: str
    destination: str
    secret: str | None = None
    min_severity: str = "low"
    quiet_start: str | None = None
    quiet_end: str | None = None
    timezone: str = "UTC"
    lang: str | None = None
    user_id: int | None = None


@dataclass(frozen=True)
class SubscriptionRecord:
    id: int
    activist_id: int
    user_id: int | None
    channel: str
    destination: str
    min_severity: str
    quiet: str | None
    timezone: str
    lang: str
    enabled: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "activist_id": self.activist_id,
            "user_id": self.user_id,
            "channel": self.channel,
            "destination": self.destination,
            "min_severity": self.min_severity,
            "quiet": self.quiet,
            "timezone": self.timezone,
            "lang": self.lang,
            "enabled": self.enabled,
        }


def add(store: Store, new: NewSubscription) -> int:
    with Session(store.engine) as session:
        activist = session.get(Activist, new.activist_id)
        if activist is None:
            raise InvalidInput(f"No activist with id {new.activist_id}.")
        row = Subscription(
            activist_id=new.activist_id,
            user_id=new.user_id,
            channel=new.channel,
            destination_enc=store.vault.seal_text(new.destination, DESTINATION),
            secret_enc=store.vault.seal_optional(new.secret, SECRET),
            min_severity=new.min_severity,
            quiet_start=new.quiet_start,
            quiet_end=new.quiet_end,
            timezone=new.timezone,
            lang=new.lang or activist.lang,
        )
        session.add(row)
        session.commit()
        assert row.id is not None
        return row.id


def list_all(store: Store, activist_id: int | None = None) -> list[SubscriptionRecord]:
    with Session(store.engine) as session:
        query = select(Subscription).order_by(col(Subscription.id))
        if activist_id is not None:
            query = query.where(Subscription.activist_id == activist_id)
        return [record(store, row) for row in session.exec(query).all()]


def record(store: Store, row: Subscription) -> SubscriptionRecord:
    assert row.id is not None
    quiet = f"{row.quiet_start}-{row.quiet_end}" if row.quiet_start else None
    return SubscriptionRecord(
        id=row.id,
        activist_id=row.activist_id,
        user_id=row.user_id,
        channel=row.channel,
        destination=store.vault.open_text(row.destination_enc, DESTINATION),
        min_severity=row.min_severity,
        quiet=quiet,
        timezone=row.timezone,
        lang=row.lang,
        enabled=row.enabled,
    )


def remove(store: Store, subscription_id: int) -> None:
    """Disable rather than delete, so the delivery history of past alerts stays readable."""
    with Session(store.engine) as session:
        row = session.get(Subscription, subscription_id)
        if row is None:
            raise NotFound(f"No subscription with id {subscription_id}.")
        row.enabled = False
        session.add(row)
        session.commit()

"""The tables of the pipeline, from Activist and Source through to Sighting and Alert.

Plain declarations, no I/O. Every column named `*_enc` holds a value sealed by
`monitor.crypto.Vault` (the column name is the encryption context); every `*_lookup` column holds
a keyed HMAC of a normalised value so equality can be checked without the plaintext. Anything
that names, describes or quotes a person is sealed; what stays in clear is structure: ids,
kinds, severities, statuses, times, counters and hashes.

The schema itself is created and upgraded by the alembic revisions in `monitor/migrations/`;
`tests/monitor/test_migrations.py` checks that the two agree.
"""

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

KINDS = (
    "account_takeover",
    "phishing",
    "breach",
    "smear",
    "leak",
    "impersonation",
    "doxxing",
    "threat",
    "mention",
)
SEVERITIES = ("info", "low", "medium", "high", "critical")
STATUSES = ("new", "triaged", "confirmed", "false_positive", "resolved")
IDENTIFIER_TYPES = ("name", "alias", "nickname", "handle", "email", "phone", "domain")
LANGUAGES = ("az", "ru", "en")
ROLES = ("admin", "trainer", "activist", "coalition")


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(sa.types.TypeDecorator[datetime]):
    """Aware UTC datetimes on every backend (SQLite would otherwise hand back naive ones)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _optional_when(*, index: bool = False) -> Any:
    return Field(default=None, sa_column=sa.Column(UTCDateTime(), nullable=True, index=index))


def _required_when(*, index: bool = False) -> Any:
    return Field(
        default_factory=utcnow, sa_column=sa.Column(UTCDateTime(), nullable=False, index=index)
    )


class Meta(SQLModel, table=True):
    """Installation facts that must be readable before the key is: key check, KDF salt."""

    name: str = Field(primary_key=True, max_length=64)
    value: str


class Activist(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name_enc: bytes
    lang: str = Field(default="en", max_length=2)
    keep_images: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    created_at: datetime = _required_when()
    updated_at: datetime = _required_when()


class Identifier(SQLModel, table=True):
    """One way an activist can be named or reached: a name, alias, handle, email, phone, domain.

    `unique_key` is set (to the lookup) for identifiers that belong to one person only, so a
    handle, email or phone cannot be registered to two activists; names and domains leave it
    empty because namesakes and colleagues legitimately share them.
    """

    __table_args__ = (sa.UniqueConstraint("type", "unique_key", name="uq_identifier_owner"),)

    id: int | None = Field(default=None, primary_key=True)
    activist_id: int = Field(foreign_key="activist.id", index=True, ondelete="CASCADE")
    type: str = Field(max_length=16)
    platform: str | None = Field(default=None, max_length=32)
    value_enc: bytes
    lookup: str = Field(index=True, max_length=64)
    unique_key: str | None = Field(default=None, max_length=64)
    created_at: datetime = _required_when()


class Source(SQLModel, table=True):
    """A watched place and its health. `state_enc` is the collector's cursor (sealed JSON)."""

    __table_args__ = (sa.UniqueConstraint("kind", "target_lookup", name="uq_source_target"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=32, index=True)
    target_enc: bytes
    target_lookup: str = Field(max_length=64)
    name_enc: bytes | None = None
    activist_id: int | None = Field(
        default=None, foreign_key="activist.id", index=True, ondelete="CASCADE"
    )
    every_seconds: int = 900
    enabled: bool = True
    proxy_enc: bytes | None = None
    secret_enc: bytes | None = None
    created_at: datetime = _required_when()
    next_check_at: datetime | None = _optional_when(index=True)
    last_checked_at: datetime | None = _optional_when()
    last_success_at: datetime | None = _optional_when()
    last_error_enc: bytes | None = None
    last_error_code: str | None = Field(default=None, max_length=32)
    last_error_at: datetime | None = _optional_when()
    consecutive_failures: int = 0
    etag: str | None = Field(default=None, max_length=512)
    last_modified: str | None = Field(default=None, max_length=128)
    state_enc: bytes | None = None
    lease_owner: str | None = Field(default=None, max_length=64)
    lease_expires_at: datetime | None = _optional_when()


class SeenItem(SQLModel, table=True):
    """Item versions a source has already delivered, so a re-fetch never makes a second
    sighting. Both columns are keyed hashes (of the item key, of its text)."""

    __tablename__ = "seen_item"

    __table_args__ = (
        sa.UniqueConstraint("source_id", "item_lookup", "content_lookup", name="uq_seen_item"),
        sa.Index("ix_seen_content", "source_id", "content_lookup"),
    )

    id: int | None = Field(default=None, primary_key=True)
    source_id: int = Field(foreign_key="source.id", ondelete="CASCADE")
    item_lookup: str = Field(max_length=64)
    content_lookup: str = Field(max_length=64)
    seen_at: datetime = _required_when()


class Capture(SQLModel, table=True):
    """The exact bytes received for an item that produced a sighting, with their context."""

    id: int | None = Field(default=None, primary_key=True)
    source_id: int | None = Field(default=None, foreign_key="source.id", index=True)
    request_url_enc: bytes
    final_url_enc: bytes
    status: int
    headers_enc: bytes
    body_enc: bytes
    sha256: str = Field(max_length=64, index=True)
    size: int
    fetched_at: datetime = _required_when()


class ChainEntry(SQLModel, table=True):
    """One link of the append-only hash chain over captures (see `monitor.evidence`)."""

    __tablename__ = "chain_entry"

    seq: int | None = Field(default=None, primary_key=True)
    capture_id: int = Field(foreign_key="capture.id", unique=True)
    capture_sha256: str = Field(max_length=64)
    meta_sha256: str = Field(max_length=64)
    prev_hash: str = Field(max_length=64, unique=True)
    entry_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = _required_when()


class Incident(SQLModel, table=True):
    """What a trainer triages: one story about one activist, however often it is reposted."""

    id: int | None = Field(default=None, primary_key=True)
    activist_id: int = Field(foreign_key="activist.id", index=True, ondelete="CASCADE")
    kind: str = Field(max_length=32, index=True)
    severity: str = Field(max_length=16)
    base_severity: str = Field(max_length=16)
    status: str = Field(default="new", max_length=16, index=True)
    title_enc: bytes
    story_key: str = Field(max_length=64, index=True)
    story_sketch: str = Field(default="")
    signals: str = Field(default="", max_length=256)
    score: float = 0.0
    sightings_count: int = 0
    shareable: bool = False
    alerted_severity: str | None = Field(default=None, max_length=16)
    first_seen: datetime = _required_when(index=True)
    last_seen: datetime = _required_when()
    created_at: datetime = _required_when()
    updated_at: datetime = _required_when()


class Sighting(SQLModel, table=True):
    """One appearance of an incident's story: one item of one source, with why it matched."""

    __table_args__ = (
        sa.UniqueConstraint("source_id", "item_lookup", "activist_id", name="uq_sighting_item"),
    )

    id: int | None = Field(default=None, primary_key=True)
    incident_id: int = Field(foreign_key="incident.id", index=True, ondelete="CASCADE")
    activist_id: int = Field(foreign_key="activist.id", ondelete="CASCADE")
    source_id: int | None = Field(default=None, foreign_key="source.id")
    capture_id: int | None = Field(default=None, foreign_key="capture.id")
    item_lookup: str = Field(max_length=64)
    url_enc: bytes | None = None
    title_enc: bytes | None = None
    kind: str = Field(max_length=32)
    score: float = 0.0
    evidence_enc: bytes | None = None
    published_at: datetime | None = _optional_when()
    seen_at: datetime = _required_when()


class IncidentEvent(SQLModel, table=True):
    """The audit trail of an incident: creation, status changes, notes, escalations."""

    __tablename__ = "incident_event"

    id: int | None = Field(default=None, primary_key=True)
    incident_id: int = Field(foreign_key="incident.id", index=True, ondelete="CASCADE")
    at: datetime = _required_when()
    actor: str = Field(max_length=64)
    action: str = Field(max_length=32)
    from_status: str | None = Field(default=None, max_length=16)
    to_status: str | None = Field(default=None, max_length=16)
    note_enc: bytes | None = None


class Subscription(SQLModel, table=True):
    """Who is told about an activist's incidents, how, and when.

    The activist's own subscriptions have no `user_id`; a trainer's carry theirs. Quiet hours
    (local times in `timezone`) hold alerts below `critical` for a digest at the end.
    """

    id: int | None = Field(default=None, primary_key=True)
    activist_id: int = Field(foreign_key="activist.id", index=True, ondelete="CASCADE")
    user_id: int | None = Field(default=None, foreign_key="app_user.id", ondelete="CASCADE")
    channel: str = Field(max_length=32)
    destination_enc: bytes
    secret_enc: bytes | None = None
    min_severity: str = Field(default="low", max_length=16)
    quiet_start: str | None = Field(default=None, max_length=5)
    quiet_end: str | None = Field(default=None, max_length=5)
    timezone: str = Field(default="UTC", max_length=64)
    lang: str = Field(default="en", max_length=2)
    enabled: bool = True
    created_at: datetime = _required_when()


class Alert(SQLModel, table=True):
    """An outbox row: written with the incident change that causes it, delivered later.

    `pending` rows are due at `next_attempt_at`; `held` rows wait for the end of quiet hours
    and go out together as one digest; `sent` and `failed` are final (failed ones are listed
    by `monitor alerts` and can be retried).
    """

    id: int | None = Field(default=None, primary_key=True)
    incident_id: int = Field(foreign_key="incident.id", index=True, ondelete="CASCADE")
    subscription_id: int = Field(foreign_key="subscription.id", index=True, ondelete="CASCADE")
    channel: str = Field(max_length=32)
    reason: str = Field(max_length=16)
    severity: str = Field(max_length=16)
    lang: str = Field(default="en", max_length=2)
    idempotency_key: str = Field(max_length=128, unique=True)
    status: str = Field(default="pending", max_length=16, index=True)
    attempts: int = 0
    next_attempt_at: datetime = _required_when(index=True)
    last_error: str | None = Field(default=None, max_length=512)
    lease_owner: str | None = Field(default=None, max_length=64)
    lease_expires_at: datetime | None = _optional_when()
    created_at: datetime = _required_when()
    sent_at: datetime | None = _optional_when()
    digest_key: str | None = Field(default=None, max_length=64)


class User(SQLModel, table=True):
    """A person who logs in to the web interface or the API."""

    __tablename__ = "app_user"

    id: int | None = Field(default=None, primary_key=True)
    username_lookup: str = Field(max_length=64, unique=True)
    username_enc: bytes
    password_hash: str = Field(max_length=256)
    role: str = Field(max_length=16)
    activist_id: int | None = Field(default=None, foreign_key="activist.id", ondelete="SET NULL")
    totp_secret_enc: bytes | None = None
    disabled: bool = False
    created_at: datetime = _required_when()


class Canary(SQLModel, table=True):
    """A tripwire URL planted by an activist; any request to it is a critical incident."""

    id: int | None = Field(default=None, primary_key=True)
    activist_id: int = Field(foreign_key="activist.id", index=True, ondelete="CASCADE")
    token_lookup: str = Field(max_length=64, unique=True)
    token_enc: bytes
    label_enc: bytes
    hits: int = 0
    created_at: datetime = _required_when()
    last_hit_at: datetime | None = _optional_when()


class Indicator(SQLModel, table=True):
    """An indicator of compromise (domain, URL, email, hash...) from a threat-intel file.

    Indicators describe attacker infrastructure, not the people we protect, so they are kept
    in clear and indexed for lookups.
    """

    __table_args__ = (sa.UniqueConstraint("type", "value", name="uq_indicator"),)

    id: int | None = Field(default=None, primary_key=True)
    type: str = Field(max_length=32)
    value: str = Field(max_length=512, index=True)
    threat: str = Field(max_length=128)
    origin: str = Field(max_length=256)
    created_at: datetime = _required_when()


class LinkCheck(SQLModel, table=True):
    """A suspicious link an activist or trainer asked about, and the verdict."""

    __tablename__ = "link_check"

    id: int | None = Field(default=None, primary_key=True)
    activist_id: int | None = Field(
        default=None, foreign_key="activist.id", index=True, ondelete="CASCADE"
    )
    url_enc: bytes
    verdict: str = Field(max_length=16)
    reasons_enc: bytes
    incident_id: int | None = Field(default=None, foreign_key="incident.id", ondelete="SET NULL")
    checked_at: datetime = _required_when()


class TrainerAssignment(SQLModel, table=True):
    """Which activists a trainer supports (and so may see)."""

    __tablename__ = "trainer_assignment"
    __table_args__ = (sa.UniqueConstraint("user_id", "activist_id", name="uq_assignment"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True, ondelete="CASCADE")
    activist_id: int = Field(foreign_key="activist.id", index=True, ondelete="CASCADE")
    created_at: datetime = _required_when()


class WebSession(SQLModel, table=True):
    """A signed-in browser; only the keyed hash of its cookie is stored."""

    __tablename__ = "web_session"

    id: int | None = Field(default=None, primary_key=True)
    token_lookup: str = Field(max_length=64, unique=True)
    user_id: int = Field(foreign_key="app_user.id", index=True, ondelete="CASCADE")
    csrf_token: str = Field(max_length=64)
    second_factor_done: bool = False
    created_at: datetime = _required_when()
    expires_at: datetime = _required_when(index=True)


class ApiToken(SQLModel, table=True):
    """A bearer token for the JSON API; only its keyed hash is stored."""

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    token_lookup: str = Field(max_length=64, unique=True)
    user_id: int = Field(foreign_key="app_user.id", index=True, ondelete="CASCADE")
    label: str = Field(default="", max_length=128)
    created_at: datetime = _required_when()
    last_used_at: datetime | None = _optional_when()
    revoked: bool = False


class LoginAttempt(SQLModel, table=True):
    """Recent failed logins per account and per client, for rate limiting."""

    __tablename__ = "login_attempt"

    id: int | None = Field(default=None, primary_key=True)
    key_lookup: str = Field(max_length=64, index=True)
    at: datetime = _required_when(index=True)


class AuditEntry(SQLModel, table=True):
    """Who read which incident or exported what, and when (admins can read this log)."""

    __tablename__ = "audit_entry"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _required_when(index=True)
    user_id: int | None = Field(default=None, foreign_key="app_user.id", ondelete="SET NULL")
    actor: str = Field(max_length=64)
    action: str = Field(max_length=32)
    target: str = Field(max_length=64)
    detail_enc: bytes | None = None


class PlaybookStep(SQLModel, table=True):
    """A playbook step ticked off for an incident (stored by position, same in every language)."""

    __tablename__ = "playbook_step"
    __table_args__ = (
        sa.UniqueConstraint("incident_id", "playbook_id", "step_key", name="uq_playbook_step"),
    )

    id: int | None = Field(default=None, primary_key=True)
    incident_id: int = Field(foreign_key="incident.id", index=True, ondelete="CASCADE")
    playbook_id: str = Field(max_length=64)
    step_key: str = Field(max_length=16)
    done_by: str = Field(max_length=64)
    done_at: datetime = _required_when()


class ImageHash(SQLModel, table=True):
    """A perceptual (PDQ) hash of a private image, computed on the activist's own device."""

    __tablename__ = "image_hash"

    id: int | None = Field(default=None, primary_key=True)
    activist_id: int = Field(foreign_key="activist.id", index=True, ondelete="CASCADE")
    hash_enc: bytes
    quality: int = 0
    created_at: datetime = _required_when()


class Counter(SQLModel, table=True):
    """Named counters (e.g. images fetched that matched nothing): numbers, never content."""

    name: str = Field(primary_key=True, max_length=64)
    value: int = 0


class Worker(SQLModel, table=True):
    """A running `monitor run` process and its last heartbeat, for `monitor status`."""

    name: str = Field(primary_key=True, max_length=64)
    started_at: datetime = _required_when()
    last_seen_at: datetime = _required_when()
    cycles: int = 0
    last_cycle_at: datetime | None = _optional_when()

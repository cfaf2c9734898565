"""SQL for captures and the hash chain: append in the caller's transaction, verify the store."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlmodel import Session, col, select

from monitor import evidence
from monitor.crypto import Vault
from monitor.evidence import CaptureMeta, ChainLink, Problem
from monitor.models import Capture, ChainEntry, utcnow
from monitor.registry import Fetched
from monitor.store import Store

REQUEST_URL = "capture.request_url"
FINAL_URL = "capture.final_url"
HEADERS = "capture.headers"
BODY = "capture.body"
# Any constant shared by all writers: PostgreSQL serialises chain appends on this lock.
CHAIN_LOCK_ID = 0x6D6F6E63  # "monc"


@dataclass(frozen=True)
class StoreVerification:
    captures: int
    head: str
    length: int
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


# Core statements on the tables: appending needs no ORM objects, and two unit-of-work
# flushes per capture cost more than its encryption. The chain's metadata digest is taken
# from the values as fetched (the very values sealed), not by opening them again.
_CAPTURE = Capture.__table__  # type: ignore[attr-defined]
_CHAIN = ChainEntry.__table__  # type: ignore[attr-defined]
_CHAIN_HEAD = sa.select(_CHAIN.c.seq, _CHAIN.c.entry_hash).order_by(_CHAIN.c.seq.desc()).limit(1)


def append(session: Session, vault: Vault, fetched: Fetched, source_id: int | None) -> int:
    """Store a capture and its chain entry in the session's transaction; returns its id.

    The unique `prev_hash` column makes a fork impossible: of two concurrent appends on the
    same head, one fails and its whole transaction (sighting included) is retried.
    """
    meta = CaptureMeta(
        request_url=fetched.request_url,
        final_url=fetched.final_url,
        status=fetched.status,
        headers=fetched.headers,
        fetched_at=fetched.fetched_at,
        sha256=fetched.sha256,
        size=len(fetched.raw),
    )
    capture_id: int = session.execute(
        sa.insert(_CAPTURE)
        .values(
            source_id=source_id,
            request_url_enc=vault.seal_text(meta.request_url, REQUEST_URL),
            final_url_enc=vault.seal_text(meta.final_url, FINAL_URL),
            status=meta.status,
            headers_enc=vault.seal_text(json.dumps(meta.headers), HEADERS),
            body_enc=vault.seal(fetched.raw, BODY),
            sha256=meta.sha256,
            size=meta.size,
            fetched_at=meta.fetched_at,
        )
        .returning(_CAPTURE.c.id)
    ).scalar_one()
    _lock_chain(session)
    head = session.execute(_CHAIN_HEAD).first()
    seq = 1 if head is None else head.seq + 1
    prev = evidence.GENESIS if head is None else head.entry_hash
    created_at = utcnow()
    meta_sha = meta.digest()
    session.execute(
        sa.insert(_CHAIN).values(
            seq=seq,
            capture_id=capture_id,
            capture_sha256=meta.sha256,
            meta_sha256=meta_sha,
            prev_hash=prev,
            entry_hash=evidence.entry_hash(
                seq, prev, meta.sha256, meta_sha, created_at.isoformat()
            ),
            created_at=created_at,
        )
    )
    return capture_id


def _lock_chain(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.text("SELECT pg_advisory_xact_lock(:id)"), {"id": CHAIN_LOCK_ID})


def _meta(vault: Vault, capture: Capture) -> CaptureMeta:
    return CaptureMeta(
        request_url=vault.open_text(capture.request_url_enc, REQUEST_URL),
        final_url=vault.open_text(capture.final_url_enc, FINAL_URL),
        status=capture.status,
        headers=tuple(
            (name, value)
            for name, value in json.loads(vault.open_text(capture.headers_enc, HEADERS))
        ),
        fetched_at=capture.fetched_at,
        sha256=capture.sha256,
        size=capture.size,
    )


def read(store: Store, capture_id: int) -> tuple[CaptureMeta, bytes]:
    with Session(store.engine) as session:
        capture = session.get(Capture, capture_id)
        if capture is None:
            raise KeyError(capture_id)
        return _meta(store.vault, capture), store.vault.open(capture.body_enc, BODY)


def link(entry: ChainEntry) -> ChainLink:
    assert entry.seq is not None
    return ChainLink(
        seq=entry.seq,
        capture_id=entry.capture_id,
        capture_sha256=entry.capture_sha256,
        meta_sha256=entry.meta_sha256,
        prev_hash=entry.prev_hash,
        entry_hash=entry.entry_hash,
        created_at=entry.created_at,
    )


def chain(store: Store, from_seq: int = 1) -> list[ChainLink]:
    with Session(store.engine) as session:
        return _chain(session, from_seq)


def _chain(session: Session, from_seq: int = 1) -> list[ChainLink]:
    rows = session.exec(
        select(ChainEntry).where(col(ChainEntry.seq) >= from_seq).order_by(col(ChainEntry.seq))
    ).all()
    return [link(row) for row in rows]


def _captures(session: Session) -> Iterator[Capture]:
    yield from session.exec(select(Capture).order_by(col(Capture.id))).yield_per(200)


@contextlib.contextmanager
def snapshot(store: Store) -> Iterator[Session]:
    """A session whose reads all see one moment of the database, however many statements they
    take, while workers keep appending (REPEATABLE READ on PostgreSQL; on SQLite an explicit
    read transaction, which WAL mode serves from one snapshot)."""
    with store.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection = connection.execution_options(isolation_level="REPEATABLE READ")
        else:
            connection.exec_driver_sql("BEGIN")
        with Session(bind=connection) as session:
            yield session
        connection.rollback()


def verify_store(store: Store) -> StoreVerification:
    """Check every capture against the chain, and the chain itself, from genesis to head, in
    one snapshot (a capture committed meanwhile is simply not part of this check)."""
    with snapshot(store) as session:
        links = _chain(session)
        problems = evidence.check_chain(links)
        by_capture = {entry.capture_id: entry for entry in links}
        seen: set[int] = set()
        for capture in _captures(session):
            assert capture.id is not None
            seen.add(capture.id)
            entry = by_capture.get(capture.id)
            if entry is None:
                problems.append(Problem(f"capture {capture.id}", "has no chain entry (removed?)"))
                continue
            problems += _check_stored(store.vault, entry, capture)
    for entry in links:
        if entry.capture_id not in seen:
            problems += evidence.check_capture(entry, None, None)
    head = links[-1].entry_hash if links else evidence.GENESIS
    return StoreVerification(len(seen), head, len(links), problems)


def _check_stored(vault: Vault, entry: ChainLink, capture: Capture) -> list[Problem]:
    try:
        meta = _meta(vault, capture)
        body = vault.open(capture.body_enc, BODY)
    except Exception as exc:  # a sealed field that no longer opens was altered
        return [Problem(f"capture {capture.id}", f"cannot be decrypted ({type(exc).__name__})")]
    return evidence.check_capture(entry, meta, body)

"""SQL for registered photo hashes, the keep-images choice, and named counters.

One `image_hash` row per registered photo. Its `hash_enc` seals the photo's PDQ hash followed
by the hashes of its edits (32 bytes each), so a copy of the database shows neither the
hashes nor how many edits a photo has; only the count of photos per activist and their
quality scores are in clear. Images themselves are never stored here.

Counters are numbers only (`images_checked`, `images_unmatched`...): images that match
nothing leave no other trace.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, func, select

from monitor import images
from monitor.crypto import Vault
from monitor.errors import NotFound
from monitor.images import HashIndex, HashRecord
from monitor.models import Activist, Counter, ImageHash, utcnow
from monitor.store import Store

HASH_CONTEXT = "image_hash.hash"


@dataclass(frozen=True)
class AddReport:
    """What `add` did with a hashes file: counts only."""

    added: int
    duplicates: int
    low_quality: int
    total: int

    def to_dict(self) -> dict[str, int]:
        return asdict(self)


def add(
    store: Store,
    activist_id: int,
    records: Iterable[HashRecord],
    *,
    min_quality: int = images.MIN_QUALITY,
) -> AddReport:
    """Register photos for an activist in one transaction.

    A photo whose hash is already registered for this activist is skipped, and so is one
    whose quality is below `min_quality` (a flat picture whose hash would match too much).
    """
    added = duplicates = low_quality = 0
    with Session(store.engine) as session:
        activist = _activist(session, activist_id)
        known = {bits[0] for _, bits in _photos(store.vault, session, activist_id)}
        for record in records:
            if record.quality < min_quality:
                low_quality += 1
            elif record.bits in known:
                duplicates += 1
            else:
                known.add(record.bits)
                session.add(_row(store.vault, activist_id, record))
                added += 1
        if added:
            activist.updated_at = utcnow()
        session.commit()
    return AddReport(added, duplicates, low_quality, added + duplicates + low_quality)


def _row(vault: Vault, activist_id: int, record: HashRecord) -> ImageHash:
    packed = b"".join(images.to_bytes(bits) for bits in record.all_bits)
    return ImageHash(
        activist_id=activist_id, hash_enc=vault.seal(packed, HASH_CONTEXT), quality=record.quality
    )


def _photos(
    vault: Vault, session: Session, activist_id: int | None = None
) -> Iterable[tuple[ImageHash, tuple[int, ...]]]:
    """Rows with their hashes opened: the photo's own first, then its edits."""
    query = select(ImageHash).order_by(col(ImageHash.id))
    if activist_id is not None:
        query = query.where(ImageHash.activist_id == activist_id)
    for row in session.exec(query):
        packed = vault.open(row.hash_enc, HASH_CONTEXT)
        size = images.HASH_BYTES
        yield row, tuple(images.as_bits(packed[i : i + size]) for i in range(0, len(packed), size))


def _activist(session: Session, activist_id: int) -> Activist:
    activist = session.get(Activist, activist_id)
    if activist is None:
        raise NotFound(f"No activist with id {activist_id}. `monitor activist list` shows ids.")
    return activist


def count(store: Store, activist_id: int) -> int:
    """How many photos an activist has registered."""
    with Session(store.engine) as session:
        _activist(session, activist_id)
        query = select(func.count()).where(ImageHash.activist_id == activist_id)
        return int(session.exec(query).one())


def counts(store: Store) -> dict[int, int]:
    """Registered photos per activist (activists with none are left out)."""
    with Session(store.engine) as session:
        rows = session.exec(
            select(ImageHash.activist_id, func.count()).group_by(col(ImageHash.activist_id))
        ).all()
        return {activist_id: int(number) for activist_id, number in rows}


def entries(store: Store) -> list[tuple[int, int, int]]:
    """Every registered hash, opened, as `(activist_id, photo id, hash)` for `HashIndex`."""
    with Session(store.engine) as session:
        return [
            (row.activist_id, row.id or 0, bits)
            for row, hashes in _photos(store.vault, session)
            for bits in hashes
        ]


def load_index(store: Store) -> HashIndex:
    """The match index over every activist's registered photos (rebuild on `fingerprint`)."""
    return HashIndex.build(entries(store))


def fingerprint(store: Store) -> tuple[int, int, str]:
    """Changes whenever photos are added or removed: tells a cache to rebuild its index."""
    with Session(store.engine) as session:
        number, last_id, newest = session.exec(
            select(func.count(), func.max(ImageHash.id), func.max(ImageHash.created_at))
        ).one()
        return int(number or 0), int(last_id or 0), str(newest)


def set_keep_images(store: Store, activist_id: int, keep: bool) -> None:
    """Whether a matched image is kept as encrypted evidence (off unless the activist asks)."""
    with Session(store.engine) as session:
        activist = _activist(session, activist_id)
        activist.keep_images = keep
        activist.updated_at = utcnow()
        session.commit()


def keeps_images(store: Store, activist_id: int) -> bool:
    with Session(store.engine) as session:
        return _activist(session, activist_id).keep_images


def increment(session: Session, name: str, by: int = 1) -> None:
    """Add to a named counter inside the caller's transaction (safe with parallel workers)."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(Counter).values(name=name, value=by)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=[col(Counter.name)],
            set_={"value": col(Counter.value) + statement.excluded.value},
        )
    )


def bump(store: Store, **amounts: int) -> None:
    """Add to several counters in one transaction: `bump(store, images_checked=3)`."""
    with Session(store.engine) as session:
        for name, by in amounts.items():
            increment(session, name, by)
        session.commit()


def counters(store: Store) -> dict[str, int]:
    with Session(store.engine) as session:
        return {row.name: row.value for row in session.exec(select(Counter))}

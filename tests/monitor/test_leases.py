"""Source leases: how workers share sources (SQLite and PostgreSQL).

The fault suite (tests/faults) shows the same under kill -9 and restarts; these are the rules
it rests on, checked one at a time."""

from __future__ import annotations

from datetime import timedelta

from monitor.storage import sources as source_store
from monitor.storage.sources import Outcome
from monitor.store import Store

LEASE = timedelta(seconds=30)


def _sources(store: Store, count: int, every: int = 600) -> list[int]:
    return [
        source_store.add(store, source_store.NewSource("feed", f"https://s.example/{n}", every))
        for n in range(count)
    ]


def test_two_workers_never_claim_the_same_source(store: Store) -> None:
    ids = _sources(store, 5)
    first = source_store.claim_due(store, "w1", limit=3, lease=LEASE)
    second = source_store.claim_due(store, "w2", limit=10, lease=LEASE)
    assert {s.id for s in first}.isdisjoint({s.id for s in second})
    assert sorted(s.id for s in first + second) == ids
    assert source_store.claim_due(store, "w3", limit=10, lease=LEASE) == []


def test_an_expired_lease_is_taken_over(store: Store) -> None:
    _sources(store, 2)
    source_store.claim_due(store, "dead", limit=10, lease=timedelta(seconds=-1))
    taken = source_store.claim_due(store, "alive", limit=10, lease=LEASE)
    assert len(taken) == 2


def test_a_worker_that_lost_its_lease_does_not_record_the_outcome(store: Store) -> None:
    (source_id,) = _sources(store, 1)
    source_store.claim_due(store, "slow", limit=1, lease=timedelta(seconds=-1))
    source_store.claim_due(store, "fast", limit=1, lease=LEASE)
    later = lambda now, failures: now + timedelta(seconds=600)  # noqa: E731
    assert source_store.finish_many(store, "slow", [(source_id, Outcome(ok=True), later)]) == 0
    assert source_store.finish_many(store, "fast", [(source_id, Outcome(ok=True), later)]) == 1


def test_seconds_until_due_follows_schedules_and_leases(store: Store) -> None:
    assert source_store.seconds_until_due(store) is None  # nothing to watch
    (source_id,) = _sources(store, 1, every=120)
    assert source_store.seconds_until_due(store) == 0.0  # never checked: due now
    source_store.claim_due(store, "w1", limit=1, lease=LEASE)
    assert 25 < (source_store.seconds_until_due(store) or 0) <= 30  # free when the lease ends
    in_a_minute = lambda now, failures: now + timedelta(seconds=60)  # noqa: E731
    source_store.finish_many(store, "w1", [(source_id, Outcome(ok=True), in_a_minute)])
    assert 55 < (source_store.seconds_until_due(store) or 0) <= 60

"""Hash chain and WARC: pure checks, tables of tampering cases."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from warcio.archiveiterator import ArchiveIterator

from monitor import evidence
from monitor.evidence import CaptureMeta, ChainLink

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _meta(n: int) -> tuple[CaptureMeta, bytes]:
    body = f"<p>capture {n}</p>".encode()
    meta = CaptureMeta(
        request_url=f"https://x.example/{n}",
        final_url=f"https://x.example/{n}/",
        status=200,
        headers=(("Content-Type", "text/html"),),
        fetched_at=T0 + timedelta(minutes=n),
        sha256=evidence.sha256_hex(body),
        size=len(body),
    )
    return meta, body


def _chain(count: int) -> list[ChainLink]:
    links, prev = [], evidence.GENESIS
    for n in range(1, count + 1):
        meta, _ = _meta(n)
        created = T0 + timedelta(minutes=n)
        digest = evidence.entry_hash(n, prev, meta.sha256, meta.digest(), created.isoformat())
        links.append(ChainLink(n, n, meta.sha256, meta.digest(), prev, digest, created))
        prev = digest
    return links


def test_an_intact_chain_has_no_problems() -> None:
    assert evidence.check_chain(_chain(5)) == []


@pytest.mark.parametrize(
    ("tamper", "expected"),
    [
        (lambda c: c[:2] + c[3:], "entries 3..3 are missing"),
        (lambda c: [c[0], replace(c[1], capture_sha256="0" * 64), *c[2:]], "entry hash"),
        (lambda c: [c[0], c[2], c[1], *c[3:]], "does not follow"),
        (lambda c: c[1:], "genesis"),
    ],
)
def test_tampering_is_named(tamper, expected: str) -> None:  # type: ignore[no-untyped-def]
    problems = evidence.check_chain(tamper(_chain(5)))
    assert any(expected in str(p) for p in problems), problems


def test_capture_check_catches_changed_bytes_and_metadata() -> None:
    link = _chain(1)[0]
    meta, body = _meta(1)
    assert evidence.check_capture(link, meta, body) == []
    assert "bytes changed" in str(evidence.check_capture(link, meta, body + b"!")[0])
    moved = replace(meta, final_url="https://elsewhere.example/")
    assert "URL, status" in str(evidence.check_capture(link, moved, body)[0])
    assert "missing" in str(evidence.check_capture(link, None, None)[0])


def test_warc_records_read_back_with_warcio() -> None:
    out = io.BytesIO()
    assert evidence.write_warc([_meta(1), _meta(2)], out) == 2
    out.seek(0)
    records = list(ArchiveIterator(out))
    assert [r.rec_type for r in records] == ["response", "response"]
    first = records[0]
    assert first.rec_headers.get_header("WARC-Target-URI") == "https://x.example/1/"
    assert first.http_headers.get_statuscode() == "200"


def test_warc_payload_matches_the_capture_hash() -> None:
    out = io.BytesIO()
    meta, body = _meta(3)
    evidence.write_warc([(meta, body)], out)
    out.seek(0)
    payloads = [record.content_stream().read() for record in ArchiveIterator(out)]
    assert payloads == [body]
    assert evidence.sha256_hex(body) == meta.sha256

"""Evidence: what makes a capture worth showing to a court.

Each capture is the exact bytes received plus their context (request URL, final URL, status,
headers, time). Its SHA-256 and a digest of its context enter an append-only hash chain: entry
n commits to entry n-1, so editing, deleting or reordering any earlier capture breaks every
later link. The functions here are pure: they compute and check hashes and write WARC records;
`monitor.storage.captures` does the SQL.

The chain proves integrity relative to its head. Anchor the head elsewhere (an export bundle,
a printed report, an RFC 3161 timestamp) to prove that nothing was rewritten wholesale.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from http import HTTPStatus
from typing import BinaryIO

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

GENESIS = "0" * 64


@dataclass(frozen=True)
class CaptureMeta:
    """Everything about a capture except its body, as committed to by the chain."""

    request_url: str
    final_url: str
    status: int
    headers: tuple[tuple[str, str], ...]
    fetched_at: datetime
    sha256: str
    size: int

    def to_dict(self) -> dict[str, object]:
        return {
            "request_url": self.request_url,
            "final_url": self.final_url,
            "status": self.status,
            "headers": [list(pair) for pair in self.headers],
            "fetched_at": self.fetched_at.isoformat(),
            "sha256": self.sha256,
            "size": self.size,
        }

    def digest(self) -> str:
        return sha256_hex(canonical_json(self.to_dict()))


@dataclass(frozen=True)
class ChainLink:
    seq: int
    capture_id: int
    capture_sha256: str
    meta_sha256: str
    prev_hash: str
    entry_hash: str
    created_at: datetime

    def to_dict(self) -> dict[str, object]:
        return {
            "seq": self.seq,
            "capture_id": self.capture_id,
            "capture_sha256": self.capture_sha256,
            "meta_sha256": self.meta_sha256,
            "prev_hash": self.prev_hash,
            "entry_hash": self.entry_hash,
            "created_at": self.created_at.isoformat(),
        }


@dataclass(frozen=True)
class Problem:
    """One integrity failure, naming what is affected so a person can find it."""

    where: str
    what: str

    def __str__(self) -> str:
        return f"{self.where}: {self.what}"


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def canonical_json(value: object) -> bytes:
    """The one serialisation that hashes are computed over (sorted keys, no spaces)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def entry_hash(
    seq: int, prev_hash: str, capture_sha256: str, meta_sha256: str, created_at: str
) -> str:
    """The hash of one chain entry. `created_at` is the ISO 8601 text stored with it."""
    return sha256_hex(f"{seq}\n{prev_hash}\n{capture_sha256}\n{meta_sha256}\n{created_at}".encode())


def link_hash(link: ChainLink) -> str:
    return entry_hash(
        link.seq, link.prev_hash, link.capture_sha256, link.meta_sha256, link.created_at.isoformat()
    )


def check_chain(links: Sequence[ChainLink], *, first_prev: str | None = GENESIS) -> list[Problem]:
    """Check linkage, numbering and every entry hash. `first_prev=None`: a partial chain."""
    problems = []
    previous: ChainLink | None = None
    for link in links:
        where = f"chain entry {link.seq} (capture {link.capture_id})"
        if link_hash(link) != link.entry_hash:
            problems.append(Problem(where, "entry hash does not match its contents"))
        if previous is None:
            if first_prev is not None and (link.prev_hash != first_prev or link.seq != 1):
                problems.append(Problem(where, "the chain does not start at the genesis entry"))
        else:
            if link.seq != previous.seq + 1:
                missing = f"{previous.seq + 1}..{link.seq - 1}"
                problems.append(Problem(where, f"entries {missing} are missing (deleted?)"))
            if link.prev_hash != previous.entry_hash:
                problems.append(Problem(where, f"does not follow entry {previous.seq}"))
        previous = link
    return problems


def check_capture(link: ChainLink, meta: CaptureMeta | None, body: bytes | None) -> list[Problem]:
    """Compare a stored capture with what the chain committed to."""
    where = f"capture {link.capture_id}"
    if meta is None or body is None:
        return [Problem(where, "is in the chain but missing from the store (deleted?)")]
    problems = []
    if sha256_hex(body) != link.capture_sha256 or meta.sha256 != link.capture_sha256:
        problems.append(Problem(where, "its bytes changed since capture (SHA-256 mismatch)"))
    if meta.digest() != link.meta_sha256:
        problems.append(Problem(where, "its URL, status, headers or time changed since capture"))
    return problems


def write_warc(records: Iterable[tuple[CaptureMeta, bytes]], out: BinaryIO) -> int:
    """Write captures as gzipped WARC/1.1 response records that standard tools can read."""
    writer = WARCWriter(out, gzip=True, warc_version="1.1")
    count = 0
    for meta, body in records:
        http_headers = StatusAndHeaders(
            f"{meta.status} {_reason(meta.status)}",
            [(k, v) for k, v in meta.headers if k.lower() != "transfer-encoding"],
            protocol="HTTP/1.1",
        )
        record = writer.create_warc_record(
            meta.final_url,
            "response",
            payload=io.BytesIO(body),
            length=len(body),
            http_headers=http_headers,
            warc_headers_dict={
                "WARC-Date": meta.fetched_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "WARC-Payload-Digest": f"sha256:{meta.sha256}",
                "WARC-Monitor-Request-URI": meta.request_url,
            },
        )
        writer.write_record(record)
        count += 1
    return count


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"

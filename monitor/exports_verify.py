"""`monitor verify BUNDLE.zip`: check a bundle from its own contents alone.

The bundle ships its own verifier (`monitor/bundle/verify.py`, standard library only). This
module runs the same file, manifest and sighting checks but checks the evidence itself, the
hash chain and the captures, with the code the service uses to build them: the chain with
`monitor.evidence`, the WARC records with warcio. So the two verifiers check each other, and
the tests hold them to the same verdicts, word for word.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator

from monitor import evidence
from monitor.bundle import verify as standalone
from monitor.bundle.verify import Bundle, Problem
from monitor.evidence import CaptureMeta, ChainLink

UNREADABLE_TIME = datetime.min.replace(tzinfo=UTC)


def verify_bundle(path: Path) -> dict[str, Any]:
    """The verdict on the bundle at `path` (a ZIP or an extracted folder)."""
    try:
        return standalone.verify(Bundle(path), check_evidence)
    except OSError as exc:
        return standalone.verdict(None, [Problem(path.name, f"cannot be read ({exc})")])
    except Exception as exc:  # zipfile.BadZipFile and friends: say so rather than crash
        return standalone.verdict(None, [Problem(path.name, f"is not a ZIP file ({exc})")])


def check_evidence(
    bundle: Bundle, manifest: dict[str, Any], by_capture: dict[Any, dict[str, Any]]
) -> list[Problem]:
    links = [_link(entry) for entry in manifest["chain"]["entries"]]
    problems = _ours(evidence.check_chain(links, first_prev=None))
    by_id = {link.capture_id: link for link in links}
    for capture in manifest["captures"]:
        problems += check_capture(bundle, capture, by_id.get(capture["id"]))
    return problems


def check_capture(bundle: Bundle, capture: dict[str, Any], link: ChainLink | None) -> list[Problem]:
    where = f"capture {capture['id']}"
    if link is None:
        return [Problem(where, standalone.NOT_COVERED)]
    data = bundle.read(capture["warc"])
    if data is None:
        return [Problem(where, standalone.WARC_MISSING.format(capture["warc"]))]
    try:
        target, payload = warc_response(data)
    except Exception:  # warcio raises many kinds on a damaged file; the verdict is the same
        return [Problem(where, standalone.WARC_UNREADABLE.format(capture["warc"]))]
    problems = _ours(evidence.check_capture(link, _meta(capture), payload))
    return problems + standalone.check_target(where, target, capture)


def warc_response(data: bytes) -> tuple[str, bytes]:
    """Target URI and raw HTTP payload of the first response record, read by warcio."""
    for record in ArchiveIterator(io.BytesIO(data)):
        if record.rec_type == "response":
            target = record.rec_headers.get_header("WARC-Target-URI") or ""
            payload = record.raw_stream.read()
            if getattr(record.raw_stream, "limit", 0):  # warcio reads a cut-off file leniently
                raise ValueError("the record is truncated")
            return target, payload
    raise ValueError("no response record")


def _link(entry: dict[str, Any]) -> ChainLink:
    return ChainLink(
        seq=entry["seq"],
        capture_id=entry["capture_id"],
        capture_sha256=entry["capture_sha256"],
        meta_sha256=entry["meta_sha256"],
        prev_hash=entry["prev_hash"],
        entry_hash=entry["entry_hash"],
        created_at=_time(entry["created_at"]),
    )


def _meta(capture: dict[str, Any]) -> CaptureMeta:
    return CaptureMeta(
        request_url=capture["request_url"],
        final_url=capture["final_url"],
        status=capture["status"],
        headers=tuple((str(name), str(value)) for name, value in capture["headers"]),
        fetched_at=_time(capture["fetched_at"]),
        sha256=capture["sha256"],
        size=capture["size"],
    )


def _time(text: str) -> datetime:
    """An unreadable time cannot match what was hashed: the hash check then names it, in the
    same words as the standalone verifier (which hashes the text as it stands)."""
    try:
        return datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return UNREADABLE_TIME


def _ours(problems: list[evidence.Problem]) -> list[Problem]:
    return [Problem(p.where, p.what) for p in problems]

"""RFC 3161 timestamps of export manifests.

A bundle proves that its captures match the hash chain, but not when the bundle was made: an
operator could rebuild everything later. A timestamp authority (TSA) signs the manifest's
SHA-256 with the time, which anyone can check later without trusting this server. The token is
stored in the bundle as `manifest.json.tsr` (the DER TimeStampResp, as `openssl ts` reads it).

Requests and responses are built and parsed with rfc3161-client; the HTTP exchange goes through
the project's HTTP layer (the TSA's address is the operator's setting, like an alert channel's).
"""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cryptography import x509
from rfc3161_client import (
    HashAlgorithm,
    PKIStatus,
    TimestampRequestBuilder,
    TimeStampResponse,
    VerificationError,
    VerifierBuilder,
    decode_timestamp_response,
)

from monitor.bundle import verify as standalone
from monitor.config import Config
from monitor.errors import UserError
from monitor.net import FetchError, HttpClient

TOKEN = standalone.TIMESTAMP
QUERY_TYPE = "application/timestamp-query"
MAX_TOKEN_BYTES = 1 << 20


@dataclass(frozen=True)
class Stamp:
    """What a token says: when, and (if the TSA names itself) who."""

    time: datetime
    authority: str | None


def stamp(config: Config, data: bytes) -> bytes:
    """A token from the configured TSA over `data`, checked to cover exactly `data`.

    Raises a UserError naming the authority when it cannot be reached or answers wrongly, so
    an export that was asked to carry a timestamp never goes out without one."""
    try:
        return asyncio.run(_stamp(config, data))
    except FetchError as exc:
        raise _unusable(config, exc.message) from exc


async def _stamp(config: Config, data: bytes) -> bytes:
    request = TimestampRequestBuilder(data=data, hash_algorithm=HashAlgorithm.SHA256).build()
    async with HttpClient(config, allow_private=True) as http:
        response = await http.request(
            "POST",
            config.timestamp_url,
            data=request.as_bytes(),
            headers={"Content-Type": QUERY_TYPE},
            max_bytes=MAX_TOKEN_BYTES,
        )
    response.raise_for_status()
    try:
        token = decode_timestamp_response(response.body)
    except ValueError as exc:
        raise _unusable(config, "its answer is not a timestamp response") from exc
    problem = token_problem(token, data, nonce=request.nonce)
    if problem:
        raise _unusable(config, problem)
    return response.body


def token_problem(token: TimeStampResponse, data: bytes, nonce: int | None = None) -> str | None:
    """Why `token` does not timestamp `data` (None when it does; the signature aside)."""
    if token.status not in (PKIStatus.GRANTED, PKIStatus.GRANTED_WITH_MODS):
        return f"it refused the request (status {token.status})"
    imprint = token.tst_info.message_imprint
    if imprint.message != hashlib.sha256(data).digest():
        return "the token covers other data than this manifest"
    if nonce is not None and token.tst_info.nonce != nonce:
        return "the token answers another request (nonce differs)"
    return None


def read(token: bytes) -> Stamp:
    """Time and authority of a token (not checked: see `check_signature`)."""
    info = decode_timestamp_response(token).tst_info
    return Stamp(info.gen_time, str(info.name) if info.name is not None else None)


def check_signature(token: bytes, data: bytes, roots: Path) -> str | None:
    """Why the token's signature does not hold for `data` under the TSA roots in the PEM file
    `roots` (None when it holds): the check a court's expert would make with `openssl ts`."""
    certificates = x509.load_pem_x509_certificates(roots.read_bytes())
    builder = VerifierBuilder()
    for certificate in certificates:
        builder = builder.add_root_certificate(certificate)
    try:
        builder.build().verify_message(decode_timestamp_response(token), data)
    except (VerificationError, ValueError) as exc:
        return f"its signature does not hold ({exc})"
    return None


def _unusable(config: Config, why: str) -> UserError:
    return UserError(
        f"The timestamp authority {config.timestamp_url} could not timestamp the manifest "
        f"({why}); no bundle was written. Try again later, or export with --no-timestamp.",
        code="timestamp_failed",
    )

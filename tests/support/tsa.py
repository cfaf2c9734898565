"""A real RFC 3161 timestamp authority for tests: OpenSSL's `openssl ts -reply` behind a local
HTTP route, with its own CA and a TSA certificate made for the test (cryptography)."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from aiohttp import web
from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID

from tests.support import pki

CONFIG = """\
[ tsa ]
default_tsa = tsa_config
[ tsa_config ]
serial = {serial}
crypto_device = builtin
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = sha256
accuracy = secs:1
ordering = yes
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""


class TimestampAuthority:
    """Answers timestamp queries (POSTed DER) with tokens signed by `openssl ts -reply`."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        ca_key, ca = pki.make_ca("Test TSA Root")
        key, certificate = pki.issue(
            ca_key,
            ca,
            "Test Timestamp Authority",
            [
                (x509.BasicConstraints(ca=False, path_length=None), True),
                (x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), True),
                (x509.KeyUsage(True, False, False, False, False, False, False, False, False), True),
            ],
        )
        self.ca_pem = pki.write_certificate(folder / "ca.pem", ca)
        self.signer = pki.write_certificate(folder / "tsa.pem", certificate)
        self.key = pki.write_key(folder / "tsa.key", key)
        (folder / "serial").write_text("01\n")
        self.config = folder / "openssl.cnf"
        self.config.write_text(CONFIG.format(serial=folder / "serial"))

    async def handle(self, request: web.Request) -> web.Response:
        query = await request.read()
        with tempfile.TemporaryDirectory(dir=self.folder) as scratch:
            queried, replied = Path(scratch) / "query.tsq", Path(scratch) / "reply.tsr"
            queried.write_bytes(query)
            process = await asyncio.create_subprocess_exec(
                *("openssl", "ts", "-reply", "-config", str(self.config)),
                *("-queryfile", str(queried), "-signer", str(self.signer)),
                *("-inkey", str(self.key), "-out", str(replied)),
                stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.PIPE,
            )
            _, errors = await process.communicate()
            if process.returncode != 0:
                return web.Response(status=500, text=errors.decode(errors="replace"))
            reply = replied.read_bytes()
        return web.Response(body=reply, content_type="application/timestamp-reply")

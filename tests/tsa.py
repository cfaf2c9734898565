"""A real RFC 3161 timestamp authority for tests: OpenSSL's `openssl ts -reply` behind a local
HTTP route, with its own CA and a TSA certificate made for the test (cryptography)."""

from __future__ import annotations

import asyncio
import datetime
import tempfile
from pathlib import Path

from aiohttp import web
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

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


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def _pem(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.PEM)


def make_ca(common: str) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(_name(common))
        .issuer_name(_name(common))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    return key, certificate


def make_tsa_certificate(
    ca_key: ec.EllipticCurvePrivateKey, ca: x509.Certificate
) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(_name("Test Timestamp Authority"))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .add_extension(
            x509.KeyUsage(True, False, False, False, False, False, False, False, False),
            critical=True,
        )
        .sign(ca_key, hashes.SHA256())
    )
    return key, certificate


class TimestampAuthority:
    """Answers timestamp queries (POSTed DER) with tokens signed by `openssl ts -reply`."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        ca_key, ca = make_ca("Test TSA Root")
        key, certificate = make_tsa_certificate(ca_key, ca)
        self.ca_pem = folder / "ca.pem"
        self.ca_pem.write_bytes(_pem(ca))
        self.signer = folder / "tsa.pem"
        self.signer.write_bytes(_pem(certificate))
        self.key = folder / "tsa.key"
        self.key.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
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

"""Throwaway certificates for the local servers (TLS for SMTP and IMAP, the timestamp
authority's signing certificate), made with cryptography so clients verify them for real."""

from __future__ import annotations

import datetime
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

Key = ec.EllipticCurvePrivateKey


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def _builder(subject: x509.Name, issuer: x509.Name, key: Key) -> x509.CertificateBuilder:
    now = datetime.datetime.now(datetime.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
    )


def make_ca(common: str) -> tuple[Key, x509.Certificate]:
    """A self-signed CA that may sign certificates."""
    key = ec.generate_private_key(ec.SECP256R1())
    certificate = (
        _builder(_name(common), _name(common), key)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    return key, certificate


def issue(
    ca_key: Key,
    ca: x509.Certificate,
    common: str,
    extensions: list[tuple[x509.ExtensionType, bool]],
) -> tuple[Key, x509.Certificate]:
    """A new key and a certificate for it signed by the CA, with (extension, critical) pairs."""
    key = ec.generate_private_key(ec.SECP256R1())
    builder = _builder(_name(common), ca.subject, key)
    for extension, critical in extensions:
        builder = builder.add_extension(extension, critical=critical)
    return key, builder.sign(ca_key, hashes.SHA256())


def write_certificate(path: Path, certificate: x509.Certificate) -> Path:
    path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return path


def write_key(path: Path, key: Key) -> Path:
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return path

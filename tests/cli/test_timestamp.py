"""RFC 3161 timestamps of export manifests, against a real timestamp authority: OpenSSL's
`openssl ts -reply` behind a local HTTP route, with its own CA and a TSA certificate made for
the test (cryptography)."""

from __future__ import annotations

import asyncio
import subprocess
import tempfile
import zipfile
from pathlib import Path

import pytest
from aiohttp import web as aioweb
from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID

from monitor import config as config_module
from monitor import timestamps
from tests.cli.test_export import Collected, _collect, _export, _files, _rezip, _verdicts
from tests.conftest import Cli, issue, make_ca, write_certificate, write_key
from tests.support.localweb import LocalWeb

ANOTHER_SHA256 = "manifest.json.tsr: does not timestamp this manifest (another SHA-256)"

TSA_CONFIG = """\
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
        ca_key, ca = make_ca("Test TSA Root")
        key, certificate = issue(
            ca_key,
            ca,
            "Test Timestamp Authority",
            [
                (x509.BasicConstraints(ca=False, path_length=None), True),
                (x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), True),
                (x509.KeyUsage(True, False, False, False, False, False, False, False, False), True),
            ],
        )
        self.ca_pem = write_certificate(folder / "ca.pem", ca)
        self.signer = write_certificate(folder / "tsa.pem", certificate)
        self.key = write_key(folder / "tsa.key", key)
        (folder / "serial").write_text("01\n")
        self.config = folder / "openssl.cnf"
        self.config.write_text(TSA_CONFIG.format(serial=folder / "serial"))

    async def handle(self, request: aioweb.Request) -> aioweb.Response:
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
                return aioweb.Response(status=500, text=errors.decode(errors="replace"))
            reply = replied.read_bytes()
        return aioweb.Response(body=reply, content_type="application/timestamp-reply")


@pytest.fixture
def collected(monitor_cli: Cli, web: LocalWeb) -> Collected:
    return _collect(monitor_cli, web)


@pytest.fixture
def tsa(web: LocalWeb, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> TimestampAuthority:
    authority = TimestampAuthority(tmp_path / "tsa")
    monkeypatch.setenv("MONITOR_TIMESTAMP_URL", web.handle("/tsr", authority.handle))
    return authority


def test_a_timestamped_bundle_is_checked_by_both_verifiers_and_openssl(
    collected: Collected, tsa: TimestampAuthority, tmp_path: Path
) -> None:
    bundle = tmp_path / "a.zip"
    summary = _export(collected, bundle, "--activist", str(collected.a))
    assert summary["timestamp"] is not None
    assert "manifest.json.tsr" in _files(bundle)
    assert _verdicts(collected, bundle, tmp_path / "intact") == []

    checked = collected.cli.ok("verify", str(bundle), "--tsa-ca", str(tsa.ca_pem)).stdout
    assert "OK" in checked and "signature valid" in checked
    unchecked = collected.cli.ok("verify", str(bundle)).stdout
    assert "signature not checked (give --tsa-ca to check it)" in unchecked

    folder = tmp_path / "unpacked"
    with zipfile.ZipFile(bundle) as z:
        z.extractall(folder)
    command = ["openssl", "ts", "-verify", "-data", "manifest.json", "-in", "manifest.json.tsr"]
    openssl = subprocess.run(
        [*command, "-CAfile", str(tsa.ca_pem)],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
    )
    assert "Verification: OK" in openssl.stdout, openssl.stderr


def test_a_token_for_other_data_or_from_another_authority_fails(
    collected: Collected, tsa: TimestampAuthority, tmp_path: Path
) -> None:
    bundle = tmp_path / "a.zip"
    _export(collected, bundle, "--activist", str(collected.a))
    config = config_module.load()
    other = timestamps.stamp(config, b"another manifest")

    def swap(files: dict[str, bytes]) -> None:
        files["manifest.json.tsr"] = other

    swapped = _rezip(bundle, tmp_path / "swapped.zip", swap)
    assert _verdicts(collected, swapped, tmp_path / "swapped") == [ANOTHER_SHA256]

    _, stranger = make_ca("Somebody Else's Root")
    wrong_ca = write_certificate(tmp_path / "wrong-ca.pem", stranger)
    result = collected.cli("verify", str(bundle), "--tsa-ca", str(wrong_ca))
    assert result.exit_code == 1
    assert "manifest.json.tsr: its signature does not hold" in result.stdout
    assert "signature invalid" in result.stdout


def test_an_unreachable_authority_writes_no_bundle(
    collected: Collected, web: LocalWeb, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def down(request: aioweb.Request) -> aioweb.Response:
        return aioweb.Response(status=503)

    monkeypatch.setenv("MONITOR_TIMESTAMP_URL", web.handle("/down", down))
    bundle = tmp_path / "a.zip"
    result = collected.cli("export", "--out", str(bundle), "--activist", str(collected.a))
    assert result.exit_code != 0
    assert "could not timestamp the manifest (HTTP 503 Service Unavailable)" in result.output
    assert "--no-timestamp" in result.output
    assert not bundle.exists() and list(tmp_path.glob(".export-*")) == []

    summary = _export(collected, bundle, "--activist", str(collected.a), "--no-timestamp")
    assert summary["timestamp"] is None
    assert "manifest.json.tsr" not in _files(bundle)


def test_a_token_over_other_data_is_refused_at_export(
    web: LocalWeb, tsa: TimestampAuthority
) -> None:
    """An authority that answers for another request (a replay) is not trusted."""
    replay = timestamps.stamp(config_module.load(), b"an old request")

    async def replaying(request: aioweb.Request) -> aioweb.Response:
        return aioweb.Response(body=replay, content_type="application/timestamp-reply")

    config = config_module.load(overrides={"timestamp_url": web.handle("/replay", replaying)})
    with pytest.raises(Exception, match="covers other data than this manifest"):
        timestamps.stamp(config, b"the manifest")

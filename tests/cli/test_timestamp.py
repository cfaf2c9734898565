"""RFC 3161 timestamps of export manifests, against a real timestamp authority (OpenSSL's
`openssl ts -reply` behind a local HTTP route; see tests/support/tsa.py)."""

from __future__ import annotations

import subprocess
import zipfile
from pathlib import Path

import pytest
from aiohttp import web as aioweb

from monitor import config as config_module
from monitor import timestamps
from tests.cli.test_export import Collected, _collect, _export, _files, _rezip, _verdicts
from tests.conftest import Cli
from tests.support.localweb import LocalWeb
from tests.support.pki import make_ca, write_certificate
from tests.support.tsa import TimestampAuthority

ANOTHER_SHA256 = "manifest.json.tsr: does not timestamp this manifest (another SHA-256)"


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

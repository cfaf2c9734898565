"""A real IMAP server for tests: a private Dovecot on 127.0.0.1, plain, STARTTLS or implicit TLS.

Debian's dovecot-imapd is started in the foreground from a config written to a fresh folder:
its own base_dir, state_dir, log file and port, users from a passwd-file there and maildirs
there. Dovecot refuses to run mail processes as root, so when the tests run as root the
mailboxes belong to the `mail` system user; otherwise to the current user, who then also
runs Dovecot's login and internal processes. The folder is made with mkdtemp (not pytest's
tmp_path, whose parents are closed to other users) and opened just enough for that user.

Messages are delivered the way a mail client would: IMAP APPEND, logged in as the user.
TLS uses a throwaway CA (tests.support.smtp.make_tls), so the client verifies the server for real.
"""

from __future__ import annotations

import getpass
import grp
import imaplib
import os
import pwd
import re
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
from pathlib import Path

from tests.support.smtp import free_port, make_tls

DOVECOT = "/usr/sbin/dovecot"
START_SECONDS = 15


class DovecotError(RuntimeError):
    """Dovecot did not start; the message carries the end of its log."""


class ImapServer:
    """Dovecot on 127.0.0.1; `mode` is none (plain IMAP), starttls (required) or tls (IMAPS)."""

    def __init__(self, mode: str = "none", users: dict[str, str] | None = None) -> None:
        if mode not in ("none", "starttls", "tls"):
            raise ValueError(f"unknown mode {mode!r}")
        self.mode = mode
        self.users = users or {"alice": "correct horse battery"}
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="monitor-dovecot-"))
        self.ca_file: Path | None = None
        self.process: subprocess.Popen[bytes] | None = None

    # --- lifecycle --------------------------------------------------------------------------

    def __enter__(self) -> ImapServer:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        uid, gid, login_user = _mail_owner()
        self.folder.chmod(0o711)
        for name in ("mail", "home"):
            (self.folder / name).mkdir()
            os.chown(self.folder / name, uid, gid)
        if self.mode != "none":
            _, self.ca_file = make_tls(self.folder)
        self._write_passwd()
        config = self.folder / "dovecot.conf"
        config.write_text(self._config(uid, gid, login_user), encoding="utf-8")
        log = (self.folder / "stdout.log").open("wb")
        self.process = subprocess.Popen(
            [DOVECOT, "-F", "-c", str(config)], stdout=log, stderr=subprocess.STDOUT
        )
        log.close()
        self._wait_until_listening()

    def stop(self) -> None:
        """Stop this Dovecot (by its own process) and remove its folder."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        shutil.rmtree(self.folder, ignore_errors=True)

    def _wait_until_listening(self) -> None:
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise DovecotError(f"dovecot exited: {self.log()[-2000:]}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as probe:
                    if self.mode == "tls" or probe.recv(100).startswith(b"* OK"):
                        return
            except OSError:
                time.sleep(0.1)
        raise DovecotError(f"dovecot did not listen in {START_SECONDS}s: {self.log()[-2000:]}")

    def log(self) -> str:
        parts = [self.folder / "dovecot.log", self.folder / "stdout.log"]
        return "\n".join(p.read_text(errors="replace") for p in parts if p.exists())

    # --- configuration ----------------------------------------------------------------------

    def _write_passwd(self) -> None:
        lines = []
        for user, password in self.users.items():
            if ":" in user + password or "\n" in user + password:
                raise ValueError("passwd-file entries cannot hold ':' or newlines")
            lines.append(f"{user}:{{PLAIN}}{password}::::::\n")
        passwd = self.folder / "passwd"
        passwd.write_text("".join(lines), encoding="utf-8")
        passwd.chmod(0o644)  # read by Dovecot's auth process, which is not root

    def _config(self, uid: int, gid: int, login_user: str | None) -> str:
        d = self.folder
        ssl_setting = {"none": "no", "starttls": "required", "tls": "yes"}[self.mode]
        imap_port = 0 if self.mode == "tls" else self.port
        imaps_port = self.port if self.mode == "tls" else 0
        lines = [
            "protocols = imap",
            "listen = 127.0.0.1",
            f"base_dir = {d}/run",
            f"state_dir = {d}/state",
            f"log_path = {d}/dovecot.log",
            f"ssl = {ssl_setting}",
            "auth_mechanisms = plain login",
            "auth_failure_delay = 0",
            "disable_plaintext_auth = yes" if self.mode == "starttls" else "",
            f"first_valid_uid = {uid}",
            f"first_valid_gid = {gid}",
            f"mail_location = maildir:{d}/mail/%u",
            "passdb {",
            "  driver = passwd-file",
            f"  args = scheme=PLAIN username_format=%u {d}/passwd",
            "}",
            "userdb {",
            "  driver = static",
            f"  args = uid={uid} gid={gid} home={d}/home/%u",
            "}",
            "service imap-login {",
            f"  inet_listener imap {{\n    address = 127.0.0.1\n    port = {imap_port}\n  }}",
            f"  inet_listener imaps {{\n    address = 127.0.0.1\n    port = {imaps_port}\n"
            "    ssl = yes\n  }",
            "}",
        ]
        if self.mode != "none":
            lines += [f"ssl_cert = <{d}/cert.pem", f"ssl_key = <{d}/key.pem"]
        if login_user is not None:  # not root: everything runs as the current user
            lines += [
                f"default_login_user = {login_user}",
                f"default_internal_user = {login_user}",
                f"default_internal_group = {grp.getgrgid(gid).gr_name}",
                "service anvil {\n  chroot =\n}",
                "service imap-login {\n  chroot =\n}",
            ]
        return "\n".join(line for line in lines if line) + "\n"

    # --- use --------------------------------------------------------------------------------

    def url(self, user: str = "alice", folder: str = "INBOX") -> str:
        """The source TARGET for a user's folder (no password in it)."""
        scheme = "imaps" if self.mode == "tls" else "imap"
        return f"{scheme}://{user}@127.0.0.1:{self.port}/{folder}"

    def client(self, user: str = "alice") -> imaplib.IMAP4:
        """A logged-in imaplib client, as a mail program would connect."""
        context = ssl.create_default_context(cafile=str(self.ca_file)) if self.ca_file else None
        client: imaplib.IMAP4
        if self.mode == "tls":
            client = imaplib.IMAP4_SSL("127.0.0.1", self.port, ssl_context=context, timeout=10)
        else:
            client = imaplib.IMAP4("127.0.0.1", self.port, timeout=10)
            if self.mode == "starttls":
                client.starttls(context)
        client.login(user, self.users[user])
        return client

    def deliver(self, raw: bytes, user: str = "alice", folder: str = "INBOX") -> int:
        """APPEND a message (unread); returns its UID."""
        client = self.client(user)
        try:
            if folder != "INBOX":
                client.create(_quoted(folder))
            status, data = client.append(_quoted(folder), None, None, raw)
            assert status == "OK", data
            found = re.search(rb"APPENDUID \d+ (\d+)", data[-1] or b"")
            assert found, data
            return int(found.group(1))
        finally:
            client.logout()

    def flags(self, uid: int, user: str = "alice", folder: str = "INBOX") -> bytes:
        """A message's flags, read without changing them."""
        client = self.client(user)
        try:
            client.select(_quoted(folder), readonly=True)
            status, data = client.uid("FETCH", str(uid), "(FLAGS)")
            assert status == "OK", data
            return b" ".join(d for d in data if isinstance(d, bytes))
        finally:
            client.logout()


def _quoted(folder: str) -> str:
    """A folder name in IMAP's modified UTF-7, quoted (written apart from the collector's own
    encoder, so a test of one checks the other)."""
    runs = re.split(r"([^\x20-\x7e]+)", folder)
    encoded = "".join(
        run.encode("utf-7").decode().replace("+", "&").replace("/", ",")
        if run and not run.isascii()
        else run.replace("&", "&-")
        for run in runs
    )
    return '"' + encoded.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _mail_owner() -> tuple[int, int, str | None]:
    """(uid, gid) owning the mailboxes, and the login user to configure (None as root)."""
    if os.geteuid() == 0:
        mail = pwd.getpwnam("mail")
        return mail.pw_uid, mail.pw_gid, None
    return os.getuid(), os.getgid(), getpass.getuser()

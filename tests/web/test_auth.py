"""Signing in and staying safe: cookies, CSRF, rate limits, the second factor, expiry."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from monitor.models import AuditEntry, WebSession, utcnow
from monitor.storage import sessions as session_store
from monitor.storage import users as user_store
from monitor.store import Store
from monitor.web import signin, totp
from tests.support.web_seed import PASSWORD, Seeded
from tests.web.helpers import LOGIN, SESSION, WebClient, signed_in


def cookie_header(cookies: dict[str, str]) -> dict[str, str]:
    return {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}


async def test_login_sets_a_locked_down_session_cookie(store: Store, client: WebClient) -> None:
    reply = await client.login("trainer_a", PASSWORD)
    assert reply.status == 303 and reply.location == "/"
    [session_cookie] = [c for c in client.set_cookies if c.startswith(SESSION + "=")]
    flags = {part.strip().lower() for part in session_cookie.split(";")[1:]}
    assert {"httponly", "secure", "samesite=strict", "path=/"} <= flags
    assert not any(f.startswith("domain") for f in flags)
    token = client.cookies[SESSION]
    with Session(store.engine) as session:
        stored = session.exec(select(WebSession.token_lookup)).all()
    assert token not in stored and store.vault.lookup("web-session", token) in stored
    page = await client.get("/incidents")
    assert page.status == 200 and "trainer_a" in page.text
    assert LOGIN not in client.cookies  # the pre-login CSRF cookie is dropped on sign-in


async def test_cookies_lose_secure_only_when_the_setting_says_so(
    store: Store, seeded: Seeded
) -> None:
    from dataclasses import replace

    from aiohttp import DummyCookieJar
    from aiohttp.test_utils import TestClient, TestServer

    from monitor.web.app import create_app

    plain = replace(store, config=replace(store.config, web_secure_cookies=False))
    async with TestClient(TestServer(create_app(plain)), cookie_jar=DummyCookieJar()) as raw:
        web = WebClient(raw)
        assert (await web.login("admin", PASSWORD)).status == 303
        [cookie] = [c for c in web.set_cookies if c.startswith("monitor_session=")]
        assert "secure" not in cookie.lower() and "httponly" in cookie.lower()


async def test_wrong_password_and_unknown_user_look_the_same(client: WebClient) -> None:
    wrong = await client.login("trainer_a", "not the password at all")
    unknown = await client.login("nobody_here", "not the password at all")
    assert wrong.status == unknown.status == 401
    assert "Wrong username or password." in wrong.text and "Wrong username" in unknown.text
    assert SESSION not in client.cookies


async def test_form_post_without_csrf_token_is_refused(
    store: Store, seeded: Seeded, client: WebClient
) -> None:
    cookies, csrf = signed_in(store, seeded.users["trainer_a"])
    headers = cookie_header(cookies)
    target = f"/incidents/{seeded.incident_a}/status"
    for fields in ({}, {"csrf": ""}, {"csrf": csrf[:-1] + ("A" if csrf[-1] != "A" else "B")}):
        reply = await client.post(target, {"status": "confirmed", **fields}, headers=headers)
        assert reply.status == 403 and "did not come from this site" in reply.text
    foreign = await client.post(
        target,
        {"status": "confirmed", "csrf": csrf},
        headers={**headers, "Origin": "https://evil.example"},
    )
    assert foreign.status == 403
    with Session(store.engine) as session:
        from monitor.models import Incident

        assert session.get(Incident, seeded.incident_a).status == "new"
    accepted = await client.post(target, {"status": "confirmed", "csrf": csrf}, headers=headers)
    assert accepted.status == 303


async def test_only_the_sign_in_page_sets_the_login_cookie(client: WebClient) -> None:
    for path in ("/healthz", "/api/openapi.json", "/lang/ru?next=/", "/favicon.ico"):
        await client.get(path)
    assert LOGIN not in client.cookies
    await client.get("/login")
    assert LOGIN in client.cookies


async def test_login_form_needs_its_own_token(client: WebClient) -> None:
    reply = await client.post("/login", {"username": "admin", "password": PASSWORD})
    assert reply.status == 403
    assert SESSION not in client.cookies


async def test_rate_limit_per_account(store: Store, client: WebClient) -> None:
    for _ in range(signin.ACCOUNT_LIMIT):
        assert (await client.login("trainer_b", "wrong password here")).status == 401
    refused = await client.login("trainer_b", PASSWORD)
    assert refused.status == 429 and "Wait 15 minutes" in refused.text
    assert SESSION not in client.cookies
    # Another account from the same client is not locked by this one's failures.
    assert (await client.login("activist_a", PASSWORD)).status == 303
    with Session(store.engine) as session:
        actions = session.exec(select(AuditEntry.action)).all()
    assert "login_rate_limited" in actions and actions.count("login_bad_credentials") == 5


async def test_rate_limit_per_client_address(store: Store, client: WebClient) -> None:
    # Earlier failures from this address against other names (argon2 makes each real try
    # slow, so all but the last are written straight into the attempts table).
    key = session_store.attempt_key(store, "client", "127.0.0.1")
    session_store.record_attempts(store, [key] * (signin.CLIENT_LIMIT - 1))
    assert (await client.login("someone_else", "wrong password here")).status == 401
    assert (await client.login("admin", PASSWORD)).status == 429
    # Behind a local reverse proxy, the forwarded address is the client.
    proxied = await client.login_from("admin", PASSWORD, "203.0.113.9")
    assert proxied.status == 303


async def test_rate_limit_window_passes(store: Store, seeded: Seeded) -> None:
    earlier = utcnow() - signin.WINDOW - timedelta(minutes=1)
    for _ in range(signin.ACCOUNT_LIMIT):
        with pytest.raises(signin.BadCredentials):
            signin.check_password(store, "admin", "wrong password!", "10.0.0.1", earlier)
    with pytest.raises(signin.TooManyAttempts):
        signin.check_password(store, "admin", PASSWORD, "10.0.0.1", earlier)
    assert signin.check_password(store, "admin", PASSWORD, "10.0.0.1", utcnow()).user_id


async def test_totp_second_factor(store: Store, seeded: Seeded, client: WebClient) -> None:
    secret = totp.new_secret()
    user_store.set_totp_secret(store, seeded.users["trainer_a"], secret)
    reply = await client.login("trainer_a", PASSWORD)
    assert reply.status == 303 and reply.location.startswith("/login/totp")
    # Half signed in: nothing but the code page and sign-out.
    assert (await client.get("/incidents")).location == "/login/totp"
    assert (await client.get("/api/me", headers={})).status == 401
    csrf = await client.csrf("/login/totp")
    wrong = await client.post("/login/totp", {"csrf": csrf, "code": "000000"})
    assert wrong.status == 401
    code = totp.code_at(secret, utcnow())
    ok = await client.post("/login/totp", {"csrf": csrf, "code": code})
    assert ok.status == 303
    assert (await client.get("/incidents")).status == 200
    # The same code cannot be used twice.
    again = WebClient(client.client)
    await again.login("trainer_a", PASSWORD)
    csrf = await again.csrf("/login/totp")
    replay = await again.post("/login/totp", {"csrf": csrf, "code": code})
    assert replay.status == 401 and "already used" in replay.text


async def test_totp_guessing_ends_the_half_session(
    store: Store, seeded: Seeded, client: WebClient
) -> None:
    user_store.set_totp_secret(store, seeded.users["admin"], totp.new_secret())
    await client.login("admin", PASSWORD)
    for attempt in range(signin.TOTP_LIMIT):
        csrf = await client.csrf("/login/totp")
        reply = await client.post("/login/totp", {"csrf": csrf, "code": "123456"})
        if attempt < signin.TOTP_LIMIT - 1:
            assert reply.status == 401
    assert reply.status == 303 and reply.location == "/login?reason=too_many"
    assert SESSION not in client.cookies
    assert "Wait 15 minutes" in (await client.get(reply.location)).text
    assert (await client.get("/login/totp")).location == "/login"


async def test_totp_enrolment_from_the_account_page(
    store: Store, seeded: Seeded, client: WebClient
) -> None:
    await client.login("activist_a", PASSWORD)
    page = await client.get("/account")
    assert "otpauth://totp/" in page.text
    secret = page.text.split('name="secret" value="')[1].split('"')[0]
    csrf = await client.csrf("/account")
    bad = await client.post("/account/totp", {"csrf": csrf, "secret": secret, "code": "000000"})
    assert bad.status == 400
    code = totp.code_at(secret, utcnow())
    good = await client.post("/account/totp", {"csrf": csrf, "secret": secret, "code": code})
    assert good.status == 303
    assert user_store.totp_secret(store, seeded.users["activist_a"]) == secret


async def test_sessions_expire(store: Store, seeded: Seeded, client: WebClient) -> None:
    cookies, _ = signed_in(store, seeded.users["admin"])
    headers = cookie_header(cookies)
    assert (await client.get("/audit", headers=headers)).status == 200
    with Session(store.engine) as session:
        for row in session.exec(select(WebSession)).all():
            row.expires_at = utcnow() - timedelta(seconds=1)
            session.add(row)
        session.commit()
    expired = await client.get("/audit", headers=headers)
    assert expired.status == 303 and expired.location.startswith("/login")
    with Session(store.engine) as session:
        assert session.exec(select(WebSession)).all() == []


async def test_session_lifetime_follows_the_setting(store: Store, seeded: Seeded) -> None:
    token, record = session_store.create_session(
        store, seeded.users["admin"], hours=store.config.web_session_hours, second_factor_done=True
    )
    lifetime = record.expires_at - utcnow()
    assert timedelta(hours=store.config.web_session_hours - 1) < lifetime
    assert lifetime <= timedelta(hours=store.config.web_session_hours)
    assert session_store.resolve_session(store, token) is not None
    later = utcnow() + timedelta(hours=store.config.web_session_hours, seconds=1)
    assert session_store.resolve_session(store, token, later) is None


async def test_logout_ends_the_session(store: Store, client: WebClient) -> None:
    await client.login("coalition", PASSWORD)
    token = client.cookies[SESSION]
    csrf = await client.csrf("/dashboard")
    reply = await client.post("/logout", {"csrf": csrf})
    assert reply.status == 303 and reply.location == "/login"
    assert SESSION not in client.cookies
    assert session_store.resolve_session(store, token) is None
    stale = await client.get("/dashboard", headers=cookie_header({SESSION: token}))
    assert stale.status == 303


async def test_password_change_signs_out_other_sessions(
    store: Store, seeded: Seeded, client: WebClient
) -> None:
    other, _ = signed_in(store, seeded.users["trainer_b"])
    await client.login("trainer_b", PASSWORD)
    csrf = await client.csrf("/account")
    new = "an entirely new passphrase"
    reply = await client.post(
        "/account/password", {"csrf": csrf, "current": PASSWORD, "new": new, "repeat": new}
    )
    assert reply.status == 303
    assert (await client.get("/account")).status == 200
    assert (await client.get("/account", headers=cookie_header(other))).status == 303
    assert signin.check_password(store, "trainer_b", new, "127.0.0.2", utcnow()).user_id


async def test_next_only_goes_to_local_paths(client: WebClient) -> None:
    csrf = await client.csrf("/login")
    reply = await client.post(
        "/login",
        {"csrf": csrf, "username": "admin", "password": PASSWORD, "next": "//evil.example/x"},
    )
    assert reply.status == 303 and reply.location == "/dashboard"

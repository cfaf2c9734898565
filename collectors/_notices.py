"""Account-security notices in email: what a message claims, and whether to believe it.

Pure functions over the raw bytes of one message; the rules (services, their domains, the
phrases of each signal in English, Azerbaijani and Russian) are data in `notices.yaml`.

A message is a notice when its subject or body says one of the signals (new sign-in, password,
two-step verification or recovery changed, government-backed attack, SIM change). Then:

1. Who does it claim to come from? The sender's domain (a service's own domain), the sender's
   display name or a look-alike domain (`Google <x@accounts-google.com.example>`), the original
   sender of a hand-forwarded copy, the SMS text of a forwarded SMS, or the service it names.
2. Is the claim true? Only `Authentication-Results` added by the receiving server (the
   topmost ones) are read. DMARC pass, or DKIM pass for the service's domain, verifies it;
   a DMARC, DKIM or SPF failure (without an aligned pass) or a sender domain that is not the
   service's own makes it forged: a lure, raised as `phishing`/`forged_notice`. No result at
   all leaves it `unknown`: still raised, one severity lower.
"""

from __future__ import annotations

import email
import email.policy
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage, Message
from email.utils import parseaddr
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from collectors import _html

RULES_FILE = Path(__file__).with_name("notices.yaml")
SEVERITIES = ("info", "low", "medium", "high", "critical")
FAILING = frozenset({"fail", "softfail", "permerror"})
SCAN_LIMIT = 200_000  # characters of body text searched; notices are short
WINDOW = 150  # characters either side of a body match in which the service is named
AUTH_HEADER = "authentication-results"
# Headers a receiving server writes next to its Authentication-Results.
RECEIVER_TRACE = ("received-spf", "arc-seal", "arc-message-signature", "arc-authentication-results")
_TERM = re.compile(r"<([a-z_]+)>")
_SPACES = re.compile(r"\s+")
_COMMENT = re.compile(r"\([^()]*\)")
_HTML_TAG = re.compile(r"<(?:html|body|div|table|p|br|span|a)\b", re.IGNORECASE)
_FORWARDED_FROM = re.compile(
    r"^[\s>*]*(?:from|от|kimden|gonderen|göndərən|von|de)\s*:\s*\**\s*(.+)$",
    re.IGNORECASE | re.MULTILINE,
)
_EXTRA_FOLD = str.maketrans({"ə": "e", "ı": "i", "ł": "l", "ø": "o", "đ": "d"})
_CONFUSABLE = str.maketrans(
    {
        **dict(zip("аеорсухіјѕкмнтв", "aeopcyxljskmhtb", strict=True)),  # Cyrillic
        **dict(zip("οαεινρκτ", "oaelvpkt", strict=True)),  # Greek
        "0": "o",
        "1": "l",
        "i": "l",
        "|": "l",
        "!": "l",
    }
)


# --- text folding ------------------------------------------------------------------------------


def fold(text: str) -> str:
    """Lower case without accents, dots or invisible characters: `Şifrəniz` -> `sifreniz`.

    Azerbaijani SMS are often typed without ə, ş, ı (GSM alphabets lack them), and Russian
    texts mix ё/е; folding both the text and the patterns makes either spelling match.
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_EXTRA_FOLD))
    return "".join(c for c in decomposed if unicodedata.category(c) not in ("Cf", "Mn"))


def fold_text(text: str) -> str:
    """`fold`, with every run of spaces made one space (line breaks kept as sentence ends)."""
    lines = (_SPACES.sub(" ", line).strip() for line in fold(text).splitlines())
    return "\n".join(line for line in lines if line)


def fold_pattern(pattern: str) -> str:
    """Fold a regular expression's literal characters, leaving escapes (`\\w`, `\\S`) alone."""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        if pattern[i] == "\\":
            out.append(pattern[i : i + 2])
            i += 2
        else:
            out.append(fold(pattern[i]))
            i += 1
    return "".join(out)


def skeleton(text: str) -> str:
    """What a name looks like: `G00gle`, `Gооgle` (Cyrillic o) and `Google` are all `google`,
    with `i`, `1` and `l` made one letter, so a look-alike cannot hide behind a glyph."""
    folded = fold(text).translate(_CONFUSABLE)
    return folded.replace("rn", "m").replace("vv", "w")


def _tokens(text: str) -> list[str]:
    return [t for t in re.split(r"[\W_]+", skeleton(text)) if t]


# --- the rules -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Service:
    """One sender of notices: an online service or a mobile operator."""

    key: str
    label: str
    domains: tuple[str, ...]
    names: tuple[str, ...]
    operator: bool = False

    def owns(self, domain: str) -> bool:
        return any(domain == d or domain.endswith("." + d) for d in self.domains)

    def named_by(self, tokens: list[str]) -> bool:
        """True if these sender tokens (display name or domain labels) claim this service."""
        joined = "".join(tokens)
        for name in self.names:
            wanted = "".join(_tokens(name))
            if wanted in tokens or (len(wanted) >= 6 and wanted in joined):
                return True
        return False


@dataclass(frozen=True)
class SignalRule:
    name: str
    label: str
    severity: str
    patterns: tuple[re.Pattern[str], ...]

    def search(self, folded: str) -> re.Match[str] | None:
        for pattern in self.patterns:
            found = pattern.search(folded)
            if found:
                return found
        return None


@dataclass(frozen=True)
class Rules:
    services: tuple[Service, ...]
    generic_operator: Service
    personal_domains: frozenset[str]
    signals: tuple[SignalRule, ...]
    security_alert: SignalRule
    forged_severity: str
    sms_markers: tuple[re.Pattern[str], ...]
    forward_markers: tuple[re.Pattern[str], ...]
    text_names: tuple[tuple[Service, re.Pattern[str]], ...]

    def owning(self, domain: str) -> list[Service]:
        return [s for s in self.services if domain and s.owns(domain)]

    def named_in_sender(self, text: str) -> Service | None:
        tokens = _tokens(text)
        return next((s for s in self.services if tokens and s.named_by(tokens)), None)

    def named_in_text(self, folded: str, operators_first: bool = False) -> list[Service]:
        """Services a text names, in the order it names them (operators first if asked)."""
        found = sorted(
            ((m.start(), s) for s, p in self.text_names for m in [p.search(folded)] if m),
            key=lambda pair: (operators_first and not pair[1].operator, pair[0]),
        )
        return [service for _, service in found]


@cache
def default_rules() -> Rules:
    return load_rules(yaml.safe_load(RULES_FILE.read_text(encoding="utf-8")))


def load_rules(data: Mapping[str, Any]) -> Rules:
    """Build the rules from their YAML form; a pattern naming an unknown term is an error."""
    terms = {name: _alternation(value) for name, value in data["terms"].items()}

    def compiled(patterns: Iterable[str]) -> tuple[re.Pattern[str], ...]:
        return tuple(re.compile(_expand(fold_pattern(p), terms), re.MULTILINE) for p in patterns)

    def signal(name: str, spec: Mapping[str, Any]) -> SignalRule:
        return SignalRule(
            name, spec["label"], spec.get("severity", "medium"), compiled(spec["patterns"])
        )

    services = tuple(_service(key, spec) for key, spec in data["services"].items())
    generic = data["generic_operator"]
    return Rules(
        services=services,
        generic_operator=Service(generic["key"], generic["label"], (), (), operator=True),
        personal_domains=frozenset(d.lower() for d in data["personal_domains"]),
        signals=tuple(signal(name, spec) for name, spec in data["signals"].items()),
        security_alert=signal("security_alert", data["security_alert"]),
        forged_severity=data["forged_severity"],
        sms_markers=compiled(data["sms_markers"]),
        forward_markers=compiled(data["forward_markers"]),
        text_names=tuple((s, _name_pattern(s)) for s in services),
    )


def _service(key: str, spec: Mapping[str, Any]) -> Service:
    return Service(
        key,
        spec["label"],
        tuple(d.lower() for d in spec["domains"]),
        tuple(spec["names"]),
        bool(spec.get("operator", False)),
    )


def _alternation(value: str | list[str]) -> str:
    if isinstance(value, str):
        return fold_pattern(value)
    return "(?:" + "|".join(fold_pattern(v) for v in value) + ")"


def _expand(pattern: str, terms: Mapping[str, str]) -> str:
    def term(match: re.Match[str]) -> str:
        if match.group(1) not in terms:
            raise ValueError(f"notices.yaml: unknown term <{match.group(1)}> in {pattern!r}")
        return terms[match.group(1)]

    return _TERM.sub(term, pattern)


def _name_pattern(service: Service) -> re.Pattern[str]:
    names = [re.escape(fold(n)) for n in service.names if len(n) >= 3]
    return re.compile(r"\b(?:" + "|".join(names) + r")\b")


# --- reading a message ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AuthResult:
    """One `method=result` of an Authentication-Results header, with the domain it is about."""

    method: str
    result: str
    domain: str

    def __str__(self) -> str:
        return f"{self.method}={self.result}" + (f" ({self.domain})" if self.domain else "")

    @property
    def reason(self) -> str:
        about = f" for {self.domain}" if self.domain else ""
        return f"{self.method.upper()} {self.result}{about}"


@dataclass(frozen=True)
class Authentication:
    """The receiving server's verdicts: its authserv-id and its results (empty: none found)."""

    server: str | None
    results: tuple[AuthResult, ...]

    def summary(self) -> dict[str, Any]:
        return {"server": self.server, "results": [str(r) for r in self.results]}


@dataclass(frozen=True)
class Mail:
    """What recognition needs from a message, decoded."""

    subject: str
    body: str
    scan: str  # the folded body, every text alternative, searched for signals
    sender_name: str
    sender_domain: str
    date: datetime | None
    bulk: bool
    authentication: Authentication


def read_mail(raw: bytes) -> Mail:
    """Decode headers (RFC 2047) and bodies (quoted-printable, base64, HTML) of a message."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    plain, html = _part_text(message, "plain"), _part_text(message, "html")
    if plain and _HTML_TAG.search(plain[:2000]):
        plain, html = "", html or plain
    html_text = _html.page_text(html, "", whole_page=False).text if html else ""
    body = plain if len(plain) * 4 >= len(html_text) else html_text
    name, domain = _sender(message)
    return Mail(
        subject=_header(message, "Subject"),
        body=body,
        scan=fold_text(f"{plain}\n{html_text}"[:SCAN_LIMIT]),
        sender_name=name,
        sender_domain=domain,
        date=_date(message),
        bulk=any(message.get(h) for h in ("List-Id", "List-Unsubscribe"))
        or _header(message, "Precedence").lower() in ("bulk", "list"),
        authentication=authentication(list(message.items())),
    )


def _header(message: Message, name: str) -> str:
    try:
        value = message.get(name)
    except (ValueError, IndexError, TypeError, AttributeError):  # a malformed header
        return ""
    return " ".join(str(value).split()) if value is not None else ""


def _part_text(message: EmailMessage, subtype: str) -> str:
    try:
        part = message.get_body((subtype,))
    except (KeyError, ValueError, AttributeError):
        part = None
    if part is None or part.get_content_type() != f"text/{subtype}":
        return ""
    try:
        content = part.get_content()
    except (LookupError, ValueError, AssertionError, UnicodeError):
        payload = part.get_payload(decode=True)
        content = payload if isinstance(payload, bytes) else b""
    if isinstance(content, bytes):
        content = content.decode("utf-8", "replace")
    return str(content)


def _sender(message: Message) -> tuple[str, str]:
    """The From header's display name and domain (lower case), or empty strings.

    The address is the last `<...@...>` when there is one: a display name with a bare comma
    (`Facebook ,_<x@example.net>`) must not split the header into two addresses.
    """
    value = _header(message, "From")
    bracketed = re.findall(r"<([^<>]*@[^<>]*)>", value)
    if bracketed:
        name = value[: value.rfind("<")].strip().strip('"').strip()
        address = bracketed[-1]
    else:
        name, address = parseaddr(value)
    return name.strip(), address.rpartition("@")[2].strip().strip(".").lower()


def _date(message: Message) -> datetime | None:
    try:
        value = message.get("Date")
        return getattr(value, "datetime", None) if value is not None else None
    except (ValueError, IndexError, TypeError, AttributeError):
        return None


# --- Authentication-Results ----------------------------------------------------------------------


def authentication(headers: list[tuple[str, Any]]) -> Authentication:
    """The topmost Authentication-Results header and those right after it with the same
    authserv-id: what the receiving server found. Lower ones may have been written by anyone
    along the way, including the sender, so they are not read."""
    server: str | None = None
    results: list[AuthResult] = []
    started = False
    for name, value in headers:
        lowered = name.lower()
        if lowered != AUTH_HEADER:
            if started and lowered not in RECEIVER_TRACE:
                break
            continue
        this_server, these = parse_authentication_results(str(value))
        if started and this_server != server:
            break
        server, started = this_server, True
        results += these
    return Authentication(server, tuple(results))


def parse_authentication_results(value: str) -> tuple[str | None, list[AuthResult]]:
    """(authserv-id, results) of one header value (RFC 8601; also Microsoft's form, which
    leaves out the authserv-id)."""
    text = value
    while True:  # comments may nest
        stripped = _COMMENT.sub(" ", text)
        if stripped == text:
            break
        text = stripped
    parts = [p.split() for p in text.split(";")]
    server = None
    if parts and parts[0] and "=" not in parts[0][0]:
        server = parts[0][0].lower()
        parts = parts[1:]
    results = [_result(tokens) for tokens in parts if tokens and "=" in tokens[0]]
    return server, results


def _result(tokens: list[str]) -> AuthResult:
    method, _, result = tokens[0].partition("=")
    properties = {
        key.lower(): value.strip('"').lower()
        for token in tokens[1:]
        for key, _, value in [token.partition("=")]
        if value
    }
    method = method.lower().split("/")[0]
    about = {
        "dkim": ("header.d", "header.i"),
        "spf": ("smtp.mailfrom", "smtp.helo"),
        "dmarc": ("header.from",),
    }.get(method, ())
    domain = next((properties[k] for k in about if properties.get(k)), "")
    domain = domain.rpartition("@")[2].strip(".")
    return AuthResult(method, result.lower(), "" if domain == "none" else domain)


@dataclass(frozen=True)
class Verdict:
    verified: str  # pass, fail or unknown
    reasons: tuple[str, ...]


def judge(auth: Authentication, from_domain: str, family: Iterable[str]) -> Verdict:
    """Whether the receiving server's results vouch for a sender of `from_domain`.

    `family` are the domains that count as the sender's own (the service's domains). DMARC
    decides when present; otherwise an aligned DKIM pass verifies, a DKIM or SPF failure
    forges, and an aligned SPF pass verifies. An SPF failure beside an aligned DKIM pass is
    what forwarding does, so it does not forge.
    """
    if not auth.results:
        return Verdict("unknown", ("no Authentication-Results from the receiving server",))
    own = (from_domain, *family)

    def aligned(result: AuthResult) -> bool:
        domain = result.domain or (from_domain if result.method == "dmarc" else "")
        return bool(domain) and any(
            domain == d or domain.endswith("." + d) or d.endswith("." + domain) for d in own if d
        )

    def having(method: str, outcome: str) -> list[AuthResult]:
        wanted = FAILING if outcome == "fail" else {outcome}
        return [r for r in auth.results if r.method == method and r.result in wanted]

    if having("dmarc", "fail"):
        return Verdict("fail", tuple(r.reason for r in having("dmarc", "fail")))
    for method in ("dmarc", "dkim"):
        passed = [r for r in having(method, "pass") if aligned(r)]
        if passed:
            return Verdict("pass", (passed[0].reason,))
    failed = having("dkim", "fail") + having("spf", "fail")
    if failed:
        return Verdict("fail", tuple(r.reason for r in failed))
    passed = [r for r in having("spf", "pass") if aligned(r)]
    if passed:
        return Verdict("pass", (passed[0].reason,))
    return Verdict("unknown", ("no result vouches for the sender's domain",))


# --- recognition ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    """The signal a message says, and the text around it (where the service is named)."""

    rule: SignalRule
    window: str


def detect_signal(mail: Mail, rules: Rules) -> Hit | None:
    """The most severe signal in the subject, else in the body; generic alerts last."""
    subject = fold_text(mail.subject)
    for text in (subject, mail.scan):
        for rule in rules.signals:
            found = rule.search(text)
            if found:
                return Hit(rule, _window(text, found, subject))
    for text in (subject, mail.scan):
        found = rules.security_alert.search(text)
        if found:
            return Hit(rules.security_alert, _window(text, found, subject))
    return None


def _window(text: str, found: re.Match[str], subject: str) -> str:
    start, end = max(0, found.start() - WINDOW), found.end() + WINDOW
    return f"{subject}\n{text[start:end]}"


@dataclass(frozen=True)
class Claim:
    """Which service a message claims to come from, how we know, and what is to be judged."""

    service: Service
    how: str  # sender_domain, sender_name, lookalike_domain, forwarded_copy, sms_forward,
    #           message_text
    domain: str
    genuine_sender: bool


def claim_service(
    mail: Mail, hit: Hit, rules: Rules, own_domains: Iterable[str] = ()
) -> Claim | None:
    """Who the message says it is from; None when it is no service we know."""
    domain = mail.sender_domain
    personal = domain in rules.personal_domains or domain in set(own_domains)
    by_name = rules.named_in_sender(mail.sender_name)
    owners = rules.owning(domain)
    if (
        owners
        and (not personal or by_name in owners)
        and not _operator_sms(mail, hit, rules, owners)
    ):
        return Claim(_pick(owners, by_name, hit, rules), "sender_domain", domain, True)
    if not personal and not owners:
        if by_name is not None:
            return Claim(by_name, "sender_name", domain, False)
        lookalike = rules.named_in_sender(domain)
        if lookalike is not None:
            return Claim(lookalike, "lookalike_domain", domain, False)
    return _relayed_claim(mail, hit, rules, by_name if personal else None)


def _relayed_claim(mail: Mail, hit: Hit, rules: Rules, by_name: Service | None) -> Claim | None:
    """Claims of a message a person sent: a forwarded copy, a forwarded SMS, or a text."""
    forwarded = _forwarded_claim(mail, rules)
    if forwarded is not None:
        return forwarded
    sms = _sms_service(mail, hit, rules)
    if sms is not None:
        return Claim(sms, "sms_forward", mail.sender_domain, True)
    if by_name is not None:
        return Claim(by_name, "sender_name", mail.sender_domain, False)
    named = rules.named_in_text(hit.window)
    if named and not mail.bulk:
        return Claim(named[0], "message_text", mail.sender_domain, False)
    return None


def _sms_service(mail: Mail, hit: Hit, rules: Rules) -> Service | None:
    """The sender of a forwarded SMS. A SIM notice naming an operator is one (operators send
    those by SMS); otherwise the message must say it carries an SMS, so that a friend writing
    about their new SIM card is not taken for an operator."""
    text = fold_text(f"{mail.subject}\n{mail.body}")
    sms = _matches(rules.sms_markers, text[:2000])
    if hit.rule.name == "sim_change":
        operators = [s for s in rules.named_in_text(text, True) if s.operator]
        return operators[0] if operators else (rules.generic_operator if sms else None)
    named = rules.named_in_text(text) if sms else []
    return named[0] if named else None


def _operator_sms(mail: Mail, hit: Hit, rules: Rules, owners: list[Service]) -> bool:
    """A SIM-change SMS naming an operator but forwarded from an address at some service."""
    if hit.rule.name != "sim_change":
        return False
    named = rules.named_in_text(fold_text(f"{mail.subject}\n{mail.body}"), True)
    return bool(named) and named[0].operator and named[0] not in owners


def _forwarded_claim(mail: Mail, rules: Rules) -> Claim | None:
    if not _matches(rules.forward_markers, fold_text(f"{mail.subject}\n{mail.body}")):
        return None
    found = _FORWARDED_FROM.search(mail.body)
    if found is None:
        return None
    name, address = parseaddr(found.group(1).strip())
    domain = address.rpartition("@")[2].strip(".").lower()
    owners = rules.owning(domain)
    if owners:
        return Claim(owners[0], "forwarded_copy", domain, True)
    claimed = rules.named_in_sender(name) or rules.named_in_sender(domain)
    return Claim(claimed, "forwarded_copy", domain, False) if claimed else None


def _pick(owners: list[Service], by_name: Service | None, hit: Hit, rules: Rules) -> Service:
    """Of services sharing a domain (Meta's), the one the sender or the notice names."""
    if by_name is not None and by_name in owners:
        return by_name
    named = [s for s in rules.named_in_text(hit.window) if s in owners]
    return named[0] if named else owners[0]


def _matches(patterns: Iterable[re.Pattern[str]], text: str) -> bool:
    return any(p.search(text) for p in patterns)


# --- the verdict --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Notice:
    """A recognised notice: what to raise (kind, signal, severity) and the evidence why."""

    service: Service
    kind: str  # account_takeover or phishing
    signal: str  # the item's signal: the notice's, or forged_notice
    claimed: SignalRule  # what the message says happened
    severity: str
    verdict: Verdict
    how: str
    from_domain: str
    mail: Mail

    @property
    def forged(self) -> bool:
        return self.kind == "phishing"

    @property
    def title(self) -> str:
        if self.forged:
            return f"{self.service.label}: forged notice ({self.claimed.label})"
        return f"{self.service.label}: {self.claimed.label}"

    @property
    def text(self) -> str:
        return f"{self.mail.subject}\n\n{self.mail.body}".strip()

    def evidence(self) -> dict[str, Any]:
        """Why we decided as we did; never the message body."""
        found: dict[str, Any] = {
            "service": self.service.key,
            "signal": self.signal,
            "verified": self.verdict.verified,
            "reasons": list(self.verdict.reasons),
            "sender": self.how,
            "from_domain": self.from_domain,
            "authentication": self.mail.authentication.summary(),
            "date": self.mail.date.isoformat() if self.mail.date else None,
        }
        if self.forged:
            found["claimed_signal"] = self.claimed.name
        return found


def recognise(
    raw: bytes, rules: Rules | None = None, own_domains: Iterable[str] = ()
) -> Notice | None:
    """The notice in a raw RFC 822 message, or None if it is not one (or not worth raising).

    `own_domains` are the activist's own mail domains: a sender there is them, not a service.
    """
    rules = rules or default_rules()
    mail = read_mail(raw)
    hit = detect_signal(mail, rules)
    if hit is None:
        return None
    claim = claim_service(mail, hit, rules, own_domains)
    if claim is None:
        return None
    verdict = verify(mail, claim)
    forged = verdict.verified == "fail"
    if not forged and hit.rule is rules.security_alert:
        return None  # a genuine alert of a kind we have no signal for
    return Notice(
        service=claim.service,
        kind="phishing" if forged else "account_takeover",
        signal="forged_notice" if forged else hit.rule.name,
        claimed=hit.rule,
        severity=rules.forged_severity if forged else _severity(hit.rule, verdict),
        verdict=verdict,
        how=claim.how,
        from_domain=mail.sender_domain,
        mail=mail,
    )


def verify(mail: Mail, claim: Claim) -> Verdict:
    """The verdict on a claim: authentication for the service's domain, or why it is forged."""
    label, domain = claim.service.label, claim.domain or "(none)"
    if not claim.genuine_sender:
        where = {"forwarded_copy": "the forwarded message's sender domain"}.get(
            claim.how, "the sender domain"
        )
        return Verdict(
            "fail",
            (f"{where} {domain} is not one of {label}'s domains", *_other_results(mail)),
        )
    if claim.how == "forwarded_copy":
        return Verdict(
            "unknown",
            ("a copy forwarded by hand cannot be authenticated; forward with a rule instead",),
        )
    if claim.how == "sms_forward":
        outer = judge(mail.authentication, mail.sender_domain, ())
        note = "an SMS cannot be authenticated; this is the verdict on the forwarding email"
        return Verdict(outer.verified, (*outer.reasons, note))
    return judge(mail.authentication, mail.sender_domain, claim.service.domains)


def _other_results(mail: Mail) -> tuple[str, ...]:
    results = mail.authentication.results
    if not results:
        return ()
    return ("the receiving server's results are about the sender, not the service: "
            + ", ".join(str(r) for r in results),)  # fmt: skip


def _severity(rule: SignalRule, verdict: Verdict) -> str:
    """The signal's severity, one lower when no authentication result vouches for it."""
    if verdict.verified == "pass":
        return rule.severity
    return SEVERITIES[max(0, SEVERITIES.index(rule.severity) - 1)]

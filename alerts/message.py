"""The text of an alert, in the reader's language: minimal, neutral, actionable.

Pure functions. An alert says what kind of incident, how severe, where to look and what to do
(the playbook). It never names the activist and never quotes the smear, the leak or any
captured content: phones are read over shoulders and lock screens show notifications.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from monitor.registry import AlertMessage

KIND_LABELS = {
    "en": {
        "account_takeover": "account takeover",
        "phishing": "phishing",
        "breach": "data breach",
        "smear": "smear campaign",
        "leak": "leak of private material",
        "impersonation": "impersonation",
        "doxxing": "personal details published",
        "threat": "threat or blackmail",
        "mention": "mention",
    },
    "az": {
        "account_takeover": "hesabın ələ keçirilməsi",
        "phishing": "fişinq",
        "breach": "məlumat sızması",
        "smear": "qaralama kampaniyası",
        "leak": "şəxsi materialların yayılması",
        "impersonation": "sizi təqlid edən hesab",
        "doxxing": "şəxsi məlumatların ifşası",
        "threat": "hədə və ya şantaj",
        "mention": "qeyd",
    },
    "ru": {
        "account_takeover": "захват аккаунта",
        "phishing": "фишинг",
        "breach": "утечка данных",
        "smear": "кампания очернения",
        "leak": "утечка личных материалов",
        "impersonation": "выдача себя за вас",
        "doxxing": "публикация личных данных",
        "threat": "угрозы или шантаж",
        "mention": "упоминание",
    },
}
SEVERITY_LABELS = {
    "en": {s: s for s in ("info", "low", "medium", "high", "critical")},
    "az": {
        "info": "məlumat",
        "low": "aşağı",
        "medium": "orta",
        "high": "yüksək",
        "critical": "kritik",
    },
    "ru": {
        "info": "информация",
        "low": "низкая",
        "medium": "средняя",
        "high": "высокая",
        "critical": "критическая",
    },
}
TEMPLATES = {
    "en": {
        "new": "New {kind} incident #{id}, severity {severity}.",
        "escalated": "Incident #{id} ({kind}) is spreading: severity is now {severity}.",
        "test": "Test alert: this channel works.",
        "incident": "Details: {url}",
        "playbook": "What to do: {title} {url}",
        "digest": "{count} alert(s) while you were not disturbed:",
    },
    "az": {
        "new": "Yeni insident #{id}: {kind}, ciddilik: {severity}.",
        "escalated": "İnsident #{id} ({kind}) yayılır: ciddilik indi {severity}.",
        "test": "Sınaq bildirişi: bu kanal işləyir.",
        "incident": "Ətraflı: {url}",
        "playbook": "Nə etməli: {title} {url}",
        "digest": "Narahat edilmədiyiniz müddətdə {count} bildiriş:",
    },
    "ru": {
        "new": "Новый инцидент #{id}: {kind}, серьёзность: {severity}.",
        "escalated": "Инцидент #{id} ({kind}) распространяется: серьёзность теперь {severity}.",
        "test": "Тестовое оповещение: канал работает.",
        "incident": "Подробнее: {url}",
        "playbook": "Что делать: {title} {url}",
        "digest": "Оповещений за время тишины: {count}:",
    },
}
LANGUAGES = tuple(TEMPLATES)


@dataclass(frozen=True)
class AlertFacts:
    """Everything an alert may say, and nothing more."""

    key: str
    kind: str
    severity: str
    reason: str
    incident_id: int | None
    created_at: datetime
    playbook_id: str | None = None
    playbook_title: str | None = None


def language(lang: str) -> str:
    return lang if lang in TEMPLATES else "en"


def build(facts: AlertFacts, lang: str, base_url: str) -> AlertMessage:
    lang = language(lang)
    words = TEMPLATES[lang]
    kind = KIND_LABELS[lang].get(facts.kind, facts.kind)
    severity = SEVERITY_LABELS[lang].get(facts.severity, facts.severity)
    subject = words.get(facts.reason, words["new"]).format(
        id=facts.incident_id, kind=kind, severity=severity
    )
    incident_url = f"{base_url.rstrip('/')}/incidents/{facts.incident_id}"
    playbook_url = (
        f"{base_url.rstrip('/')}/playbooks/{facts.playbook_id}?lang={lang}"
        if facts.playbook_id
        else None
    )
    lines = [subject, words["incident"].format(url=incident_url)]
    if facts.playbook_title and playbook_url:
        lines.append(words["playbook"].format(title=facts.playbook_title, url=playbook_url))
    return AlertMessage(
        key=facts.key,
        lang=lang,
        subject=subject,
        text="\n".join(lines),
        kind=facts.kind,
        severity=facts.severity,
        reason=facts.reason,
        incident_url=incident_url,
        created_at=facts.created_at,
        incident_id=facts.incident_id,
        playbook_title=facts.playbook_title,
        playbook_url=playbook_url,
    )


def digest(key: str, messages: Sequence[AlertMessage], lang: str) -> AlertMessage:
    """One message for the alerts held during quiet hours, most severe first."""
    lang = language(lang)
    ordered = sorted(messages, key=lambda m: _RANK.get(m.severity, 0), reverse=True)
    top = ordered[0]
    heading = TEMPLATES[lang]["digest"].format(count=len(ordered))
    lines = [heading, *(f"- {m.subject} {m.incident_url}" for m in ordered)]
    return AlertMessage(
        key=key,
        lang=lang,
        subject=heading,
        text="\n".join(lines),
        kind=top.kind,
        severity=top.severity,
        reason="digest",
        incident_url=top.incident_url,
        created_at=max(m.created_at for m in ordered),
        incident_id=None,
        playbook_title=top.playbook_title,
        playbook_url=top.playbook_url,
    )


_RANK = {"info": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}

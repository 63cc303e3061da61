"""Keeps secrets out of logs and messages: every registered secret is masked."""

from __future__ import annotations

import logging

_SECRETS: set[str] = set()
MASK = "sk-***"


def register(secret: str | None) -> None:
    """Remember a secret (an API key) so that no log line or message shows it."""
    if secret and len(secret) >= 4:
        _SECRETS.add(secret)


def redact(text: str) -> str:
    for secret in _SECRETS:
        if secret in text:
            text = text.replace(secret, MASK)
    return text


class RedactingFilter(logging.Filter):
    """A logging filter that masks registered secrets in every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if _SECRETS:
            message = record.getMessage()
            clean = redact(message)
            if clean != message:
                record.msg, record.args = clean, None
        return True

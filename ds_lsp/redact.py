"""Keeps secrets out of every log line and message.

Two nets, so that a key is masked even before anything registered it:
- registered secrets: every key the server was given (environment, `initializationOptions`,
  `workspace/configuration`, `didChangeConfiguration`, the TCP token), registered from the
  raw message before pygls or any log line sees it (`register_from`);
- shapes: `Bearer <token>`, `sk-...` keys, and the value of any field named like a secret
  (`apiKey`, `openaiFimApiKey`, `token`, `password`, ...) in JSON or Python reprs.

`RedactingFormatter` applies both to the whole formatted record, tracebacks included, and
then masks secrets held in text (ds_lsp/masking.py) as prompts do.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

_SECRETS: set[str] = set()
MAX_REGISTERED = 1000
MASK = "sk-***"

# a settings key that holds a secret: apiKey, llamaCppApiKey, api_key, token, password ...
_SECRET_NAME = re.compile(r"(?i)(?:api_?key|token|secret|passw(?:or)?d)$")
_SHAPES = (
    (re.compile(r"(?i)\b(bearer)\s+[A-Za-z0-9._~+/=-]{6,}"), r"\1 ***"),
    (re.compile(r"\bsk-[A-Za-z0-9_-]{8,}"), MASK),
    # a password in a URL: scheme://user:password@host
    (re.compile(r"(?i)\b([a-z][a-z0-9+.-]{1,20}://[^/\s:@]{1,200}):[^/\s@]{1,500}@"), r"\1:***@"),
    (
        # "apiKey": "v", 'token': 'v', api_key='v' (also cut off before the closing quote)
        re.compile(
            r"""(?ix)
            (?P<name>["']?\b[A-Za-z_]{0,40}(?:api_?key|token|secret|passw(?:or)?d)["']?
            \s*[:=]\s*)
            (?P<quote>["'])(?P<value>[^"'\\]{1,500})"""
        ),
        r"\g<name>\g<quote>***",
    ),
)
_WALK_LIMIT = 10_000  # containers looked at per message: settings are small


def register(secret: str | None) -> None:
    """Remember a secret (an API key) so that no log line or message shows it. At most
    MAX_REGISTERED: the first are the user's own (environment, initializationOptions); a
    workspace flooding secret-named keys cannot grow the set, or the cost of every line."""
    if isinstance(secret, str) and len(secret.strip()) >= 4 and len(_SECRETS) < MAX_REGISTERED:
        _SECRETS.add(secret)
        if secret.strip() != secret:
            _SECRETS.add(secret.strip())
        quoted = json.dumps(secret)[1:-1]  # as a JSON log line writes it (`"` and `\` escaped)
        if quoted != secret:
            _SECRETS.add(quoted)


def registered() -> tuple[str, ...]:
    """The secrets registered so far (the keys ds-lsp holds), longest first."""
    return tuple(sorted(_SECRETS, key=len, reverse=True))


def is_secret_name(name: str) -> bool:
    """Whether a settings key names a secret (apiKey, codestralApiKey, token, ...)."""
    return bool(_SECRET_NAME.search(name))


def register_from(data: Any) -> None:
    """Register the string value of every secret-named key in a JSON value (any depth)."""
    todo, seen = [data], 0
    while todo and seen < _WALK_LIMIT:
        item = todo.pop()
        seen += 1
        if isinstance(item, dict):
            for key, value in item.items():
                if isinstance(value, str) and isinstance(key, str) and is_secret_name(key):
                    register(value)
                elif isinstance(value, (dict, list)):
                    todo.append(value)
        elif isinstance(item, list):
            todo.extend(v for v in item if isinstance(v, (dict, list)))


def redact(text: str) -> str:
    """`text` with every registered secret and every secret-shaped string masked."""
    for secret in _SECRETS:
        if secret in text:
            text = text.replace(secret, MASK)
    for pattern, mask in _SHAPES:
        text = pattern.sub(mask, text)
    return text


class RedactingFormatter(logging.Formatter):
    """A formatter whose output (message, arguments, traceback) never holds a secret: keys
    as above, and the secrets a document holds, masked as in prompts (a DEBUG log, which
    holds the documents, is often pasted into a bug report)."""

    def format(self, record: logging.LogRecord) -> str:
        from ds_lsp import masking  # masking imports this module

        return masking.mask(redact(super().format(record)))[0]

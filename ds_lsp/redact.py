"""Keeps secrets out of every log line and message.

Two nets, so that a key is masked even before anything registered it:
- registered secrets: every key the server was given (environment, `initializationOptions`,
  `workspace/configuration`, `didChangeConfiguration`, the TCP token), registered from the
  raw message before pygls or any log line sees it (`register_from`);
- shapes: `Bearer <token>`, `sk-...` keys, and the value of any field named like a secret
  (`apiKey`, `openaiFimApiKey`, `token`, `password`, ...) in JSON or Python reprs.

masking.py's `RedactingFormatter` applies this to the whole formatted record, tracebacks
included, and then masks secrets held in text as prompts do.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ds_lsp.config import FIELDS

KEY_SETTINGS = frozenset(k for k, f in FIELDS.items() if f.metadata["role"] == "key")

# registered secrets; the first are the user's own (environment, initializationOptions) and
# are kept: later ones beyond the bound are not registered, so nothing can push them out
MAX_SECRETS = 256
_SECRETS: dict[str, None] = {}  # insertion-ordered: a bounded set
MASK = "sk-***"

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
    MAX_SECRETS: a workspace pushing key after key can neither grow the set (nor the cost of
    every line) nor push the user's own keys, registered first, out of it."""
    if not isinstance(secret, str) or len(secret.strip()) < 4:
        return
    quoted = json.dumps(secret)[1:-1]  # as a JSON log line writes it (`"` and `\` escaped)
    for form in dict.fromkeys((secret, secret.strip(), quoted)):
        if len(_SECRETS) < MAX_SECRETS:
            _SECRETS[form] = None


def registered() -> tuple[str, ...]:
    """The secrets registered so far (the keys ds-lsp holds), longest first."""
    return tuple(sorted(_SECRETS, key=len, reverse=True))


def register_from(data: Any) -> None:
    """Register the string value of every key setting (`apiKey`, `*ApiKey`: the settings
    table's key fields, nothing a workspace names like a secret) in a JSON value (any depth)."""
    todo, seen = [data], 0
    while todo and seen < _WALK_LIMIT:
        item = todo.pop()
        seen += 1
        if isinstance(item, dict):
            for key, value in item.items():
                if isinstance(value, str) and key in KEY_SETTINGS:
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

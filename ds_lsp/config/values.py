"""Value parsing: a raw setting (JSON from the editor, a string from the environment) becomes
a typed value of its field or a ValueError; URLs are normalized and checked here, and a value
is shown (in a message) without its secrets or its bulk."""

from __future__ import annotations

import dataclasses
import ipaddress
import json
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from ds_lsp.config.settings import BOUNDS, DEEPSEEK_HOSTS, choices, field_default

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")


def is_loopback(url: str) -> bool:
    """Whether a URL's host is this machine: `localhost` or a loopback address (a name that
    merely starts with `127.` is not)."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return False
    if host in LOOPBACK_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def normalize_base_url(url: str) -> str:
    """Strip trailing slashes; a DeepSeek host gets /beta (in place of OpenAI-style /v1)."""
    url = url.strip().rstrip("/")
    parts = urlsplit(url)
    path = parts.path.rstrip("/")
    if parts.hostname in DEEPSEEK_HOSTS and not path.endswith("/beta"):
        path = path[: -len("/v1")] if path.endswith("/v1") else path
        url = urlunsplit(parts._replace(path=path + "/beta"))
    return url


def expectation(f: dataclasses.Field[Any]) -> str:
    """What a setting's value must be, in words ("a number of milliseconds")."""
    default = field_default(f)
    key = f.metadata["key"]
    if isinstance(default, bool):
        return "true or false"
    if isinstance(default, list):
        allowed = choices(f)
        return "a list of " + (", ".join(allowed) if allowed else "strings")
    if isinstance(default, (int, float)) or f.type == "float | None":
        low, high = BOUNDS.get(f.name, (float("-inf"), float("inf")))
        unit = next((u for s, u in _UNITS if key.endswith(s) or key.startswith(s)), "a number")
        return f"{unit} from {low:g} to {high:g}"
    allowed = choices(f)
    if allowed:
        return "one of " + ", ".join(allowed)
    if f.metadata["role"] == "url":
        return "an http:// or https:// URL with a host name"
    if f.metadata["role"] == "key":
        return "a key of printable ASCII characters"
    return "a string"


_UNITS = (
    ("Ms", "a number of milliseconds"),
    ("Chars", "a number of characters"),
    ("Budget", "a number of characters"),
    ("Tokens", "a number of tokens"),
    ("Lines", "a number of lines"),
    ("price", "a price in USD per 1M tokens"),
    ("Size", "a number of entries"),
)


def coerce(f: dataclasses.Field[Any], value: Any) -> Any:
    """Convert one raw value to the field's type; ValueError when it cannot be."""
    default = field_default(f)
    if value is None and f.type in ("str | None", "float | None"):
        return None  # unset: the default's meaning (resolved model, DeepSeek's prices)
    if isinstance(default, bool):
        return _boolean(value)
    if isinstance(default, list):
        return _strings(f, value)
    if isinstance(default, (int, float)) or f.type == "float | None":
        return _number(f, value, int if isinstance(default, int) else float)
    return _text(f, value)


def _strings(f: dataclasses.Field[Any], value: Any) -> list[str]:
    """A list of strings (or a comma-separated string), each one of the choices if any."""
    if isinstance(value, str):
        value = [v.strip() for v in value.split(",") if v.strip()]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError
    allowed = choices(f)
    if allowed and not set(value) <= set(allowed):
        raise ValueError
    return list(value)


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false", "1", "0"):
        return value.lower() in ("true", "1")
    raise ValueError


def _number(f: dataclasses.Field[Any], value: Any, kind: type[float]) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValueError
    number = float(value)  # ValueError for words
    if number != number:  # NaN
        raise ValueError
    low, high = BOUNDS.get(f.name, (float("-inf"), float("inf")))
    if not low <= number <= high:
        raise ValueError
    return kind(number)


def _text(f: dataclasses.Field[Any], value: Any) -> str | None:
    if not isinstance(value, str):
        raise ValueError
    allowed = choices(f)
    if allowed and value not in allowed:
        raise ValueError
    role = f.metadata["role"]
    if role == "key" and not (value.isascii() and value.strip().isprintable()):
        raise ValueError
    if role == "url" and value.strip():
        parts = urlsplit(value.strip())  # ValueError for a broken [IPv6] host
        spaced = any(c.isspace() for c in value.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname or spaced:
            raise ValueError
        return normalize_base_url(value) if f.name == "base_url" else value.strip().rstrip("/")
    return value.strip() or None if f.type == "str | None" else value


def shown(f: dataclasses.Field[Any], value: Any) -> str:
    """A value as a message quotes it: never a key, at most 60 characters."""
    if f.metadata["role"] == "key":
        return "***"
    if value is None:
        return "unset"
    text = json.dumps(value) if not isinstance(value, str) else f'"{value}"'
    return text if len(text) <= 60 else text[:57] + "..."

"""What a workspace may set. The workspace-controlled layers (workspace/configuration,
didChangeConfiguration) can be influenced by a cloned repository (`.vscode/settings.json`,
`.dir-locals.el`, `.helix/languages.toml`), so:

- what the user's key spends is the user's alone (`user_only` in the settings table: token
  limits, prompt budgets, the prefix-cache block, prices, the cache size and speculative
  requests — prefetch). `debounceMs` stays a workspace setting (the shipped Emacs and Helix
  configs set it there; latest-wins bounds what it costs), and so does `timeoutMs` (how long
  one request may wait, not what it costs: retries stop at five attempts whatever it is);
- where the key goes (every backend's URL and key, its model, and `backend`) counts only
  when the same layer gives a valid key of that backend: the key and its URL travel
  together, and the workspace then pays; the user is told once where completions go;
- `exclude` only grows;
- a workspace value equal to what the user's own layers give is no attempt, and is not
  reported.

No layer sends a key over plain http:// to another machine: such a URL falls back to the
next trusted layer down (initializationOptions < environment < default)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from ds_lsp.config.report import ParseReport
from ds_lsp.config.settings import FIELDS, Settings, backend_field, backend_names, field_default
from ds_lsp.config.values import coerce, is_loopback

MAX_WORKSPACE_EXCLUDES = 500


def moves_the_key(key: str) -> bool:
    """Settings that decide where a key is sent: every backend's URL and key, and `backend`."""
    f = FIELDS.get(key)
    return f is not None and (f.name == "backend" or f.metadata["role"] in ("url", "key"))


def follows_the_key(key: str) -> bool:
    """Settings a workspace layer may set only with a key of its own: where the key goes,
    and the model it pays for."""
    f = FIELDS.get(key)
    return f is not None and (moves_the_key(key) or f.metadata["role"] == "model")


def user_only_keys() -> tuple[str, ...]:
    """The settings a workspace layer never sets (what the user's key spends)."""
    return tuple(k for k, f in FIELDS.items() if f.metadata["user_only"])


def restricted_keys() -> tuple[str, ...]:
    """Every setting a workspace may not set freely: the user's alone, and those that follow
    the key (VS Code's untrusted-workspace `restrictedConfigurations` derive from it)."""
    return tuple(k for k in FIELDS if FIELDS[k].metadata["user_only"] or follows_the_key(k))


def workspace_part(
    raw: Mapping[str, Any], current: Settings, report: ParseReport
) -> dict[str, Any]:
    """What a workspace-controlled layer (workspace/configuration, didChangeConfiguration)
    may set, given the settings of the layers below it (`current`)."""
    kept = dict(raw)
    for key in restricted_keys():  # a few names, however many keys the layer holds
        if key not in raw:
            continue
        allowed = not FIELDS[key].metadata["user_only"] and _travels_with_its_key(key, raw, current)
        if not allowed:
            del kept[key]
            if not _same_value(key, raw[key], current):
                report.ignored.append(key)
    if "exclude" in kept:
        kept["exclude"] = _grown_exclude(kept["exclude"], current, report)
    return kept


def _same_value(key: str, value: Any, current: Settings) -> bool:
    """Whether a workspace value only repeats the value in effect (an editor that sends
    every setting in every layer, like VS Code)."""
    f = FIELDS[key]
    try:
        return bool(coerce(f, value) == getattr(current, f.name))
    except (ValueError, TypeError, OverflowError):
        return False


def _grown_exclude(value: Any, current: Settings, report: ParseReport) -> Any:
    """The layer's `exclude` added to the one in effect, never replacing it."""
    try:
        added = coerce(FIELDS["exclude"], value)
    except ValueError:
        return value  # merge reports the bad value
    new = [p for p in dict.fromkeys(added) if p not in current.exclude]
    if len(new) > MAX_WORKSPACE_EXCLUDES:  # each pattern is matched on every file read
        report.invalid.append(
            f"`exclude` from the workspace settings holds {len(new)} new patterns; "
            f"keeping the first {MAX_WORKSPACE_EXCLUDES}"
        )
        new = new[:MAX_WORKSPACE_EXCLUDES]
    return current.exclude + new


def _travels_with_its_key(key: str, raw: Mapping[str, Any], current: Settings) -> bool:
    """A setting that follows the key counts only beside a valid key of its own backend
    from the same layer (an invalid key would leave the user's key in place)."""
    f = FIELDS[key]
    backend = raw.get("backend", current.backend) if f.name == "backend" else f.metadata["backend"]
    key_field = backend_field(str(backend), "key")
    if key_field is None:
        return False
    try:
        return bool(coerce(key_field, raw.get(key_field.metadata["key"])))
    except (ValueError, TypeError):
        return False


def endpoint(settings: Settings) -> tuple[str, str]:
    """The active backend and its URL: where completions go."""
    url_field = backend_field(settings.backend, "url")
    return settings.backend, str(getattr(settings, url_field.name)) if url_field else ""


def note_redirect(settings: Settings, trusted: Settings, report: ParseReport) -> None:
    """A workspace that sends completions elsewhere, with a key of its own: say so (once)."""
    (backend, url), (_, own_url) = endpoint(settings), endpoint(trusted)
    if (backend, url) != endpoint(trusted):
        report.notices.append(
            f"the workspace settings send completions to {url[:200]} ({backend}) with a key of "
            f"their own, not to {own_url[:200]}; remove them from the workspace settings to "
            "use your own"
        )


def refuse_clear_text(
    settings: Settings, report: ParseReport, fallbacks: Sequence[Settings]
) -> Settings:
    """A key never travels over plain http:// to another machine. `fallbacks`: the settings
    of the trusted layers, top layer first (a refused URL falls back to the next of them
    that is safe, never to a workspace's value)."""
    changes = {}
    for backend in backend_names():
        url_field, key_field = backend_field(backend, "url"), backend_field(backend, "key")
        if url_field is None or key_field is None or not getattr(settings, key_field.name):
            continue
        url = str(getattr(settings, url_field.name) or "")
        if not _clear_text(url):
            continue
        kept = next(
            (v for v in (getattr(s, url_field.name) for s in fallbacks) if not _clear_text(v)),
            field_default(url_field),
        )
        changes[url_field.name] = kept
        report.invalid.append(
            f"`{url_field.metadata['key']}` {url} is refused: with http:// the API key "
            f"would cross the network in clear text (use https://, or http:// only for "
            f"this machine); keeping {kept}"
        )
    return dataclasses.replace(settings, **changes) if changes else settings


def _clear_text(url: Any) -> bool:
    """Whether a URL would carry a key unencrypted to another machine."""
    return urlsplit(str(url or "")).scheme == "http" and not is_loopback(str(url))

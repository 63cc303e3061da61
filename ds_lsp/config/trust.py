"""What a workspace may set. A workspace-controlled layer (workspace/configuration,
didChangeConfiguration: a cloned repository can influence them) may not move the key
elsewhere unless it brings a key of its own, may only add `exclude` patterns, and no
layer sends a key over plain http:// to another machine."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from ds_lsp.config.settings import FIELDS, Settings, backend_field, backend_names, field_default
from ds_lsp.config.values import ParseReport, coerce, is_loopback

MAX_WORKSPACE_EXCLUDES = 500


def moves_the_key(key: str) -> bool:
    """Settings that decide where a key is sent: every backend's URL and key, and `backend`."""
    f = FIELDS.get(key)
    return f is not None and (f.name == "backend" or f.metadata["role"] in ("url", "key"))


def workspace_part(
    raw: Mapping[str, Any], current: Settings, report: ParseReport
) -> dict[str, Any]:
    """What a workspace-controlled layer (workspace/configuration, didChangeConfiguration)
    may set. A URL or `backend` counts only when the same layer also gives that backend's
    key (the key and its URL travel together); `exclude` can only grow."""
    kept = dict(raw)
    for key in [k for k in raw if moves_the_key(k)]:
        if not _travels_with_its_key(key, raw, current):
            report.ignored.append(key)
            del kept[key]
    if "exclude" in kept:
        try:
            added = coerce(FIELDS["exclude"], kept["exclude"])
        except ValueError:
            return kept  # merge reports the bad value
        new = [p for p in dict.fromkeys(added) if p not in current.exclude]
        if len(new) > MAX_WORKSPACE_EXCLUDES:  # each pattern is matched on every file read
            report.invalid.append(
                f"`exclude` from the workspace settings holds {len(new)} new patterns; "
                f"keeping the first {MAX_WORKSPACE_EXCLUDES}"
            )
            new = new[:MAX_WORKSPACE_EXCLUDES]
        kept["exclude"] = current.exclude + new
    return kept


def _travels_with_its_key(key: str, raw: Mapping[str, Any], current: Settings) -> bool:
    """A key-moving setting from a workspace layer counts only beside a valid key of its own
    backend from the same layer (an invalid key would leave the user's key in place)."""
    f = FIELDS[key]
    backend = (
        raw.get("backend", current.backend) if f.name == "backend" else (f.metadata["backend"])
    )
    key_field = backend_field(str(backend), "key")
    if key_field is None:
        return False
    try:
        return bool(coerce(key_field, raw.get(key_field.metadata["key"])))
    except (ValueError, TypeError):
        return False


def refuse_clear_text(settings: Settings, report: ParseReport, fallback: Settings) -> Settings:
    """A key never travels over plain http:// to another machine. `fallback`: the settings
    of the trusted layers alone (a refused URL never falls back to a workspace's value)."""
    changes = {}
    for backend in backend_names():
        url_field, key_field = backend_field(backend, "url"), backend_field(backend, "key")
        if url_field is None or key_field is None or not getattr(settings, key_field.name):
            continue
        url = str(getattr(settings, url_field.name) or "")
        if urlsplit(url).scheme == "http" and not is_loopback(url):
            kept = getattr(fallback, url_field.name)
            if urlsplit(str(kept)).scheme == "http" and not is_loopback(str(kept)):
                kept = field_default(url_field)
            changes[url_field.name] = kept
            report.invalid.append(
                f"`{url_field.metadata['key']}` {url} is refused: with http:// the API key "
                f"would cross the network in clear text (use https://, or http:// only for "
                f"this machine); keeping {kept}"
            )
    return dataclasses.replace(settings, **changes) if changes else settings

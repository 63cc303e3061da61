"""The layers of settings and how they merge. Sources, later wins: defaults < environment <
initializationOptions < workspace/configuration section "ds-lsp" < didChangeConfiguration
settings["ds-lsp"]. Unknown keys are reported (logged by the caller); a bad value is reported
(shown to the user by the caller) and the previous value is kept."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping, Sequence
from typing import Any

from ds_lsp.config.report import ParseReport
from ds_lsp.config.settings import FIELDS, Settings
from ds_lsp.config.trust import moves_the_key, note_redirect, refuse_clear_text, workspace_part
from ds_lsp.config.values import coerce, expectation, shown


def merge(
    settings: Settings,
    raw: Mapping[str, Any] | None,
    report: ParseReport,
    previous: Settings | None = None,
) -> Settings:
    """`settings` updated from one source of camelCase keys. A bad value is reported and keeps
    the value in effect before (`previous`); for a setting that moves the key, only what the
    lower layers of this resolve gave (a value a workspace once set never survives)."""
    if not raw:
        return settings
    if not isinstance(raw, Mapping):
        report.invalid.append("ds-lsp settings must be an object of camelCase keys")
        return settings
    changes: dict[str, Any] = {}
    for key, value in raw.items():
        f = FIELDS.get(key)
        if f is None:
            report.add_unknown(str(key))
            continue
        try:
            changes[f.name] = coerce(f, value)
        except (ValueError, TypeError, OverflowError):
            before = settings if moves_the_key(key) else (previous or settings)
            kept = getattr(before, f.name)
            changes[f.name] = kept
            report.invalid.append(
                f"`{key}` must be {expectation(f)} (got {shown(f, value)}); "
                f"keeping {shown(f, kept)}"
            )
    return dataclasses.replace(settings, **changes)


def from_environment(env: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The camelCase settings that environment variables give."""
    env = os.environ if env is None else env
    raw: dict[str, Any] = {}
    for key, f in FIELDS.items():
        var = f.metadata["env"]
        if var and env.get(var):
            raw[key] = env[var]
    return raw


def resolve(
    *trusted: Mapping[str, Any] | None,
    workspace: Sequence[Mapping[str, Any] | None] = (),
    previous: Settings | None = None,
) -> tuple[Settings, ParseReport]:
    """Defaults < environment < each trusted source (initializationOptions) < each
    workspace-controlled source, in order; `previous`: the settings in effect until now."""
    report = ParseReport()
    layers = [Settings()]  # the trusted layers' settings, one per layer, bottom first
    layers.append(merge(layers[-1], from_environment(), report, previous))
    for source in trusted:
        layers.append(merge(layers[-1], source, report, previous))
    settings = layers[-1]
    for source in workspace:
        if isinstance(source, Mapping):
            source = workspace_part(source, settings, report)
        settings = merge(settings, source, report, previous)
    fallbacks = layers[::-1]
    own = refuse_clear_text(layers[-1], ParseReport(), fallbacks)  # told below, if in effect
    settings = refuse_clear_text(settings, report, fallbacks)
    note_redirect(settings, own, report)
    return settings, report


def section(raw: Any) -> Mapping[str, Any] | None:
    """Accept either the ds-lsp section itself or an object holding it under "ds-lsp"."""
    inner = raw.get("ds-lsp") if isinstance(raw, Mapping) else None
    if isinstance(inner, Mapping):
        return inner
    return raw if isinstance(raw, Mapping) else None

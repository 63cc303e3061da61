"""Every user setting of ds-lsp and how it is resolved, in four parts: `settings` (the table:
keys, defaults, bounds, docs), `values` (parsing a raw value), `layers` (defaults <
environment < initializationOptions < workspace layers), `trust` (what a workspace may set)
and `report` (what resolving found, in few lines).
Callers import the public names from here: `from ds_lsp import config; config.resolve(...)`."""

from ds_lsp.config.layers import from_environment, merge, resolve, section
from ds_lsp.config.report import ParseReport, suggestion
from ds_lsp.config.settings import (
    BACKEND_CHOICES,
    BOUNDS,
    DEEPSEEK_HOSTS,
    DEFAULT_BASE_URL,
    DEFAULT_EXCLUDE,
    FALLBACK_MODEL,
    FIELDS,
    PREFERRED_MODELS,
    Settings,
    api_root,
    backend_field,
    backend_names,
    choices,
    defaults_as_json,
    field_default,
)
from ds_lsp.config.trust import (
    MAX_WORKSPACE_EXCLUDES,
    follows_the_key,
    moves_the_key,
    refuse_clear_text,
    restricted_keys,
    user_only_keys,
    workspace_part,
)
from ds_lsp.config.values import (
    LOOPBACK_HOSTS,
    coerce,
    expectation,
    is_loopback,
    normalize_base_url,
)

__all__ = [
    "BACKEND_CHOICES",
    "BOUNDS",
    "DEEPSEEK_HOSTS",
    "DEFAULT_BASE_URL",
    "DEFAULT_EXCLUDE",
    "FALLBACK_MODEL",
    "FIELDS",
    "LOOPBACK_HOSTS",
    "MAX_WORKSPACE_EXCLUDES",
    "PREFERRED_MODELS",
    "ParseReport",
    "Settings",
    "api_root",
    "backend_field",
    "backend_names",
    "choices",
    "coerce",
    "defaults_as_json",
    "expectation",
    "field_default",
    "follows_the_key",
    "from_environment",
    "is_loopback",
    "merge",
    "moves_the_key",
    "normalize_base_url",
    "refuse_clear_text",
    "resolve",
    "restricted_keys",
    "section",
    "suggestion",
    "user_only_keys",
    "workspace_part",
]

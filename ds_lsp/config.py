"""Every user setting of ds-lsp: its camelCase key, environment variable, default and doc.

`Settings` is the one source of truth (README, the VS Code extension's schema and the docs
tests derive from it). Sources, later wins: defaults < environment < initializationOptions <
workspace/configuration section "ds-lsp" < didChangeConfiguration settings["ds-lsp"].
Unknown keys are reported (logged by the caller); a bad value is reported (shown to the
user by the caller) and the previous value is kept.

A backend's own settings (its URL, key and model) are fields tagged with the backend's name
and their role; `backend_names()` and `backend_field()` read those tags, so a backend is
declared here once and gets its client from `upstream/backends`.
"""

from __future__ import annotations

import dataclasses
import difflib
import ipaddress
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

DEEPSEEK_HOSTS = ("api.deepseek.com",)
DEFAULT_BASE_URL = "https://api.deepseek.com/beta"
FALLBACK_MODEL = "deepseek-v4-flash"
PREFERRED_MODELS = ("deepseek-flash", "deepseek-v4-flash", "deepseek-chat")

DEFAULT_EXCLUDE = (
    ".env",
    ".env.*",
    "*.env",
    ".envrc",
    "*.pem",
    "*.key",
    "*.crt",
    "*.cer",
    "*.p12",
    "*.pfx",
    "*.jks",
    "*.keystore",
    "*.gpg",
    "*.asc",
    "id_rsa*",
    "id_dsa*",
    "id_ecdsa*",
    "id_ed25519*",
    ".netrc",
    ".pgpass",
    ".npmrc",
    ".pypirc",
    ".git-credentials",
    "credentials",
    "credentials.json",
    "secrets.*",
    "*.secret",
    ".env-*",
    ".dev.vars",
    ".htpasswd",
    "service-account*.json",
    "*.tfvars",
    "*.tfstate",
    "*.tfstate.backup",
    ".kube/config",
    ".docker/config.json",
    ".aws/credentials",
    ".aws/config",
    ".git/config",
)


MAX_WORKSPACE_EXCLUDES = 500
BACKEND_CHOICES = ("backends",)  # the `backend` setting's choices: every tagged backend


def _meta(
    key: str,
    doc: str,
    env: str | None = None,
    choices: tuple[str, ...] = (),
    backend: str | None = None,
    role: str | None = None,
) -> dict:
    """Field metadata: camelCase key, doc line, environment variable, allowed values, and for
    a backend's own settings the backend and the role (url, key, model)."""
    return {
        "key": key,
        "doc": doc,
        "env": env,
        "choices": choices,
        "backend": backend,
        "role": role,
    }


@dataclass
class Settings:
    """Every user-facing setting of ds-lsp; field metadata holds the camelCase key and docs."""

    api_key: str | None = field(
        default=None,
        repr=False,
        metadata=_meta(
            "apiKey",
            "DeepSeek API key (Bearer token).",
            env="DEEPSEEK_API_KEY",
            backend="deepseek",
            role="key",
        ),
    )
    base_url: str = field(
        default=DEFAULT_BASE_URL,
        metadata=_meta(
            "baseUrl",
            "API base; FIM is POST {baseUrl}/completions. A DeepSeek host gets /beta appended.",
            env="DEEPSEEK_BASE_URL",
            backend="deepseek",
            role="url",
        ),
    )
    model: str | None = field(
        default=None,
        metadata=_meta(
            "model",
            "Model name; unset = resolved from GET /models.",
            env="DEEPSEEK_MODEL",
            backend="deepseek",
            role="model",
        ),
    )
    debounce_ms: int = field(
        default=150, metadata=_meta("debounceMs", "Wait after the last keystroke (automatic).")
    )
    max_tokens: int = field(
        default=256, metadata=_meta("maxTokens", "max_tokens of a FIM request (1-4096).")
    )
    temperature: float = field(default=0.0, metadata=_meta("temperature", "Sampling (0-2)."))
    timeout_ms: int = field(
        default=5000, metadata=_meta("timeoutMs", "Give-up time of one completion, retries in.")
    )
    cache_size: int = field(default=512, metadata=_meta("cacheSize", "LRU cache entries."))
    enable: bool = field(default=True, metadata=_meta("enable", "Master switch."))
    disabled_languages: list[str] = field(
        default_factory=list,
        metadata=_meta("disabledLanguages", "languageIds that get no completions."),
    )
    exclude: list[str] = field(
        default_factory=lambda: list(DEFAULT_EXCLUDE),
        metadata=_meta("exclude", "Globs of files whose text is never sent upstream."),
    )
    completion_items: str = field(
        default="auto",
        metadata=_meta(
            "completionItems",
            "Completion-item fallback: auto (clients without inline completion), always, never.",
            choices=("auto", "always", "never"),
        ),
    )
    max_prefix_chars: int = field(
        default=6000, metadata=_meta("maxPrefixChars", "Budget of text before the cursor.")
    )
    max_suffix_chars: int = field(
        default=2000, metadata=_meta("maxSuffixChars", "Budget of text after the cursor.")
    )
    window_block_lines: int = field(
        default=64,
        metadata=_meta(
            "windowBlockLines", "The prompt's first line moves in blocks of this many lines."
        ),
    )
    multiline: str = field(
        default="auto",
        metadata=_meta(
            "multiline",
            "auto (multi-line unless code follows the cursor), always, never.",
            choices=("auto", "always", "never"),
        ),
    )
    max_lines: int = field(
        default=12, metadata=_meta("maxLines", "Most lines in one multi-line suggestion.")
    )
    generate_max_tokens: int = field(
        default=4096,
        metadata=_meta("generateMaxTokens", "max_tokens of ds-lsp.generateCodeBlock (≤ 8192)."),
    )

    backend: str = field(
        default="deepseek",
        metadata=_meta(
            "backend",
            "Which FIM server: deepseek, openai-fim (POST /v1/completions with suffix, e.g. "
            "Ollama), llama-cpp (POST /infill), codestral (POST /v1/fim/completions).",
            env="DS_LSP_BACKEND",
            choices=BACKEND_CHOICES,
        ),
    )
    openai_fim_base_url: str = field(
        default="http://127.0.0.1:11434",
        metadata=_meta(
            "openaiFimBaseUrl",
            "openai-fim server root; FIM is POST {openaiFimBaseUrl}/v1/completions.",
            env="OPENAI_FIM_BASE_URL",
            backend="openai-fim",
            role="url",
        ),
    )
    openai_fim_api_key: str | None = field(
        default=None,
        repr=False,
        metadata=_meta(
            "openaiFimApiKey",
            "Bearer token for openaiFimBaseUrl only; unset = no Authorization header.",
            env="OPENAI_FIM_API_KEY",
            backend="openai-fim",
            role="key",
        ),
    )
    openai_fim_model: str | None = field(
        default=None,
        metadata=_meta(
            "openaiFimModel",
            "Model for openai-fim; unset = the first model GET /v1/models lists.",
            env="OPENAI_FIM_MODEL",
            backend="openai-fim",
            role="model",
        ),
    )
    llama_cpp_base_url: str = field(
        default="http://127.0.0.1:8080",
        metadata=_meta(
            "llamaCppBaseUrl",
            "llama.cpp server root; FIM is POST {llamaCppBaseUrl}/infill.",
            env="LLAMA_CPP_BASE_URL",
            backend="llama-cpp",
            role="url",
        ),
    )
    llama_cpp_api_key: str | None = field(
        default=None,
        repr=False,
        metadata=_meta(
            "llamaCppApiKey",
            "The llama-server --api-key, sent to llamaCppBaseUrl only; unset = none sent.",
            env="LLAMA_API_KEY",
            backend="llama-cpp",
            role="key",
        ),
    )
    codestral_base_url: str = field(
        default="https://codestral.mistral.ai",
        metadata=_meta(
            "codestralBaseUrl",
            "Codestral root; FIM is POST {codestralBaseUrl}/v1/fim/completions "
            "(https://api.mistral.ai with a general Mistral key).",
            env="CODESTRAL_BASE_URL",
            backend="codestral",
            role="url",
        ),
    )
    codestral_api_key: str | None = field(
        default=None,
        repr=False,
        metadata=_meta(
            "codestralApiKey",
            "Mistral/Codestral key, sent to codestralBaseUrl only.",
            env="CODESTRAL_API_KEY",
            backend="codestral",
            role="key",
        ),
    )
    codestral_model: str = field(
        default="codestral-latest",
        metadata=_meta(
            "codestralModel",
            "Model for codestral.",
            env="CODESTRAL_MODEL",
            backend="codestral",
            role="model",
        ),
    )

    prefetch: bool = field(
        default=True,
        metadata=_meta(
            "prefetch",
            "Ask ahead, only while it pays: the next line once you accept a suggestion that "
            "ends its line or have nearly typed it through, the line you type at once when "
            "typing through broke; at most one such request per document.",
        ),
    )
    completion_progress: bool = field(
        default=True,
        metadata=_meta(
            "completionProgress",
            "Show $/progress for a completion slower than a second (clients that show "
            "ds-lsp/status themselves, like the VS Code extension, turn it off).",
        ),
    )
    prompt_header: bool = field(
        default=True,
        metadata=_meta("promptHeader", "Open the prompt with a comment naming file and language."),
    )
    context_files: bool = field(
        default=True,
        metadata=_meta(
            "contextFiles",
            "Open the prompt with the definitions the cursor needs (whole signatures) from "
            "other open files and the files the current file imports.",
        ),
    )
    workspace_context: bool = field(
        default=True,
        metadata=_meta(
            "workspaceContext",
            "Let other-file context read the files the current file imports from disk (under "
            "the workspace folders, never an excluded file); false: open files only.",
        ),
    )
    context_files_budget: int = field(
        default=1500,
        metadata=_meta("contextFilesBudget", "Characters of other-file context (~4 per token)."),
    )
    price_cache_hit: float = field(
        default=0.0028,
        metadata=_meta("priceCacheHit", "USD per 1M prompt tokens that hit DeepSeek's cache."),
    )
    price_cache_miss: float = field(
        default=0.14,
        metadata=_meta("priceCacheMiss", "USD per 1M prompt tokens that miss the cache."),
    )
    price_output: float = field(
        default=0.28, metadata=_meta("priceOutput", "USD per 1M completion tokens.")
    )
    next_edit: bool = field(
        default=True,
        metadata=_meta(
            "nextEdit",
            "Next edit suggestions (textDocument/copilotInlineEdit, the code action): a chat "
            "request of ~1-2k prompt tokens per edit pause; false answers none, sends nothing.",
        ),
    )
    next_edit_debounce_ms: int = field(
        default=250,
        metadata=_meta(
            "nextEditDebounceMs", "Wait before an automatic next-edit request goes upstream."
        ),
    )
    next_edit_lines: int = field(
        default=8,
        metadata=_meta("nextEditLines", "Lines above and below the cursor a next edit may change."),
    )

    @property
    def api_root(self) -> str:
        """baseUrl without a trailing /beta: where /models and /user/balance live."""
        return api_root(self.base_url)


def api_root(base_url: str) -> str:
    """A DeepSeek base URL without its trailing /beta."""
    url = base_url.rstrip("/")
    return url[: -len("/beta")] if url.endswith("/beta") else url


_BOUNDS: dict[str, tuple[float, float]] = {
    "debounce_ms": (0, 5000),
    "max_tokens": (1, 4096),
    "temperature": (0, 2),
    "timeout_ms": (100, 600_000),
    "cache_size": (0, 1_000_000),
    "max_prefix_chars": (0, 1_000_000),
    "max_suffix_chars": (0, 1_000_000),
    "window_block_lines": (1, 10_000),
    "max_lines": (1, 1000),
    "generate_max_tokens": (1, 8192),
    "next_edit_debounce_ms": (0, 5000),
    "next_edit_lines": (0, 50),
    "context_files_budget": (0, 100_000),
    "price_cache_hit": (0, 1000),
    "price_cache_miss": (0, 1000),
    "price_output": (0, 1000),
}

FIELDS = {f.metadata["key"]: f for f in dataclasses.fields(Settings)}


def backend_names() -> tuple[str, ...]:
    """Every backend that has settings of its own, in declaration order."""
    names = (f.metadata["backend"] for f in FIELDS.values() if f.metadata["backend"])
    return tuple(dict.fromkeys(names))


def backend_field(backend: str, role: str) -> dataclasses.Field | None:
    """The field holding a backend's `role` setting (url, key, model), if it has one."""
    for f in FIELDS.values():
        if f.metadata["backend"] == backend and f.metadata["role"] == role:
            return f
    return None


def choices(f: dataclasses.Field) -> tuple[str, ...]:
    """The values a setting may take (empty: any of its type)."""
    if f.metadata["choices"] == BACKEND_CHOICES:
        return backend_names()
    return tuple(f.metadata["choices"])


def field_default(f: dataclasses.Field) -> Any:
    """A field's default value (a fresh one for list fields)."""
    if f.default_factory is not dataclasses.MISSING:
        return f.default_factory()
    return f.default


def defaults_as_json() -> dict[str, Any]:
    """The default value of every setting by camelCase key (for docs and the extension)."""
    s = Settings()
    return {key: getattr(s, f.name) for key, f in FIELDS.items()}


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


def expectation(f: dataclasses.Field) -> str:
    """What a setting's value must be, in words ("a number of milliseconds")."""
    default = field_default(f)
    key = f.metadata["key"]
    if isinstance(default, bool):
        return "true or false"
    if isinstance(default, list):
        return "a list of strings"
    if isinstance(default, (int, float)):
        low, high = _BOUNDS.get(f.name, (float("-inf"), float("inf")))
        unit = next((u for s, u in _UNITS if key.endswith(s) or key.startswith(s)), "a number")
        return f"{unit} from {low:g} to {high:g}"
    allowed = choices(f)
    if allowed:
        return "one of " + ", ".join(allowed)
    if f.metadata["role"] == "url":
        return "an http:// or https:// URL"
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


def _coerce(f: dataclasses.Field, value: Any) -> Any:
    """Convert one raw value to the field's type; ValueError when it cannot be."""
    default = field_default(f)
    if value is None and f.type == "str | None":
        return None
    if isinstance(default, bool):
        return _boolean(value)
    if isinstance(default, list):
        if isinstance(value, str):
            value = [v.strip() for v in value.split(",") if v.strip()]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValueError
        return list(value)
    if isinstance(default, (int, float)):
        return _number(f, value, float if isinstance(default, float) else int)
    return _text(f, value)


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false", "1", "0"):
        return value.lower() in ("true", "1")
    raise ValueError


def _number(f: dataclasses.Field, value: Any, kind: type) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValueError
    number = float(value)  # ValueError for words
    if number != number:  # NaN
        raise ValueError
    low, high = _BOUNDS.get(f.name, (float("-inf"), float("inf")))
    if not low <= number <= high:
        raise ValueError
    return kind(number)


def _text(f: dataclasses.Field, value: Any) -> str | None:
    if not isinstance(value, str):
        raise ValueError
    allowed = choices(f)
    if allowed and value not in allowed:
        raise ValueError
    role = f.metadata["role"]
    if role == "key" and not (value.isascii() and value.strip().isprintable()):
        raise ValueError
    if role == "url" and value.strip():
        if urlsplit(value.strip()).scheme not in ("http", "https"):
            raise ValueError
        return normalize_base_url(value) if f.name == "base_url" else value.strip().rstrip("/")
    return value.strip() or None if f.type == "str | None" else value


@dataclass
class ParseReport:
    """What a merge found wrong: unknown keys, bad values (one line each, ready to show) and
    settings a workspace layer may not set (see `workspace_part`)."""

    unknown: list[str] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)


def _shown(f: dataclasses.Field, value: Any) -> str:
    if f.metadata["role"] == "key":
        return "***"
    text = json.dumps(value) if not isinstance(value, str) else f'"{value}"'
    return text if len(text) <= 60 else text[:57] + "..."


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
            report.unknown.append(str(key))
            continue
        try:
            changes[f.name] = _coerce(f, value)
        except (ValueError, TypeError, OverflowError):
            before = settings if moves_the_key(key) else (previous or settings)
            kept = getattr(before, f.name)
            changes[f.name] = kept
            report.invalid.append(
                f"`{key}` must be {expectation(f)} (got {_shown(f, value)}); "
                f"keeping {_shown(f, kept)}"
            )
    return dataclasses.replace(settings, **changes)


def suggestion(key: str) -> str | None:
    """The setting a misspelled key most likely meant (`debounceMS` -> `debounceMs`)."""
    by_lower = {k.lower(): k for k in FIELDS}
    if key.lower() in by_lower:
        return by_lower[key.lower()]
    close = difflib.get_close_matches(key, list(FIELDS), n=1, cutoff=0.7)
    return close[0] if close else None


def from_environment(env: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The camelCase settings that environment variables give."""
    env = os.environ if env is None else env
    raw: dict[str, Any] = {}
    for key, f in FIELDS.items():
        var = f.metadata["env"]
        if var and env.get(var):
            raw[key] = env[var]
    return raw


# ---- trust layers ------------------------------------------------------------------------------
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
            added = _coerce(FIELDS["exclude"], kept["exclude"])
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
        return bool(_coerce(key_field, raw.get(key_field.metadata["key"])))
    except (ValueError, TypeError):
        return False


def _refuse_clear_text(settings: Settings, report: ParseReport, fallback: Settings) -> Settings:
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


def resolve(
    *trusted: Mapping[str, Any] | None,
    workspace: Sequence[Mapping[str, Any] | None] = (),
    previous: Settings | None = None,
) -> tuple[Settings, ParseReport]:
    """Defaults < environment < each trusted source (initializationOptions) < each
    workspace-controlled source, in order; `previous`: the settings in effect until now."""
    report = ParseReport()
    settings = merge(Settings(), from_environment(), report, previous)
    for source in trusted:
        settings = merge(settings, source, report, previous)
    trusted_settings = settings
    for source in workspace:
        if isinstance(source, Mapping):
            source = workspace_part(source, settings, report)
        settings = merge(settings, source, report, previous)
    return _refuse_clear_text(settings, report, trusted_settings), report


def section(raw: Any) -> Mapping[str, Any] | None:
    """Accept either the ds-lsp section itself or an object holding it under "ds-lsp"."""
    if isinstance(raw, Mapping) and isinstance(raw.get("ds-lsp"), Mapping):
        return raw["ds-lsp"]
    return raw if isinstance(raw, Mapping) else None

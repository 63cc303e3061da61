"""The settings table: every user setting of ds-lsp, its camelCase key, environment
variable, default, bounds and doc.

`Settings` is the one source of truth (README, the VS Code extension's schema and the docs
tests derive from it); how raw values become settings is in `values`, how sources are
layered and what a workspace may set in `layers` and `trust`.

A backend's own settings (its URL, key and model) are fields tagged with the backend's name
and their role; `backend_names()` and `backend_field()` read those tags, so a backend is
declared here once and gets its client from `upstream/backends`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

DEEPSEEK_HOSTS = ("api.deepseek.com",)
DEFAULT_BASE_URL = "https://api.deepseek.com/beta"
FALLBACK_MODEL = "deepseek-v4-flash"
PREFERRED_MODELS = ("deepseek-flash", "deepseek-v4-flash", "deepseek-chat")
PRICE_DOC = (
    "Unset: DeepSeek's price when each request was made (double at peak hours, weekdays "
    "01:00-04:00 and 06:00-10:00 UTC). Set: this price at every hour, peak or not."
)

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
    # cloud, registry and database credentials that are not named "credentials"
    "application_default_credentials.json",
    "gcloud/credentials.db",
    "gcloud/access_tokens.db",
    "gcloud/legacy_credentials/",
    ".azure/",
    ".boto",
    ".s3cfg",
    ".databrickscfg",
    "credentials.tfrc.json",
    ".terraformrc",
    "terraform.rc",
    ".vault-token",
    ".cargo/credentials*",
    "gh/hosts.yml",
    ".config/hub",
    ".yarnrc.yml",
    ".dockercfg",
    "_netrc",
    "kubeconfig",
    "*.kubeconfig",
    ".my.cnf",
    ".mylogin.cnf",
    # key files and key stores
    "*.ppk",
    "*.p8",
    "*.kdbx",
    "*.kdb",
    "*.keychain",
    "*.keychain-db",
    ".gnupg/",
    # shell and REPL histories: commands typed with keys in them
    "*_history",
    ".history",
    ".zhistory",
)


BACKEND_CHOICES = ("backends",)  # the `backend` setting's choices: every tagged backend


def _meta(
    key: str,
    doc: str,
    env: str | None = None,
    choices: tuple[str, ...] = (),
    backend: str | None = None,
    role: str | None = None,
    user_only: bool = False,
) -> dict[str, Any]:
    """Field metadata: camelCase key, doc line, environment variable, allowed values, for a
    backend's own settings the backend and the role (url, key, model), and `user_only`: a
    workspace layer never sets it (what the key spends: see `trust`)."""
    return {
        "key": key,
        "doc": doc,
        "env": env,
        "choices": choices,
        "backend": backend,
        "role": role,
        "user_only": user_only,
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
        default=150,
        metadata=_meta("debounceMs", "Wait after the last keystroke (automatic)."),
    )
    max_tokens: int = field(
        default=256,
        metadata=_meta("maxTokens", "max_tokens of a FIM request (1-4096).", user_only=True),
    )
    temperature: float = field(default=0.0, metadata=_meta("temperature", "Sampling (0-2)."))
    timeout_ms: int = field(
        default=5000,
        metadata=_meta("timeoutMs", "Give-up time of one completion, retries in."),
    )
    cache_size: int = field(
        default=512,
        metadata=_meta("cacheSize", "LRU cache entries (and at most 32 MB).", user_only=True),
    )
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
    trigger: str = field(
        default="auto",
        metadata=_meta(
            "trigger",
            "auto: suggest as you type; manual: only when asked (an invoked request, e.g. "
            "Alt+\\ in VS Code).",
            choices=("auto", "manual"),
        ),
    )
    quiet_in: list[str] = field(
        default_factory=list,
        metadata=_meta(
            "quietIn",
            "Where automatic suggestions stay quiet: comments, strings (asking still answers).",
            choices=("comments", "strings"),
        ),
    )
    max_prefix_chars: int = field(
        default=6000,
        metadata=_meta("maxPrefixChars", "Budget of text before the cursor.", user_only=True),
    )
    max_suffix_chars: int = field(
        default=2000,
        metadata=_meta("maxSuffixChars", "Budget of text after the cursor.", user_only=True),
    )
    window_block_lines: int = field(
        default=64,
        metadata=_meta(
            "windowBlockLines",
            "The prompt's first line moves in blocks of this many lines.",
            user_only=True,
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
        metadata=_meta(
            "generateMaxTokens", "max_tokens of ds-lsp.generateCodeBlock (≤ 8192).", user_only=True
        ),
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
            user_only=True,
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
        metadata=_meta(
            "contextFilesBudget", "Characters of other-file context (~4 per token).", user_only=True
        ),
    )
    price_cache_hit: float | None = field(
        default=None,
        metadata=_meta(
            "priceCacheHit",
            "USD per 1M prompt tokens that hit DeepSeek's cache, for the usage estimate. "
            + PRICE_DOC,
            user_only=True,
        ),
    )
    price_cache_miss: float | None = field(
        default=None,
        metadata=_meta(
            "priceCacheMiss",
            "USD per 1M prompt tokens that miss the cache, for the usage estimate. " + PRICE_DOC,
            user_only=True,
        ),
    )
    price_output: float | None = field(
        default=None,
        metadata=_meta(
            "priceOutput",
            "USD per 1M completion tokens, for the usage estimate. " + PRICE_DOC,
            user_only=True,
        ),
    )
    next_edit: bool = field(
        default=True,
        metadata=_meta(
            "nextEdit",
            "Next edit suggestions (textDocument/copilotInlineEdit, the code action): a chat "
            "request of ~1-2k prompt tokens per edit pause; false answers none, sends nothing.",
            user_only=True,
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
        metadata=_meta(
            "nextEditLines",
            "Lines above and below the cursor a next edit may change.",
            user_only=True,
        ),
    )

    @property
    def api_root(self) -> str:
        """baseUrl without a trailing /beta: where /models and /user/balance live."""
        return api_root(self.base_url)


def api_root(base_url: str) -> str:
    """A DeepSeek base URL without its trailing /beta."""
    url = base_url.rstrip("/")
    return url[: -len("/beta")] if url.endswith("/beta") else url


# what a number setting may be (inclusive)
BOUNDS: dict[str, tuple[float, float]] = {
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

FIELDS: dict[str, dataclasses.Field[Any]] = {
    f.metadata["key"]: f for f in dataclasses.fields(Settings)
}


def backend_names() -> tuple[str, ...]:
    """Every backend that has settings of its own, in declaration order."""
    names = (f.metadata["backend"] for f in FIELDS.values() if f.metadata["backend"])
    return tuple(dict.fromkeys(names))


def backend_field(backend: str, role: str) -> dataclasses.Field[Any] | None:
    """The field holding a backend's `role` setting (url, key, model), if it has one."""
    for f in FIELDS.values():
        if f.metadata["backend"] == backend and f.metadata["role"] == role:
            return f
    return None


def choices(f: dataclasses.Field[Any]) -> tuple[str, ...]:
    """The values a setting may take (empty: any of its type)."""
    if f.metadata["choices"] == BACKEND_CHOICES:
        return backend_names()
    return tuple(f.metadata["choices"])


def field_default(f: dataclasses.Field[Any]) -> Any:
    """A field's default value (a fresh one for list fields)."""
    if f.default_factory is not dataclasses.MISSING:
        return f.default_factory()
    return f.default


def defaults_as_json() -> dict[str, Any]:
    """The default value of every setting by camelCase key (for docs and the extension)."""
    s = Settings()
    return {key: getattr(s, f.name) for key, f in FIELDS.items()}

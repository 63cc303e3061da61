"""Generate the extension's settings from the server's (ds_lsp/config/ is the one source).

Writes `contributes.configuration` and the untrusted-workspace restrictions of
vscode-extension/package.json, and vscode-extension/src/serverSettings.generated.ts. Secret
keys (`apiKey`, `*ApiKey`) are never settings: the extension keeps them in SecretStorage and
passes them as environment variables.

    python vscode-extension/scripts/sync_settings.py          # rewrite
    python vscode-extension/scripts/sync_settings.py --check  # exit 1 when out of date
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path
from typing import Any

EXT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(EXT.parent))

from ds_lsp import config  # noqa: E402

PACKAGE_JSON = EXT / "package.json"
GENERATED_TS = EXT / "src" / "serverSettings.generated.ts"

# Nicer words than the server's one-line docs, where the editor deserves them.
DESCRIPTIONS = {
    "baseUrl": "API base URL: completions go to `POST {baseUrl}/completions`, Generate Code Block "
    "to `POST {baseUrl}/chat/completions`. A DeepSeek host without `/beta` gets `/beta` appended. "
    "User settings only, so that a workspace cannot send your API key elsewhere. Unset: the "
    "`DEEPSEEK_BASE_URL` environment variable.",
    "model": "Model for completions and code generation. Unset (`null`): `DEEPSEEK_MODEL`, else "
    "the first of `deepseek-flash`, `deepseek-v4-flash`, `deepseek-chat` that `GET /models` lists.",
    "enable": "Master switch for inline completions (the status bar item toggles it).",
    "disabledLanguages": "Language IDs (e.g. `markdown`, `plaintext`) that get no completions.",
    "exclude": "Glob patterns of files whose text is never sent upstream (secrets by default).",
    "debounceMs": "Milliseconds to wait after the last keystroke before asking (automatic "
    "triggers only).",
    "maxTokens": "`max_tokens` of one fill-in-the-middle request (API maximum 4096).",
    "temperature": "Sampling temperature (0 = deterministic).",
    "timeoutMs": "Give-up time of one completion in milliseconds, retries included.",
    "cacheSize": "Number of completions kept in the LRU cache.",
    "completionItems": "Also offer the suggestion as a completion-list item: `auto` only for "
    "editors without inline completion (VS Code has it), `always`, or `never`.",
    "multiline": "Multi-line suggestions: `auto` (multi-line unless code follows the cursor), "
    "`always`, or `never`.",
    "generateMaxTokens": "`max_tokens` of **DeepSeek: Generate Code Block** (at most 8192).",
    "nextEdit": "Next edit suggestions: after an edit pause the edit you are about to make near "
    "the cursor shows where it goes; **Tab** jumps to it and applies it, **Escape** dismisses "
    "it. One chat request of ~1-2k prompt tokens per edit pause.",
}
ENUM_DESCRIPTIONS = {
    "completionItems": [
        "Only for editors without inline completion.",
        "Always offer a completion item too.",
        "Never offer completion items.",
    ],
    "multiline": [
        "Multi-line unless code follows the cursor.",
        "Always allow multi-line suggestions.",
        "Single-line suggestions only.",
    ],
}
# (title, keys, key prefixes) in the order of the Settings UI.
SECTIONS = [
    ("DeepSeek: Connection", ("baseUrl", "model", "timeoutMs"), ()),
    ("DeepSeek: Completions", ("enable", "disabledLanguages", "exclude", "debounceMs",
                               "maxTokens", "temperature", "multiline", "maxLines",
                               "completionItems", "cacheSize"), ()),
    ("DeepSeek: Context", ("maxPrefixChars", "maxSuffixChars", "windowBlockLines",
                           "promptHeader"), ("contextFiles",)),
    ("DeepSeek: Generate Code Block", (), ("generate",)),
    ("DeepSeek: Next Edit Suggestions", (), ("nextEdit",)),
    ("DeepSeek: Other Backends", ("backend",), ("openaiFim", "llamaCpp", "codestral")),
    ("DeepSeek: Usage", (), ("price",)),
]  # fmt: skip
OTHER_SECTION = "DeepSeek: More"
RESOURCE_SCOPE = ("exclude",)
# A workspace may add to these lists, never remove from them (the server enforces it too).
ADDITIVE = ("exclude",)
# Server settings the extension sets itself: not user settings in VS Code. completionProgress:
# the extension's status bar item already shows a completion in flight, so no `$/progress`.
# A key the server does not know (yet) is only logged by it, so this works with any server.
EXTENSION_SET: dict[str, Any] = {"completionProgress": False}
# The extension's settings that start a process: not read from an untrusted workspace.
CLIENT_RESTRICTED = ["ds-lsp.serverPath", "ds-lsp.pythonPath", "ds-lsp.serverArgs"]

# The extension's own settings (never sent to the server).
CLIENT_SECTION = {
    "title": "DeepSeek: Server",
    "properties": {
        "ds-lsp.serverPath": {
            "type": "string",
            "default": "",
            "scope": "machine",
            "markdownDescription": "Path to the `ds-lsp` executable. Empty: the server bundled "
            "with the extension, run by a Python 3.11+ (`#ds-lsp.pythonPath#`), else `ds-lsp` "
            "on `PATH`. Changing it restarts the server.",
        },
        "ds-lsp.pythonPath": {
            "type": "string",
            "default": "",
            "scope": "machine",
            "markdownDescription": "Python 3.11+ interpreter that runs the bundled server "
            "(`python -m ds_lsp`). Empty: the interpreter selected in the Python extension, "
            "else `python.defaultInterpreterPath`, else `python3` on `PATH`.",
        },
        "ds-lsp.serverArgs": {
            "type": "array",
            "items": {"type": "string"},
            "default": [],
            "scope": "machine",
            "markdownDescription": "Extra command-line arguments for the server, e.g. "
            '`["--log-level", "DEBUG"]`. Its log appears in **DeepSeek: Show Output**.',
        },
        "ds-lsp.trace.server": {
            "type": "string",
            "enum": ["off", "messages", "verbose"],
            "default": "off",
            "scope": "window",
            "markdownDescription": "Log the LSP messages between VS Code and the server in the "
            "output channel (set the channel's log level to Trace to see them).",
        },
    },
}


def is_secret(key: str) -> bool:
    return key == "apiKey" or key.endswith("ApiKey")


def is_user_only(key: str) -> bool:
    """What the server takes from your own config only (config.restricted_keys(): where your
    key and code go, and what your key spends): user settings, sent at initialization."""
    return key in config.restricted_keys()


def is_user_setting(key: str) -> bool:
    """A server setting that VS Code shows in its Settings UI."""
    return not is_secret(key) and key not in EXTENSION_SET


def section_of(key: str) -> str:
    for title, keys, prefixes in SECTIONS:
        if key in keys or key.startswith(prefixes):
            return title
    return OTHER_SECTION


def json_type(f: dataclasses.Field) -> Any:
    return {
        "str | None": ["string", "null"],
        "float | None": ["number", "null"],
        "str": "string",
        "int": "integer",
        "float": "number",
        "bool": "boolean",
        "list[str]": "array",
    }[str(f.type)]


def prop(key: str, f: dataclasses.Field, default: Any, order: int) -> dict[str, Any]:
    p: dict[str, Any] = {"type": json_type(f), "default": default}
    if p["type"] == "array":
        p["items"] = {"type": "string"}
    allowed = config.choices(f)
    if allowed and p["type"] == "array":  # each item is one of them
        p["items"]["enum"] = list(allowed)
    elif allowed:
        p["enum"] = list(allowed)
        if key in ENUM_DESCRIPTIONS:
            p["enumDescriptions"] = ENUM_DESCRIPTIONS[key]
    if f.name in config.BOUNDS:
        low, high = config.BOUNDS[f.name]
        p["minimum"], p["maximum"] = low, high
    doc = DESCRIPTIONS.get(key) or f.metadata["doc"]
    env = f.metadata.get("env")
    if env and key not in DESCRIPTIONS:
        doc += f" Unset: the `{env}` environment variable."
    if is_user_only(key) and "User settings only" not in doc:
        doc += (
            " User settings only, so that a workspace cannot send your key or code elsewhere."
            if config.follows_the_key(key)
            else " User settings only, so that a workspace cannot spend more of your key."
        )
    p["markdownDescription"] = doc
    p["scope"] = (
        "application" if is_user_only(key)
        else "resource" if key in RESOURCE_SCOPE
        else "window"
    )  # fmt: skip
    p["order"] = order
    return p


def configuration() -> list[dict[str, Any]]:
    defaults = config.defaults_as_json()
    titles = [t for t, _, _ in SECTIONS] + [OTHER_SECTION]
    sections: dict[str, dict[str, Any]] = {t: {} for t in titles}
    for order, (key, f) in enumerate(config.FIELDS.items()):
        if is_user_setting(key):
            sections[section_of(key)][f"ds-lsp.{key}"] = prop(key, f, defaults[key], order)
    result = [{"title": t, "properties": props} for t, props in sections.items() if props]
    client = json.loads(json.dumps(CLIENT_SECTION))
    for i, p in enumerate(client["properties"].values()):
        p["order"] = 1000 + i
    return [*result, client]


def restricted_configurations() -> list[str]:
    """Settings VS Code ignores in an untrusted workspace (package.json `capabilities`)."""
    user_only = [f"ds-lsp.{k}" for k in config.FIELDS if is_user_setting(k) and is_user_only(k)]
    return CLIENT_RESTRICTED + user_only


def generated_ts() -> str:
    keys = [k for k in config.FIELDS if is_user_setting(k)]
    user_only = [k for k in keys if is_user_only(k)]
    additive = [k for k in keys if k in ADDITIVE]
    env = {k: f.metadata["env"] for k, f in config.FIELDS.items()
           if f.metadata.get("env") and is_user_setting(k)}  # fmt: skip
    secrets = {k: f.metadata["env"] for k, f in config.FIELDS.items() if is_secret(k)}
    return (
        "// Generated by scripts/sync_settings.py from ds_lsp/config/settings.py: do not edit.\n\n"
        "/** Every server setting the extension passes (camelCase, section `ds-lsp`). */\n"
        f"export const SERVER_KEYS = {json.dumps(keys, indent=4)} as const;\n\n"
        "/** Server settings that the server also reads from an environment variable. */\n"
        "export const ENV_KEYS: Readonly<Record<string, string>> = "
        f"{json.dumps(env, indent=4)};\n\n"
        "/** Secret settings: kept in SecretStorage, passed as these environment variables. */\n"
        "export const SECRET_ENV: Readonly<Record<string, string>> = "
        f"{json.dumps(secrets, indent=4)};\n\n"
        "/** Where requests go: read from user settings only, sent only at initialization. */\n"
        f"export const USER_ONLY_KEYS = {json.dumps(user_only, indent=4)} as const;\n\n"
        "/** Lists a workspace may add to, never remove from. */\n"
        f"export const ADDITIVE_KEYS = {json.dumps(additive, indent=4)} as const;\n\n"
        "/** Server settings the extension sets itself (not user settings in VS Code). */\n"
        "export const EXTENSION_SET: Readonly<Record<string, unknown>> = "
        f"{json.dumps(EXTENSION_SET, indent=4)};\n"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when the files are stale")
    args = parser.parse_args(argv)
    package = json.loads(PACKAGE_JSON.read_text(encoding="utf-8"))
    wanted_config = configuration()
    wanted_restricted = restricted_configurations()
    wanted_ts = generated_ts()
    current_ts = GENERATED_TS.read_text(encoding="utf-8") if GENERATED_TS.exists() else ""
    untrusted = package["capabilities"]["untrustedWorkspaces"]
    stale = (
        package["contributes"]["configuration"] != wanted_config
        or untrusted.get("restrictedConfigurations") != wanted_restricted
        or current_ts != wanted_ts
    )
    if args.check:
        if stale:
            print("stale: run python vscode-extension/scripts/sync_settings.py", file=sys.stderr)
        return 1 if stale else 0
    package["contributes"]["configuration"] = wanted_config
    untrusted["restrictedConfigurations"] = wanted_restricted
    PACKAGE_JSON.write_text(json.dumps(package, indent=2, ensure_ascii=False) + "\n", "utf-8")
    GENERATED_TS.write_text(wanted_ts, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

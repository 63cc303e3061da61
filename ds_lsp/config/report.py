"""What resolving the settings found, said in few lines: unknown keys (one line, however
many: a workspace may send thousands), bad values (one line each, capped), the settings a
workspace layer may not set (one line listing them), and a workspace that sends completions
to an endpoint of its own (said once). The caller shows `messages()`."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from ds_lsp.config.settings import FIELDS

SHOWN_UNKNOWN = 8  # unknown keys named in the one line (each asked for a "did you mean")
SHOWN_INVALID = 10  # bad-value lines shown; the rest are counted
KEY_CHARS = 40  # an unknown key is quoted up to this long
SUGGEST_CHARS = 64  # a longer unknown key gets no "did you mean" (difflib is quadratic)
IGNORED_WHY = (
    "what your key may spend (model, token limits, budgets, prices, cache, requests asked "
    "ahead) and where it goes are set only by your own editor config "
    "(initializationOptions) or the environment, unless the workspace settings also give a "
    "key of their own (SECURITY.md)"
)


@dataclass
class ParseReport:
    """What a resolve found: unknown keys (each once), bad values (one line each, ready to
    show), settings a workspace layer may not set (see `trust`), and notices."""

    unknown: list[str] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    _unknown_seen: set[str] = field(default_factory=set, repr=False)

    def add_unknown(self, key: str) -> None:
        """An unknown key (a key given by several layers counts once)."""
        if key not in self._unknown_seen:
            self._unknown_seen.add(key)
            self.unknown.append(key)

    def messages(self) -> list[str]:
        """Everything to tell the user, one line each, in few lines whatever came in."""
        lines = [unknown_line(self.unknown)] if self.unknown else []
        lines += self.invalid[:SHOWN_INVALID]
        if len(self.invalid) > SHOWN_INVALID:
            more = len(self.invalid) - SHOWN_INVALID
            lines.append(f"{more} more settings have bad values and keep theirs (see the log)")
        if self.ignored:
            lines.append(ignored_line(list(dict.fromkeys(self.ignored))))
        return lines + list(dict.fromkeys(self.notices))


def unknown_line(keys: list[str]) -> str:
    """One line for every unknown key: the first few named, with what each likely meant."""
    if len(keys) == 1:
        meant = suggestion(keys[0])
        hint = f"; did you mean `{meant}`?" if meant else " (see the ds-lsp README)"
        return f"unknown setting `{_quoted(keys[0])}` ignored{hint}"
    named = []
    for key in keys[:SHOWN_UNKNOWN]:
        meant = suggestion(key)
        named.append(f"`{_quoted(key)}`" + (f" (did you mean `{meant}`?)" if meant else ""))
    more = f" and {len(keys) - SHOWN_UNKNOWN:,} more" if len(keys) > SHOWN_UNKNOWN else ""
    return f"unknown settings ignored: {', '.join(named)}{more} (see the ds-lsp README)"


def ignored_line(keys: list[str]) -> str:
    """One line for every setting a workspace layer gave and may not set."""
    named = ", ".join(f"`{k}`" for k in keys)
    verb = "is" if len(keys) == 1 else "are"
    return f"{named} from the workspace settings {verb} ignored: {IGNORED_WHY}"


def suggestion(key: str) -> str | None:
    """The setting a misspelled key most likely meant (`debounceMS` -> `debounceMs`)."""
    if len(key) > SUGGEST_CHARS:
        return None
    by_lower = {k.lower(): k for k in FIELDS}
    if key.lower() in by_lower:
        return by_lower[key.lower()]
    close = difflib.get_close_matches(key, list(FIELDS), n=1, cutoff=0.7)
    return str(close[0]) if close else None


def _quoted(key: str) -> str:
    """A key as a message quotes it: printable, without backticks, at most KEY_CHARS long."""
    text = "".join(c if c.isprintable() and c != "`" else "?" for c in key[: KEY_CHARS + 1])
    return text if len(text) <= KEY_CHARS else text[: KEY_CHARS - 1] + "…"

"""Telling the user about upstream problems: once per kind, in words they can act on.

`UI` is what the core may say to the editor (the LSP layer turns it into
`window/showMessage` and `ds-lsp/status`); `ProblemNotifier` shows each kind of problem
once until a success shows it was fixed; `LatencyHealth` notices when completions get slow
or keep timing out.
"""

from __future__ import annotations

import logging
from collections import deque

log = logging.getLogger(__name__)

KEYS_PAGE = "https://platform.deepseek.com/api_keys"
# clients whose users set the key with the VS Code extension's command
VS_CODE_FAMILY = ("visual studio code", "code - oss", "code-server", "vscodium", "cursor")

MESSAGES = {
    "auth": "The server rejected the API key (401). To set a valid one, {advice}.",
    "key_wanted": "The server at {url} asks for an API key (401) and none is set. To set one, "
    "{advice}.",
    "no_key": "No DeepSeek API key. To set one, {advice}. Keys: " + KEYS_PAGE,
    "balance": "DeepSeek says the account balance is insufficient (402). Top up at "
    "https://platform.deepseek.com/top_up; completions resume by themselves.",
    "network": "ds-lsp cannot reach {url}: {detail}. Check the base URL setting and your "
    "network or proxy.",
    "bad_request": "DeepSeek rejected the request ({status}): {detail}",
}

LATENCY_CAUSES = (
    " Likely causes: a slow network or proxy, DeepSeek under load (it queues requests and "
    "sends keep-alive lines meanwhile), or a large prompt (lower maxPrefixChars)."
)


def key_advice(client: str | None, setting: str = "apiKey", env: str = "DEEPSEEK_API_KEY") -> str:
    """How to set the key, in the words of the user's editor."""
    if setting == "apiKey" and client and any(n in client.lower() for n in VS_CODE_FAMILY):
        return "run 'DeepSeek: Set API Key' from the command palette"
    return (
        f"set {env}=... in the environment your editor starts from, or `{setting}` in the "
        "initializationOptions of your editor's ds-lsp config"
    )


class UI:
    """What the core tells the editor; the LSP layer replaces these with notifications."""

    def show_message(self, level: str, text: str) -> None:
        log.warning("%s: %s", level, text)

    def status(self, state: str, message: str | None = None) -> None:
        """idle, fetching, error (with a short reason), disabled, or snoozed (until when)."""


class ProblemNotifier:
    """One message per kind of problem until a success shows it was fixed."""

    def __init__(self, ui: UI) -> None:
        self.ui = ui
        self._shown: set[str] = set()

    def report(self, kind: str, level: str, text: str) -> None:
        if kind in self._shown:
            return
        self._shown.add(kind)
        self.ui.show_message(level, text)

    def resolved(self) -> None:
        """A success: every problem but slowness may be reported again when it comes back."""
        self._shown &= {"latency"}

    def forget(self, kind: str) -> None:
        self._shown.discard(kind)


class LatencyHealth:
    """Recent completion latencies and timeouts; judges them once enough are in."""

    def __init__(self, window: int = 20, slow_s: float = 2.0, timeout_share: float = 0.3):
        self._recent: deque[float | None] = deque(maxlen=window)
        self.slow_s, self.timeout_share = slow_s, timeout_share

    def add(self, latency: float | None, timed_out: bool) -> str | None:
        """Record one completion; the problem to report, if any."""
        self._recent.append(None if timed_out else latency)
        if len(self._recent) < (self._recent.maxlen or 0) // 2:
            return None
        timeouts = sum(1 for x in self._recent if x is None)
        share = timeouts / len(self._recent)
        if share >= self.timeout_share:
            return f"ds-lsp: {share:.0%} of recent completions timed out."
        times = sorted(x for x in self._recent if x is not None)
        median = times[len(times) // 2] if times else 0.0
        if median >= self.slow_s:
            return (
                f"ds-lsp: completions are slow (median {median:.1f} s over the last {len(times)})."
            )
        return None

    def healthy(self) -> bool:
        return all(x is not None and x < self.slow_s for x in list(self._recent)[-5:])

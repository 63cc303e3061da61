"""Whether a request gets a suggestion at all, before anything is asked upstream.

For a document: `enable`, `disabledLanguages`, `exclude`. The exclusion of a document is
decided once per document, settings and file identity (it runs on every request otherwise):
a settings change, closing the document, or its file becoming another file (a symlink to a
secret after a checkout) decides it again.

For an automatic request (the editor asking as the user types), the noise controls:
`trigger: "manual"`, a snooze (`snooze(minutes)`: automatic suggestions pause, then resume
by themselves), and `quietIn` (inside comments or strings, see quiet.py). An invoked request
(the user asked: triggerKind 1) is always answered, as Copilot answers Alt+\\ while snoozed.
"""

from __future__ import annotations

import math
import time
from typing import Any

from ds_lsp.completion.quiet import place
from ds_lsp.config import Settings
from ds_lsp.documents import Document
from ds_lsp.exclusion import file_identity, is_excluded

DEFAULT_SNOOZE_MINUTES = 5.0
MAX_SNOOZE_MINUTES = 24 * 60.0


class Gate:
    """The settings' on/off switches for one document, and the noise controls."""

    def __init__(self, settings: Settings, root_path: str | None = None) -> None:
        self.settings = settings
        self.root_path = root_path
        self._excluded: dict[str, tuple[tuple[int, int, int] | None, bool]] = {}
        self.snoozed_until: float | None = None  # time.monotonic() when suggestions resume
        self._folders: list[str] = []

    @property
    def folders(self) -> list[str]:
        """Every workspace folder (the root's alone when none are known): an anchored
        `exclude` glob (`/config/prod.py`) applies under each."""
        return self._folders or ([self.root_path] if self.root_path else [])

    @folders.setter
    def folders(self, folders: list[str]) -> None:
        self._folders = list(folders)
        self._excluded.clear()

    def update(self, settings: Settings) -> None:
        self.settings = settings
        self._excluded.clear()

    def allows(self, doc: Document) -> bool:
        """Completions are on, the language is not disabled, the file is not excluded and
        holds no private key."""
        s = self.settings
        if not s.enable or doc.language_id in s.disabled_languages:
            return False
        return not self.excluded(doc.uri) and not doc.holds_private_key()

    def excluded(self, uri: str) -> bool:
        """Whether `exclude` keeps this document's text from going upstream."""
        identity = file_identity(uri)
        known = self._excluded.get(uri)
        if known is None or known[0] != identity:
            decided = is_excluded(uri, self.settings.exclude, self.folders)
            known = self._excluded[uri] = (identity, decided)
        return known[1]

    def forget(self, uri: str) -> None:
        self._excluded.pop(uri, None)

    # ---- noise controls (automatic requests only) ---------------------------------------------
    def holds_back(self) -> bool:
        """Automatic requests get nothing now: `trigger` is manual, or suggestions snooze."""
        return self.settings.trigger == "manual" or self.snoozing()

    def quiet_at(self, prefix: str, language_id: str) -> bool:
        """The cursor (the end of the prompt's `prefix`) is where `quietIn` keeps quiet."""
        quiet_in = self.settings.quiet_in
        return bool(quiet_in) and place(prefix, language_id) in quiet_in

    def snooze(self, minutes: float) -> float | None:
        """Pause automatic suggestions for `minutes` (0: resume now); returns the seconds
        until they resume by themselves, None when they run."""
        if minutes <= 0:
            self.snoozed_until = None
            return None
        seconds = min(minutes, MAX_SNOOZE_MINUTES) * 60
        self.snoozed_until = time.monotonic() + seconds
        return seconds

    def snoozing(self) -> bool:
        if self.snoozed_until is not None and time.monotonic() >= self.snoozed_until:
            self.snoozed_until = None  # over by itself
        return self.snoozed_until is not None


def snooze_minutes(arguments: list[Any]) -> float:
    """The minutes a `ds-lsp.snooze` command asks for: its first argument, a number or
    `{"minutes": n}`; none (or nonsense): DEFAULT_SNOOZE_MINUTES; 0 resumes."""
    first = arguments[0] if arguments else None
    if isinstance(first, dict):
        first = first.get("minutes")
    if isinstance(first, bool) or not isinstance(first, (int, float, str)):
        return DEFAULT_SNOOZE_MINUTES
    try:
        minutes = float(first)
    except ValueError:
        return DEFAULT_SNOOZE_MINUTES
    if not math.isfinite(minutes) or minutes < 0:
        return DEFAULT_SNOOZE_MINUTES
    return min(minutes, MAX_SNOOZE_MINUTES)

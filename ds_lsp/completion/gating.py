"""Whether a document may be completed at all: `enable`, `disabledLanguages`, `exclude`.

The exclusion of a document is decided once per document, settings and file identity (it
runs on every request otherwise): a settings change, closing the document, or its file
becoming another file (a symlink to a secret after a checkout) decides it again.
"""

from __future__ import annotations

from ds_lsp.config import Settings
from ds_lsp.documents import Document
from ds_lsp.exclusion import file_identity, is_excluded


class Gate:
    """The settings' on/off switches for one document."""

    def __init__(self, settings: Settings, root_path: str | None = None) -> None:
        self.settings = settings
        self.root_path = root_path
        self._excluded: dict[str, tuple[tuple[int, int, int] | None, bool]] = {}
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

"""Whether a document may be completed at all: `enable`, `disabledLanguages`, `exclude`.

The exclusion of a document is decided once per document and settings (it runs on every
request otherwise); a settings change or closing the document forgets it.
"""

from __future__ import annotations

from ds_lsp.config import Settings
from ds_lsp.documents import Document
from ds_lsp.exclusion import is_excluded


class Gate:
    """The settings' on/off switches for one document."""

    def __init__(self, settings: Settings, root_path: str | None = None) -> None:
        self.settings = settings
        self.root_path = root_path
        self._excluded: dict[str, bool] = {}

    def update(self, settings: Settings) -> None:
        self.settings = settings
        self._excluded.clear()

    def allows(self, doc: Document) -> bool:
        """Completions are on, the language is not disabled, the file is not excluded."""
        s = self.settings
        if not s.enable or doc.language_id in s.disabled_languages:
            return False
        return not self.excluded(doc.uri)

    def excluded(self, uri: str) -> bool:
        """Whether `exclude` keeps this document's text from going upstream."""
        known = self._excluded.get(uri)
        if known is None:
            known = self._excluded[uri] = is_excluded(uri, self.settings.exclude, self.root_path)
        return known

    def forget(self, uri: str) -> None:
        self._excluded.pop(uri, None)

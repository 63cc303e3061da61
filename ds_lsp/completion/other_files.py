"""Context from other files: the definitions the cursor needs, opening the prompt.

The snippets come from ds_lsp.workspace (open documents and the files the current file
imports, read from disk under the workspace folders unless `workspaceContext` is off), each
tagged with its relative path as a comment in the document's language; the header comment
and the prefix window follow (completion/ask.py). The block is frozen while the user types
in one place and only grows by appending, so consecutive prompts keep their opening for
DeepSeek's prefix cache.
"""

from __future__ import annotations

from collections.abc import Iterable

from ds_lsp.completion.gating import Gate
from ds_lsp.documents import Document, DocumentStore
from ds_lsp.exclusion import is_excluded
from ds_lsp.languages import comment
from ds_lsp.window import Window
from ds_lsp.workspace import Workspace
from ds_lsp.workspace.families import shares_definitions

Parts = tuple[tuple[str, str], ...]  # (relative path, snippet)


def render(parts: Iterable[tuple[str, str]], language: str) -> str:
    """The snippets as prompt text, each under a comment naming its path."""
    return "".join(f"{comment(language, path)}\n{text}\n" for path, text in parts)


class OtherFiles:
    """The workspace context of each document's prompt (built at the first completion)."""

    def __init__(self, docs: DocumentStore, gate: Gate) -> None:
        self.docs = docs
        self.gate = gate
        self._workspace: Workspace | None = None
        self._exclusion: dict[str, tuple[int, bool]] = {}  # uri -> (version, excluded)

    @property
    def roots(self) -> list[str]:
        """The workspace folders (the gate holds them: exclusion applies under each)."""
        return self.gate.folders

    @roots.setter
    def roots(self, roots: list[str]) -> None:
        self.gate.folders = roots

    def parts(self, doc: Document, window: Window, budget: int) -> Parts:
        """Definitions for the cursor of `doc`, within `budget` characters."""
        others = [
            d
            for d in self.docs
            if d.uri != doc.uri
            and (
                d.language_id == doc.language_id
                or shares_definitions(doc.language_id, d.language_id)
            )
            and not self._excluded(d)
        ]
        return tuple(self.workspace.context_block(doc, window, others, budget))

    @property
    def workspace(self) -> Workspace:
        if self._workspace is None:
            self._workspace = Workspace(
                self.roots, self._excluded_path, read_disk=self.gate.settings.workspace_context
            )
        return self._workspace

    def _excluded(self, doc: Document) -> bool:
        """Whether another open document stays out of the prompt (`exclude`, or a private
        key in its text), kept while its version stays (a stat per open document per
        completion adds up with thousands of tabs)."""
        known = self._exclusion.get(doc.uri)
        if known is None or known[0] != doc.version:
            refused = self.gate.excluded(doc.uri) or doc.holds_private_key()
            known = self._exclusion[doc.uri] = (doc.version, refused)
        return known[1]

    def _excluded_path(self, path: str) -> bool:
        return is_excluded(path, self.gate.settings.exclude, self.gate.folders)

    def clear(self) -> None:
        """Settings changed (exclusion, the disk switch): everything is built again."""
        self._workspace = None
        self._exclusion.clear()

    def forget(self, uri: str) -> None:
        self._exclusion.pop(uri, None)
        if self._workspace is not None:
            self._workspace.forget(uri)

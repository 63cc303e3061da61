"""The workspace context block: definitions the cursor needs, from open files and disk.

`Workspace.context_block` is the one entry point of the completion pipeline. For the
wanted names (`ranking.wanted`) `lookup` finds definitions in this order: the files the
current file's imports name (open, else read from disk under the workspace root, following
re-exports two hops), files imported wholesale and the same package's files (Go, Java,
Kotlin), then other open documents of the language. `packing` fits them per definition
within the budget (a long one trimmed, not dropped), then the region last edited in other
open files, then import lines, each file's lines in source order under its relative path.

Stability: the block is frozen per document while the window's start line and the other
open documents' versions stay the same, so consecutive prompts share their opening and hit
DeepSeek's prefix cache. When the cursor's callee (or a name on its line) resolves to a
definition the frozen block lacks and budget is left, it is appended at the end: the
opening stays byte-identical. Outputs depend only on the inputs and the files' contents.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from ds_lsp.documents import Document
from ds_lsp.window import Window
from ds_lsp.workspace import ranking
from ds_lsp.workspace.families import family, shares_definitions
from ds_lsp.workspace.files import FileReader, path_of
from ds_lsp.workspace.imports import Imports, Resolver, parse_imports
from ds_lsp.workspace.lookup import HEAD_LINES, MAX_OPEN_CHARS, Lookup, Request
from ds_lsp.workspace.packing import Packer

MAX_NEW_FILES = 8  # files read from disk per rebuilt block
MAX_NEW_FILES_APPEND = 2  # ... per keystroke that appends
MAX_NEW_FILES_CALLEE = 24  # ... for the callee (re-exports, a package's files)
SAME_PACKAGE = ("go", "java", "kotlin")  # families whose package spans a folder
HEAD_CACHE = 16  # parsed import heads kept (one per recently completed document)


MAX_LOOKED_UP = 256  # sets of line names a block remembers having looked up


@dataclass
class _Frozen:
    """A document's context block while its window start and the other documents stay
    the same. Nothing in it grows with the number of open documents."""

    key: tuple[int, int, int]  # window start, count and hash of the others' versions
    parts: list[tuple[str, str]]
    used: int
    shown: set[tuple[str, int]]  # (path, line) of definitions in the block
    looked_up: set[tuple[tuple[str, ...], ...]] = field(default_factory=set)  # by _append


class Workspace:
    """Definitions for the prompt from the workspace's files. Pure: no LSP types; disk
    access only through an exclusion-checked, size-capped, cached `FileReader`."""

    def __init__(
        self,
        roots: Iterable[str] = (),
        excluded: Callable[[str], bool] = bool,
        max_file_bytes: int = 256 * 1024,
        read_disk: bool = True,
        max_new_files: int = MAX_NEW_FILES,
    ) -> None:
        self.read_disk = read_disk
        self.max_new_files = max_new_files
        self.files = FileReader([os.path.abspath(r) for r in roots], excluded, max_file_bytes)
        self._blocks: dict[str, _Frozen] = {}
        self._heads: dict[tuple[str | None, str], tuple[Imports, str]] = {}
        self.lookup = Lookup(self.files, read_disk)

    # ---- the entry point ----------------------------------------------------------------
    def context_block(
        self, doc: Document, window: Window, open_docs: Iterable[Document], budget: int
    ) -> list[tuple[str, str]]:
        """(relative path, snippet) parts for the prompt's opening, within `budget`."""
        fam = family(doc.language_id)
        if budget <= 0:
            return []
        others = sorted(
            (
                d
                for d in open_docs
                if d.uri != doc.uri and shares_definitions(doc.language_id, d.language_id)
            ),
            key=lambda d: d.uri,
        )
        # the other documents' versions as one number: a block's key must not grow with
        # the number of open documents (one key per document: memory would be quadratic)
        key = (window.start_line, len(others), hash(tuple((d.uri, d.version) for d in others)))
        frozen = self._blocks.get(doc.uri)
        if frozen is not None and frozen.key == key:
            self._append(doc, fam, frozen, window, others, budget)
            return list(frozen.parts)
        frozen = self._build(doc, fam, window, others, budget, key)
        self._blocks[doc.uri] = frozen
        self._prune({d.uri for d in others} | {doc.uri})
        return list(frozen.parts)

    def forget(self, uri: str) -> None:
        """A document closed: drop its frozen block and name filter."""
        self._blocks.pop(uri, None)
        self.lookup.forget(uri)

    # ---- building -----------------------------------------------------------------------
    def _build(
        self,
        doc: Document,
        fam: str | None,
        window: Window,
        others: list[Document],
        budget: int,
        key: tuple[int, int, int],
    ) -> _Frozen:
        request = self._request(doc, fam, others)
        self.files.budget = self.max_new_files if self.read_disk else 0
        chains = (
            ranking.wanted(window.prefix, window.suffix, window.line_prefix, window.line_suffix)
            if fam and self._anywhere_to_look(request, fam, others)
            else []
        )
        packer = Packer(budget, self._relative)
        callee = ranking.callee(window.line_prefix)
        for chain in chains:
            if chain == callee and self.read_disk:  # the callee may look further
                self.files.budget = max(self.files.budget, MAX_NEW_FILES_CALLEE)
            elif self.files.budget > self.max_new_files:
                self.files.budget = self.max_new_files
            for path, definition in self.lookup.find(request, chain, callee=chain == callee):
                packer.add(
                    path,
                    definition,
                    self.lookup.parent_line(request, path, definition),
                    first=chain == callee,
                )
        for other in others:  # the region last edited in other open files
            if packer.full():
                break
            packer.add_edit(path_of(other.uri), other)
        for path in packer.files():
            packer.add_imports(path, self.lookup.outline(request, path))
        # path order: a block rebuilt for a moved window keeps most of its opening
        parts = sorted(packer.render())
        return _Frozen(key, parts, packer.used_total(), packer.shown())

    @staticmethod
    def _anywhere_to_look(request: Request, fam: str, others: list[Document]) -> bool:
        """Whether a definition could come from anywhere: other open files, the file's own
        imports, or (Go, Java, Kotlin) its package's other files. A lone file that imports
        nothing skips the ranking (it is most of a rebuild's cost)."""
        imports = request.imports
        return bool(others or imports.bound or imports.stars) or fam in SAME_PACKAGE

    def _append(
        self,
        doc: Document,
        fam: str | None,
        frozen: _Frozen,
        window: Window,
        others: list[Document],
        budget: int,
    ) -> None:
        """Add the cursor's callee (or a name on its line) when the block lacks it."""
        if fam is None or frozen.used >= budget - 40:
            return
        # each append costs one prompt whose window misses the prefix cache: only names
        # whose signature the line needs (calls, constructions, attribute access)
        line_names: list[tuple[str, ...]] = []
        callee = ranking.callee(window.line_prefix)
        if callee:
            line_names.append(callee)
        line_names += ranking.used_on_line(window.line_prefix + window.line_suffix)[:4]
        names = tuple(dict.fromkeys(line_names))
        if names in frozen.looked_up:  # the same names on the same block: nothing new to add
            return
        request = self._request(doc, fam, others)
        request.open_chars = MAX_OPEN_CHARS // 4
        self.files.budget = MAX_NEW_FILES_APPEND if self.read_disk else 0
        packer = Packer(budget - frozen.used, self._relative, frozen.shown)
        for chain in names:
            if chain == callee and self.read_disk:
                self.files.budget = MAX_NEW_FILES_CALLEE // 3
            elif self.files.budget > MAX_NEW_FILES_APPEND:
                self.files.budget = MAX_NEW_FILES_APPEND
            for path, definition in self.lookup.find(request, chain, callee=chain == callee):
                if (path, definition.line) not in frozen.shown:
                    packer.add(
                        path,
                        definition,
                        self.lookup.parent_line(request, path, definition),
                        first=chain == callee,
                    )
        spent = self.read_disk and self.files.budget <= 0
        if not spent and len(frozen.looked_up) < MAX_LOOKED_UP:
            frozen.looked_up.add(names)  # all there is was looked at (no read budget ran out)
        parts = packer.render()
        if parts:
            frozen.parts.extend(parts)
            frozen.used += packer.used_total()
            frozen.shown |= packer.shown()

    def _own_imports(self, head: str, fam: str | None) -> tuple[Imports, str]:
        """The current file's imports and package, parsed once per distinct head (the head
        rarely changes while the user types further down)."""
        key = (fam, head)
        known = self._heads.get(key)
        if known is None:
            imports = parse_imports(head, fam) if fam else Imports()
            package = imports.bound.pop("\x00package", ("", ""))[0]
            known = self._heads[key] = (imports, package)
            while len(self._heads) > HEAD_CACHE:
                del self._heads[next(iter(self._heads))]
        imports, package = known
        return Imports(dict(imports.bound), list(imports.stars)), package

    def _request(self, doc: Document, fam: str | None, others: list[Document]) -> Request:
        path = path_of(doc.uri)
        imports, package = self._own_imports(_import_head(doc, fam), fam)
        resolver = None
        open_by_path = {path_of(d.uri): d for d in others}
        if fam is not None:
            root = self._root_of(path)

            def is_file(candidate: str) -> bool:  # an open document counts as a file
                return candidate in open_by_path or self.lookup.is_file(candidate)

            def list_dir(folder: str) -> list[str]:
                names = self.files.list_dir(folder) if self.read_disk else []
                opened = [os.path.basename(p) for p in open_by_path if os.path.dirname(p) == folder]
                return sorted({*names, *opened})

            resolver = Resolver(
                path,
                fam,
                root,
                is_file,
                list_dir,
                self.files.read_small,
                package,
                self.files.read_json,
            )
        return Request(path, fam or "", imports, resolver, open_by_path)

    # ---- helpers ------------------------------------------------------------------------
    def _root_of(self, path: str) -> str | None:
        for root in self.files.roots:
            if path == root or path.startswith(root.rstrip(os.sep) + os.sep):
                return root
        return None

    def _relative(self, path: str) -> str:
        root = self._root_of(path)
        if root:
            return os.path.relpath(path, root).replace(os.sep, "/")
        return os.path.basename(path)

    def _prune(self, open_uris: set[str]) -> None:
        for uri in [u for u in self._blocks if u not in open_uris]:
            del self._blocks[uri]
        self.lookup.prune(open_uris)

    @property
    def index_bytes(self) -> int:
        """Bytes held by cached outlines and name filters (for the bench)."""
        return self.files.cached_bytes + self.lookup.filter_bytes


_LATE_IMPORT = {
    "python": re.compile(r"^(?:from\s+\S+\s+import\s+|import\s+)[\w., ]+(?:#[^\n]*)?$", re.M),
    "ts": re.compile(r"^import\s[^\n]*\bfrom\s*[\"'][^\"'\n]+[\"'];?$", re.M),
}
LATE_IMPORT_CHARS = 256 * 1024  # documents this small are searched for imports below the head


def _import_head(doc: Document, fam: str | None) -> str:
    """The document's first lines, and its top-level one-line imports further down
    (`from . import datastructures as ds` at the end of a module, against a cycle)."""
    head = doc.text.lines(0, HEAD_LINES)
    late = _LATE_IMPORT.get(fam or "")
    if late is None or doc.text.line_count <= HEAD_LINES or len(doc.text) > LATE_IMPORT_CHARS:
        return head
    rest = doc.text.full()[len(head) :]
    found = [m.group() for m in late.finditer(rest)]
    return head + "\n" + "\n".join(found) if found else head

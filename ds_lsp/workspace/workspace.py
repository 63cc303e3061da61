"""The workspace context block: definitions the cursor needs, from open files and disk.

`Workspace.context_block` is the one entry point of the completion pipeline. For the
wanted names (`ranking.wanted`) it finds definitions in this order: the files the current
file's imports name (open, else read from disk under the workspace root, following
re-exports two hops), files imported wholesale and the same package's files (Go, Java,
Kotlin), then other open documents of the language. It packs them per definition within
the budget (a long one trimmed, not dropped), then the region last edited in other open
files, then import lines, each file's lines in source order under its relative path.

Stability: the block is frozen per document while the window's start line and the other
open documents' versions stay the same, so consecutive prompts share their opening and hit
DeepSeek's prefix cache. When the cursor's callee (or a name on its line) resolves to a
definition the frozen block lacks and budget is left, it is appended at the end: the
opening stays byte-identical. Outputs depend only on the inputs and the files' contents.
"""

from __future__ import annotations

import os
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from ds_lsp.documents import Document
from ds_lsp.exclusion import uri_to_path
from ds_lsp.window import Window
from ds_lsp.workspace import ranking
from ds_lsp.workspace.families import compatible, family, family_of_path
from ds_lsp.workspace.files import FileReader
from ds_lsp.workspace.imports import Imports, Resolver, parse_imports
from ds_lsp.workspace.outline import (
    FLD,
    REC,
    Definition,
    Outline,
    defined_names,
    outline,
    outline_around,
)

HEAD_LINES = 400  # imports are read from the first lines of the current file
MAX_NEW_FILES = 8  # files read from disk per rebuilt block
MAX_NEW_FILES_APPEND = 2  # ... per keystroke that appends
MAX_OPEN_CHARS = 1_500_000  # characters of open documents outlined per request
EDIT_CONTEXT = 4
MAX_HOPS = 2
PART_OVERHEAD = 6  # the path comment line and the blank line after a part
SAME_PACKAGE = ("go", "java", "kotlin")  # families whose package spans a folder
HEAD_CACHE = 16  # parsed import heads kept (one per recently completed document)
BIG_DOC = 64 * 1024  # characters: an open document this big is never outlined whole


@dataclass
class _Frozen:
    key: tuple
    parts: list[tuple[str, str]]
    used: int
    shown: set[tuple[str, int]]  # (path, line) of definitions in the block
    imports: Imports
    resolver: Resolver | None


@dataclass
class _Request:
    """What one lookup needs: the current file, its imports, the open documents."""

    path: str
    fam: str
    imports: Imports
    resolver: Resolver | None
    open_by_path: dict[str, Document]
    open_chars: int = MAX_OPEN_CHARS
    found: dict[tuple[str, ...], list[tuple[str, Definition]]] = field(default_factory=dict)


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
        self._filters: dict[str, tuple[int, int, array]] = {}  # uri -> (version, len, hashes)

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
                if d.uri != doc.uri and self._same_family(fam, doc.language_id, d.language_id)
            ),
            key=lambda d: d.uri,
        )
        key = (window.start_line, tuple((d.uri, d.version) for d in others))
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
        self._filters.pop(uri, None)

    # ---- building -----------------------------------------------------------------------
    def _build(
        self,
        doc: Document,
        fam: str | None,
        window: Window,
        others: list[Document],
        budget: int,
        key: tuple,
    ) -> _Frozen:
        request = self._request(doc, fam, others)
        self.files.budget = self.max_new_files if self.read_disk else 0
        chains = (
            ranking.wanted(window.prefix, window.suffix, window.line_prefix, window.line_suffix)
            if fam and self._anywhere_to_look(request, fam, others)
            else []
        )
        packer = _Packer(budget, self._relative)
        callee = ranking.callee(window.line_prefix)
        for chain in chains:
            for path, definition in self._lookup(request, chain, callee=chain == callee):
                packer.add(
                    path,
                    definition,
                    self._parent_line(request, path, definition),
                    first=chain == callee,
                )
        for other in others:  # the region last edited in other open files
            packer.add_edit(uri_to_path(other.uri), other)
        for path in packer.files():
            packer.add_imports(path, self._outline(request, path))
        # path order: a block rebuilt for a moved window keeps most of its opening
        parts = sorted(packer.render())
        return _Frozen(
            key, parts, packer.used_total(), packer.shown(), request.imports, request.resolver
        )

    @staticmethod
    def _anywhere_to_look(request: _Request, fam: str, others: list[Document]) -> bool:
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
        request = _Request(
            uri_to_path(doc.uri),
            fam,
            frozen.imports,
            frozen.resolver,
            {uri_to_path(d.uri): d for d in others},
            MAX_OPEN_CHARS // 4,
        )
        self.files.budget = MAX_NEW_FILES_APPEND if self.read_disk else 0
        packer = _Packer(budget - frozen.used, self._relative, frozen.shown)
        for chain in dict.fromkeys(line_names):
            for path, definition in self._lookup(request, chain, callee=chain == callee):
                if (path, definition.line) not in frozen.shown:
                    packer.add(
                        path,
                        definition,
                        self._parent_line(request, path, definition),
                        first=chain == callee,
                    )
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

    def _request(self, doc: Document, fam: str | None, others: list[Document]) -> _Request:
        path = uri_to_path(doc.uri)
        imports, package = self._own_imports(doc.text.lines(0, HEAD_LINES), fam)
        resolver = None
        open_by_path = {uri_to_path(d.uri): d for d in others}
        if fam is not None:
            root = self._root_of(path)

            def is_file(candidate: str) -> bool:  # an open document counts as a file
                return candidate in open_by_path or self._is_file(candidate)

            def list_dir(folder: str) -> list[str]:
                names = self.files.list_dir(folder) if self.read_disk else []
                opened = [os.path.basename(p) for p in open_by_path if os.path.dirname(p) == folder]
                return sorted({*names, *opened})

            resolver = Resolver(path, fam, root, is_file, list_dir, self.files.read_small, package)
        return _Request(path, fam or "", imports, resolver, open_by_path)

    # ---- lookup -------------------------------------------------------------------------
    def _lookup(
        self, request: _Request, chain: tuple[str, ...], callee: bool
    ) -> list[tuple[str, Definition]]:
        """Definitions for a chain: its head (and its member when the head is a class or a
        module), via imports first, then wholesale imports and the package, then open
        documents. Short names and `$names` are looked up like any other."""
        if chain in request.found:
            return request.found[chain]
        found: list[tuple[str, Definition]] = []
        head = chain[0]
        if head in ("self", "this", "cls", "super", "Self"):
            if len(chain) == 1:  # `cls(`, `super(`: nothing to look up by name
                request.found[chain] = []
                return []
            chain = chain[1:]
            head = chain[0]
        via_import = self._via_imports(request, chain)
        if via_import is not None:
            found = via_import
        else:
            if len(head) > 1 or callee:
                found = self._in_scope(request, head, chain)
            if not found and len(chain) > 1 and callee:
                found = self._in_scope(request, chain[-1], (chain[-1],), members=True)
        request.found[chain] = found
        return found

    def _via_imports(
        self, request: _Request, chain: tuple[str, ...]
    ) -> list[tuple[str, Definition]] | None:
        bound = request.imports.bound
        for size in range(len(chain), 0, -1):  # `import a.b` binds "a.b": longest first
            local = ".".join(chain[:size])
            if local in bound:
                spec, original = bound[local]
                rest = chain[size:]
                return self._in_spec(request, spec, original, rest, request.path, 0)
        return None

    def _in_spec(
        self,
        request: _Request,
        spec: str,
        original: str,
        rest: tuple[str, ...],
        from_path: str,
        hops: int,
    ) -> list[tuple[str, Definition]]:
        """Definitions `original` (then `rest[0]`, a member or module item) of `spec`."""
        resolver = request.resolver
        if resolver is None or hops > MAX_HOPS:
            return []
        if request.fam in ("java", "kotlin") and original:
            files = resolver.java_class_file(spec, original) or resolver.files(spec, from_path)
        else:
            files = resolver.files(spec, from_path)
        if not original:  # a module: its item
            if not rest:
                return []
            return self._find_in_files(request, files, rest[0], (), from_path, hops)
        found = self._find_in_files(request, files, original, rest, from_path, hops)
        if found or request.fam != "python":
            return found
        # `from pkg import sub` where sub is a module
        sub = spec + ("." if not spec.endswith(".") else "") + original
        if rest:
            return self._find_in_files(
                request, resolver.files(sub, from_path), rest[0], (), from_path, hops
            )
        return []

    def _find_in_files(
        self,
        request: _Request,
        files: list[str],
        name: str,
        rest: tuple[str, ...],
        from_path: str,
        hops: int,
    ) -> list[tuple[str, Definition]]:
        for path in files:
            found = self._outline(request, path)
            if found is None:
                continue
            definition = found.find(name)
            if definition is not None:
                out = [(path, definition)]
                if rest:
                    member = found.find(rest[0])
                    if member is not None and member.line != definition.line:
                        out.append((path, member))
                return out
        for path in files:  # re-exports: `from .x import name`, `export * from "./x"`
            found = self._outline(request, path)
            if found is None or not found.imports:
                continue
            fam = family_of_path(path) or request.fam
            text = "\n".join(line for _, line in found.import_lines())
            imports = parse_imports(text, fam)
            if name in imports.bound:
                spec, original = imports.bound[name]
                result = self._in_spec(
                    request,
                    spec,
                    original or "",
                    rest if original else (name, *rest),
                    path,
                    hops + 1,
                )
                if result:
                    return result
            for spec in imports.stars:
                if request.resolver is None:
                    break
                result = (
                    self._find_in_files(
                        request, request.resolver.files(spec, path), name, rest, path, hops + 1
                    )
                    if hops < MAX_HOPS
                    else []
                )
                if result:
                    return result
        return []

    def _in_scope(
        self, request: _Request, name: str, chain: tuple[str, ...], members: bool = False
    ) -> list[tuple[str, Definition]]:
        """A name not imported by name: wholesale imports, the package, open documents."""
        resolver = request.resolver
        rest = chain[1:]
        if resolver is not None:
            files: list[str] = []
            for spec in request.imports.stars:
                files += resolver.files(spec)
            files += resolver.same_package()
            found = self._find_in_files(
                request, list(dict.fromkeys(files)), name, rest, request.path, 1
            )
            if found and (members or not found[0][1].parent):
                return found
        for path in self._open_candidates(request):
            doc = request.open_by_path[path]
            if not self._may_define(request, doc, name):
                continue
            found_outline = self._outline(request, path)
            definition = found_outline.find(name) if found_outline else None
            if definition is not None and (members or not definition.parent):
                out = [(path, definition)]
                if rest and found_outline is not None:
                    member = found_outline.find(rest[0])
                    if member is not None and member.line != definition.line:
                        out.append((path, member))
                return out
        return []

    def _open_candidates(self, request: _Request) -> list[str]:
        """Other open documents, the current file's folder first, then by path."""
        here = os.path.dirname(request.path)
        return sorted(request.open_by_path, key=lambda p: (os.path.dirname(p) != here, p))

    def _may_define(self, request: _Request, doc: Document, name: str) -> bool:
        """The document's name filter (built with its outline, or by a regex for a big
        document; kept per version): a superset of the names it defines."""
        size = len(doc.text)
        known = self._filters.get(doc.uri)
        if known is None or known[0] != doc.version or known[1] != size:
            if request.open_chars <= 0 or not self._allowed_open(uri_to_path(doc.uri)):
                return False
            request.open_chars -= size
            if size > BIG_DOC:
                fam = family(doc.language_id) or request.fam
                names = defined_names(doc.text.full(), fam)
                self._filters[doc.uri] = (doc.version, size, _hashes(names))
            elif self._outline(request, uri_to_path(doc.uri)) is None:
                return False
            known = self._filters[doc.uri]
        hashes = known[2]
        at = bisect_left(hashes, hash(name))
        return at < len(hashes) and hashes[at] == hash(name)

    def _outline(self, request: _Request, path: str) -> Outline | _BigDoc | None:
        """The outline of a file: its open document's text if open, else the disk's."""
        doc = request.open_by_path.get(path)
        fam = family_of_path(path) or request.fam
        if doc is not None:
            if not self._allowed_open(path):
                return None
            key = "open:" + doc.uri
            size = len(doc.text)
            if size > BIG_DOC:  # outlined around the names looked up, never whole
                return _BigDoc(self.files, doc, family(doc.language_id) or fam)
            found = self.files.cached(key, doc.version, size)
            if found is None:
                text = doc.text.full()
                found = outline(text, family(doc.language_id) or fam)
                self.files.remember(key, doc.version, size, found)
            known = self._filters.get(doc.uri)
            if known is None or known[0] != doc.version or known[1] != size:
                self._filters[doc.uri] = (doc.version, size, _name_hashes(found))
            return found
        if not self.read_disk:
            return None
        return self.files.outline_of(path, fam)

    def _allowed_open(self, path: str) -> bool:
        # open documents are checked like files, but need not lie under a root
        try:
            return not (self.files.excluded(path) or self.files.excluded(os.path.realpath(path)))
        except (OSError, ValueError):
            return False

    def _is_file(self, path: str) -> bool:
        return self.files.is_file(path) if self.read_disk else False

    def _parent_line(self, request: _Request, path: str, definition: Definition) -> str:
        """The header line of a method's class, shown above it."""
        if not definition.parent:
            return ""
        found = self._outline(request, path)
        parent = found.find(definition.parent) if found else None
        if parent is None or parent.parent:
            return ""
        return next(
            (
                ln
                for ln in parent.text.split("\n")
                if not ln.lstrip().startswith(("//", '"""', "#", "/*"))
            ),
            "",
        )

    # ---- helpers ------------------------------------------------------------------------
    @staticmethod
    def _same_family(fam: str | None, language: str, other: str) -> bool:
        if fam is None:
            return language == other
        return compatible(fam, family(other))

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
        for table in (self._blocks, self._filters):
            for uri in [u for u in table if u not in open_uris]:
                del table[uri]

    @property
    def index_bytes(self) -> int:
        """Bytes held by cached outlines and name filters (for the bench)."""
        return self.files.cached_bytes + sum(len(f[2]) * 8 for f in self._filters.values())


def _name_hashes(found: Outline) -> array:
    names = [r.split(FLD, 1)[0] for t in (found.top, found.members) for r in t.split(REC)[1:]]
    return _hashes(names)


def _hashes(names: Iterable[str]) -> array:
    """A sorted array of the names' hashes: 8 bytes a name, no string kept."""
    return array("q", sorted({hash(n) for n in names}))


class _BigDoc:
    """A big open document, outlined only around the names looked up in it (each slice
    cached like a file's outline), and its import lines from its first lines."""

    def __init__(self, files: FileReader, doc: Document, fam: str) -> None:
        self.files, self.doc, self.fam = files, doc, fam
        self._key = f"open:{doc.uri}"
        self._size = len(doc.text)

    def _cached(self, key: str, build: Callable[[], Outline | None]) -> Outline | None:
        found = self.files.cached(key, self.doc.version, self._size)
        if found is None:
            found = build()
            if found is not None:
                self.files.remember(key, self.doc.version, self._size, found)
        return found

    def find(self, name: str) -> Definition | None:
        found = self._cached(
            f"{self._key}#{name}", lambda: outline_around(self.doc.text.full(), name, self.fam)
        )
        return found.find(name) if found is not None else None

    @property
    def imports(self) -> tuple[str, ...]:
        head = self._cached(
            f"{self._key}#", lambda: outline(self.doc.text.lines(0, HEAD_LINES), self.fam)
        )
        return head.imports if head is not None else ()

    def import_lines(self) -> list[tuple[int, str]]:
        head = self.files.cached(f"{self._key}#", self.doc.version, self._size)
        return head.import_lines() if head is not None and self.imports else []


class _Packer:
    """Chooses lines per file within a budget: definitions in the order added (trimmed
    when long), then last-edit regions, then import lines; renders each file's lines in
    source order."""

    def __init__(
        self,
        budget: int,
        relative: Callable[[str], str],
        already: set[tuple[str, int]] | None = None,
    ) -> None:
        self.budget = budget
        self.relative = relative
        self.used = 0
        self.lines: dict[str, dict[float, str]] = {}  # path -> {sort key: text}
        self.order: list[str] = []
        self.already = already or set()
        self.defs: set[tuple[str, int]] = set()

    def _cost_of_file(self, path: str) -> int:
        return 0 if path in self.lines else len(self.relative(path)) + PART_OVERHEAD

    def _take(self, path: str, items: list[tuple[float, str]]) -> bool:
        known = self.lines.get(path, {})
        new = [(k, t) for k, t in items if k not in known and t.strip()]
        cost = self._cost_of_file(path) + sum(len(t) + 1 for _, t in new)
        if not new or self.used + cost > self.budget:
            return False
        if path not in self.lines:
            self.lines[path] = {}
            self.order.append(path)
        self.lines[path].update(new)
        self.used += cost
        return True

    def add(self, path: str, definition: Definition, parent: str, first: bool) -> None:
        if (path, definition.line) in self.defs or (path, definition.line) in self.already:
            return
        rows = definition.text.split("\n")
        head = [(definition.line + i * 1e-3, row) for i, row in enumerate(rows)]
        if parent:
            head.insert(0, (definition.line - 0.5, parent))  # sorts after the class's own line
        for attempt in _trims(head, self.budget - self.used - self._cost_of_file(path), first):
            if self._take(path, attempt):
                self.defs.add((path, definition.line))
                return

    def add_edit(self, path: str, doc: Document) -> None:
        if doc.last_edit is None:
            return
        first, last = doc.last_edit
        rows = [
            (n + 0.0, doc.line_text(n))
            for n in range(
                max(0, first - EDIT_CONTEXT), min(doc.text.line_count, last + EDIT_CONTEXT + 1)
            )
        ]
        self._take(path, [r for r in rows if len(r[1]) < 400])

    def add_imports(self, path: str, found: Outline | _BigDoc | None) -> None:
        if found is None:
            return
        for line, text in found.import_lines():
            self._take(path, [(line - 0.25, text)])

    def files(self) -> list[str]:
        return list(self.order)

    def render(self) -> list[tuple[str, str]]:
        out = []
        for path in self.order:
            rows = self.lines[path]
            seen: set[str] = set()
            text = []
            for key in sorted(rows):
                if rows[key] not in seen or not rows[key].strip():
                    seen.add(rows[key])
                    text.append(rows[key])
            out.append((self.relative(path), "\n".join(text) + "\n"))
        return out

    def used_total(self) -> int:
        return self.used

    def shown(self) -> set[tuple[str, int]]:
        return set(self.defs)


def _trims(rows: list[tuple[float, str]], room: int, first: bool) -> list[list[tuple[float, str]]]:
    """The definition whole, then without doc lines, then only its signature lines, then
    its first signature cut to fit (the callee always gets one of these)."""
    attempts = [rows]
    code = [r for r in rows if not r[1].lstrip().startswith(("//", '"""', "#", "/*", "'''"))]
    if len(code) < len(rows):
        attempts.append(code)
    if len(code) > 2:
        attempts.append(code[:2])
    sig = next((r for r in code if r[1].strip()), None)
    if sig is not None and room > 40:
        cut = sig[1][: max(0, room - 8)].rstrip()
        if len(cut) < len(sig[1]):
            attempts.append([(sig[0], cut + " …")])
    return attempts

"""Finding the definitions of a chain: via the current file's imports (following
re-exports), wholesale imports and the package's files, then other open documents.

`Lookup.find` is the one entry point; `Request` holds what one context build needs (the
current file, its imports, the open documents). Open documents are outlined from their text
(a big one only around the names looked up, `BigText`), files on disk through the
exclusion-checked, cached `FileReader`; a per-document name filter (hashes of the names it
defines) skips documents that cannot define a name without outlining them again.
"""

from __future__ import annotations

import os
import re
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from ds_lsp.documents import Document
from ds_lsp.workspace.families import family, family_of_path
from ds_lsp.workspace.files import FileReader, path_of
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

HEAD_LINES = 400  # imports are read from the first lines of a file
MAX_OPEN_CHARS = 1_500_000  # characters of open documents outlined per request
MAX_HOPS = 4  # re-exports followed: zod's index -> classic -> external -> schemas
BIG_DOC = 64 * 1024  # characters: an open document this big is never outlined whole
MAX_OPEN_CANDIDATES = 200  # open documents searched for a name not found via imports


@dataclass
class Request:
    """What one lookup needs: the current file, its imports, the open documents."""

    path: str
    fam: str
    imports: Imports
    resolver: Resolver | None
    open_by_path: dict[str, Document]
    open_chars: int = MAX_OPEN_CHARS
    candidates: list[str] | None = None  # open documents searched by name, nearest first
    found: dict[tuple[str, ...], list[tuple[str, Definition]]] = field(default_factory=dict)


class Lookup:
    """Definitions by name, from open documents and (when `read_disk`) the disk."""

    def __init__(self, files: FileReader, read_disk: bool) -> None:
        self.files = files
        self.read_disk = read_disk
        self._filters: dict[str, tuple[int, int, array[int]]] = {}  # uri -> (version, len, hashes)

    # ---- lookup -------------------------------------------------------------------------
    def find(
        self, request: Request, chain: tuple[str, ...], callee: bool
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
        if callee and found:
            found = [self._inherited(request, *found[0]), *found[1:]]
        request.found[chain] = found
        return found

    def _inherited(
        self, request: Request, path: str, definition: Definition, depth: int = 0
    ) -> tuple[str, Definition]:
        """A class without its own constructor, shown with the one it inherits (Python's
        `__init__`, TypeScript's `constructor`), found from the class's file."""
        fam = family_of_path(path) or request.fam
        rows = definition.text.split("\n")
        if definition.parent or depth > 3 or not constructorless(rows, fam):
            return path, definition
        for base in base_classes(rows, fam):
            found = self._find_in_files(request, [path], base, (), path, 1)
            if not found or (found[0][1].line == definition.line and found[0][0] == path):
                continue
            _, base_def = self._inherited(request, *found[0], depth + 1)
            inherited = constructor_rows(base_def.text.split("\n"), fam)
            if inherited:
                note = "#" if fam == "python" else "//"
                lead = inherited[0][: len(inherited[0]) - len(inherited[0].lstrip())]
                text = "\n".join([*rows, f"{lead}{note} inherited from {base}", *inherited])
                return path, Definition(definition.name, definition.line, "", text)
        return path, definition

    def _via_imports(
        self, request: Request, chain: tuple[str, ...]
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
        request: Request,
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
        if not original:  # a module: its item, or (CommonJS) the module itself called
            if not rest:
                return self._find_in_files(request, files, "default", (), from_path, hops)
            found = self._find_in_files(request, files, rest[0], (), from_path, hops)
            if found or request.fam != "python" or len(rest) < 2:
                return found
            # `import pkg` then `pkg.sub.f(`: sub is a module of the package
            return self._find_in_files(
                request,
                resolver.files(f"{spec}.{rest[0]}", from_path),
                rest[1],
                (),
                from_path,
                hops,
            )
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
        request: Request,
        files: list[str],
        name: str,
        rest: tuple[str, ...],
        from_path: str,
        hops: int,
    ) -> list[tuple[str, Definition]]:
        for path in files:
            found = self.outline(request, path)
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
            found = self.outline(request, path)
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
        self, request: Request, name: str, chain: tuple[str, ...], members: bool = False
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
            found_outline = self.outline(request, path)
            definition = found_outline.find(name) if found_outline else None
            if definition is not None and (members or not definition.parent):
                out = [(path, definition)]
                if rest and found_outline is not None:
                    member = found_outline.find(rest[0])
                    if member is not None and member.line != definition.line:
                        out.append((path, member))
                return out
        return []

    def _open_candidates(self, request: Request) -> list[str]:
        """Other open documents searched by name: the current file's folder first, then
        its parent's, its grandparent's, then by path; at most `MAX_OPEN_CANDIDATES`
        (thousands of open tabs must not make every lookup scan them all)."""
        if request.candidates is None:
            here = os.path.dirname(request.path) + os.sep
            parent = os.path.dirname(here.rstrip(os.sep)) + os.sep
            grand = os.path.dirname(parent.rstrip(os.sep)) + os.sep

            def nearness(path: str) -> tuple[bool, bool, bool, str]:
                return (
                    not path.startswith(here),
                    not path.startswith(parent),
                    not path.startswith(grand),
                    path,
                )

            request.candidates = sorted(request.open_by_path, key=nearness)[:MAX_OPEN_CANDIDATES]
        return request.candidates

    def _may_define(self, request: Request, doc: Document, name: str) -> bool:
        """The document's name filter (built with its outline, or by a regex for a big
        document; kept per version): a superset of the names it defines."""
        size = len(doc.text)
        known = self._filters.get(doc.uri)
        if known is None or known[0] != doc.version or known[1] != size:
            if request.open_chars <= 0 or not self._allowed_open(path_of(doc.uri)):
                return False
            request.open_chars -= size
            if size > BIG_DOC:
                fam = family(doc.language_id) or request.fam
                names = defined_names(doc.text.full(), fam)
                self._filters[doc.uri] = (doc.version, size, _hashes(names))
            elif self.outline(request, path_of(doc.uri)) is None:
                return False
            known = self._filters[doc.uri]
        hashes = known[2]
        wanted = hash(name)
        at = bisect_left(hashes, wanted)
        return at < len(hashes) and hashes[at] == wanted

    def outline(self, request: Request, path: str) -> Outline | BigText | None:
        """The outline of a file: its open document's text if open, else the disk's."""
        doc = request.open_by_path.get(path)
        fam = family_of_path(path) or request.fam
        if doc is not None:
            if not self._allowed_open(path):
                return None
            key = "open:" + doc.uri
            size = len(doc.text)
            if size > BIG_DOC:  # outlined around the names looked up, never whole
                return BigText.of_document(self.files, doc, family(doc.language_id) or fam)
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
        found = self.files.outline_of(path, fam)
        if found is None and (stamp := self.files.big_file(path)) is not None:
            return BigText(
                self.files, f"big:{path}", stamp, lambda: self.files.read_big(path), fam, False
            )
        return found

    def _allowed_open(self, path: str) -> bool:
        # open documents are checked like files, but need not lie under a root
        try:
            return not (self.files.excluded(path) or self.files.excluded(os.path.realpath(path)))
        except (OSError, ValueError):
            return False

    def is_file(self, path: str) -> bool:
        return self.files.is_file(path) if self.read_disk else False

    def parent_line(self, request: Request, path: str, definition: Definition) -> str:
        """The header line of a method's class, shown above it."""
        if not definition.parent or family_of_path(path) == "go":
            return ""  # a Go method's receiver names its type
        found = self.outline(request, path)
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

    def forget(self, uri: str) -> None:
        self._filters.pop(uri, None)

    def prune(self, open_uris: set[str]) -> None:
        for uri in [u for u in self._filters if u not in open_uris]:
            del self._filters[uri]

    @property
    def filter_bytes(self) -> int:
        return sum(len(f[2]) * 8 for f in self._filters.values())


_PY_BASES = re.compile(r"\s*class\s+\w+\s*(?:\[[^\]]*\])?\s*\((.*)\)\s*:")
_EXTENDS = re.compile(r"\bclass\s+[$\w]+(?:<.*>)?\s+extends\s+([$\w.]+)")
_NO_BASE = frozenset(["object", "ABC", "Protocol", "Generic", "Exception", "BaseException"])


def constructorless(rows: list[str], fam: str) -> bool:
    """A class record without a constructor (or dataclass fields) of its own."""
    code = [r.strip() for r in rows if r.strip() and not r.strip().startswith(_DOC_LEADS)]
    if fam == "python":
        return bool(code) and code[0].startswith("class ") and len(code) == 1
    if fam == "ts":
        return any(_EXTENDS.search(r) for r in code) and not any("constructor(" in r for r in code)
    return False


def base_classes(rows: list[str], fam: str) -> list[str]:
    """The names a class record's header inherits from, first base first."""
    for row in rows:
        if fam == "python" and (match := _PY_BASES.match(row)):
            names = [b.strip().split("[")[0] for b in match.group(1).split(",") if "=" not in b]
            return [n.split(".")[-1] for n in names if n and n.split(".")[-1] not in _NO_BASE]
        if fam == "ts" and (match := _EXTENDS.search(row)):
            return [match.group(1).split(".")[-1]]
    return []


def constructor_rows(rows: list[str], fam: str) -> list[str]:
    """A class record's constructor line (Python: or its dataclass fields)."""
    if fam == "python":
        init = [r for r in rows if r.lstrip().startswith("def __init__")]
        fields = [r for r in rows[1:] if r.startswith(" ") and not r.strip().startswith(_DOC_LEADS)]
        return init or fields
    if fam == "ts":
        return [r for r in rows if "constructor(" in r][:1]
    return []


_DOC_LEADS = ("#", "//", "/*", "*", '"""', "'''", "@")


def _name_hashes(found: Outline) -> array[int]:
    names = [r.split(FLD, 1)[0] for t in (found.top, found.members) for r in t.split(REC)[1:]]
    return _hashes(names)


def _hashes(names: Iterable[str]) -> array[int]:
    """A sorted array of the names' hashes: 8 bytes a name, no string kept."""
    return array("q", sorted({hash(n) for n in names}))


class BigText:
    """A big text (an open document, or a file on disk over the outline cap), outlined only
    around the names looked up in it (each slice cached like a file's outline), and its
    import lines from its first lines."""

    def __init__(
        self,
        files: FileReader,
        key: str,
        stamp: tuple[int, int],
        text: Callable[[], str | None],
        fam: str,
        values: bool = True,
    ) -> None:
        self.files, self.fam, self.values = files, fam, values
        self._key, self._stamp, self._text = key, stamp, text

    @staticmethod
    def of_document(files: FileReader, doc: Document, fam: str) -> BigText:
        return BigText(files, f"open:{doc.uri}", (doc.version, len(doc.text)), doc.text.full, fam)

    def _cached(self, key: str, build: Callable[[str], Outline | None]) -> Outline | None:
        found = self.files.cached(key, *self._stamp)
        if found is None:
            if not self._key.startswith("open:"):  # a read from disk: this request's budget
                if self.files.budget <= 0:
                    return None
                self.files.budget -= 1
            text = self._text()
            found = build(text) if text is not None else None
            if found is not None:
                self.files.remember(key, *self._stamp, found)
        return found

    def find(self, name: str) -> Definition | None:
        found = self._cached(
            f"{self._key}#{name}", lambda text: outline_around(text, name, self.fam, self.values)
        )
        return found.find(name) if found is not None else None

    @property
    def imports(self) -> tuple[str, ...]:
        head = self._cached(f"{self._key}#", self._head)
        return head.imports if head is not None else ()

    def _head(self, text: str) -> Outline:
        end = -1
        for _ in range(HEAD_LINES):
            end = text.find("\n", end + 1)
            if end < 0:
                end = len(text)
                break
        return outline(text[:end], self.fam, values=self.values)

    def import_lines(self) -> list[tuple[int, str]]:
        head = self.files.cached(f"{self._key}#", *self._stamp)
        return head.import_lines() if head is not None and self.imports else []

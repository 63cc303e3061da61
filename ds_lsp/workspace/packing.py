"""Packing definitions into the context budget: which lines of which files, in what order.

`Packer` takes definitions in the order the lookup ranks them (a long one trimmed, not
dropped), then the region last edited in other open files, then import lines, within one
budget of characters, and renders each file's lines in source order under its relative path.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from ds_lsp.documents import Document
from ds_lsp.workspace.declarations import as_declarations
from ds_lsp.workspace.families import family_of_path
from ds_lsp.workspace.outline import Definition

EDIT_CONTEXT = 4  # lines around another open file's last edit
PART_OVERHEAD = 6  # the path comment line and the blank line after a part
DECLARATION_OVERHEAD = 4  # per definition line: ` ...`, `;`, ` {` and its closing line


class HasImportLines(Protocol):
    def import_lines(self) -> list[tuple[int, str]]: ...


class Packer:
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
        self.declared: dict[str, set[float]] = {}  # path -> keys of definition rows

    def _cost_of_file(self, path: str) -> int:
        return 0 if path in self.lines else len(self.relative(path)) + PART_OVERHEAD

    def _take(self, path: str, items: list[tuple[float, str]], extra: int = 0) -> bool:
        known = self.lines.get(path, {})
        new = [(k, t) for k, t in items if k not in known and t.strip()]
        cost = self._cost_of_file(path) + sum(len(t) + 1 + extra for _, t in new)
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
        for attempt in trims(head, self.budget - self.used - self._cost_of_file(path), first):
            if self._take(path, attempt, DECLARATION_OVERHEAD):
                self.defs.add((path, definition.line))
                self.declared.setdefault(path, set()).update(k for k, _ in attempt)
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

    def add_imports(self, path: str, found: HasImportLines | None) -> None:
        if found is None:
            return
        for line, text in found.import_lines():
            self._take(path, [(line - 0.25, text)])

    def full(self) -> bool:
        """No room left for another file's lines."""
        return self.budget - self.used < 2 * PART_OVERHEAD + 40

    def files(self) -> list[str]:
        return list(self.order)

    def render(self) -> list[tuple[str, str]]:
        out = []
        for path in self.order:
            rows = self.lines[path]
            declared = self.declared.get(path, set())
            fam = family_of_path(path) or ""
            seen: set[str] = set()
            text: list[str] = []
            run: list[str] = []  # consecutive definition rows, rendered as declarations
            for key in sorted(rows):
                if rows[key] in seen and rows[key].strip():
                    continue
                seen.add(rows[key])
                if key in declared:
                    run.append(rows[key])
                    continue
                text += [*as_declarations(run, fam), rows[key]]
                run = []
            text += as_declarations(run, fam)
            out.append((self.relative(path), "\n".join(text) + "\n"))
        return out

    def used_total(self) -> int:
        return self.used

    def shown(self) -> set[tuple[str, int]]:
        return set(self.defs)


def trims(rows: list[tuple[float, str]], room: int, first: bool) -> list[list[tuple[float, str]]]:
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
        cut = sig[1][: max(0, room - 8 - DECLARATION_OVERHEAD)].rstrip()
        if len(cut) < len(sig[1]):
            attempts.append([(sig[0], cut + " …")])
    return attempts

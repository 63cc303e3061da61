"""The other-file context packer ds-lsp used before round 2, kept only as the bench's
baseline (`bench/context_recall.py --before`): regex signatures of open documents of the
same language, whole snippets packed in path order. The server uses ds_lsp.workspace.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from ds_lsp.documents import Document
from ds_lsp.languages import comment

SIGNATURE = re.compile(
    r"^\s*(?:export\s+|pub(?:\(\w+\))?\s+|public\s+|private\s+|protected\s+|static\s+|"
    r"async\s+|default\s+|local\s+|extern\s+|inline\s+)*"
    r"(?:def|class|function|fn|func|interface|type|struct|enum|trait|impl|const|let|var|"
    r"module|record|typedef)\s+(?:\([^)]*\)\s*)?([A-Za-z_]\w*)"
)
IMPORT = re.compile(r"^\s*(?:import|from|#include|use|require|using|package)\b")
IDENT = re.compile(r"[A-Za-z_]\w{2,}")
NEAR_LINES = 12
EDIT_CONTEXT = 4


@dataclass(frozen=True)
class Signatures:
    """A document's import lines and named definitions, by line number."""

    imports: tuple[int, ...]
    names: dict[str, tuple[int, ...]]


def index_signatures(doc: Document) -> Signatures:
    """One pass over a document: where its imports and definitions are."""
    imports: list[int] = []
    names: dict[str, list[int]] = {}
    for number, line in enumerate(doc.text.full().split("\n")):
        if len(line) > 400:
            continue
        if IMPORT.match(line):
            imports.append(number)
            continue
        match = SIGNATURE.match(line)
        if match:
            names.setdefault(match.group(1), []).append(number)
    return Signatures(tuple(imports[:40]), {k: tuple(v) for k, v in names.items()})


def names_near(prefix: str, suffix: str) -> list[str]:
    """Identifiers used around the cursor, nearest first, without duplicates."""
    before = prefix.split("\n")[-NEAR_LINES:]
    after = suffix.split("\n")[:4]
    seen: dict[str, None] = {}
    for line in [*reversed(before), *after]:
        for name in IDENT.findall(line):
            seen.setdefault(name, None)
    return list(seen)


def snippet_for(
    doc: Document, sigs: Signatures, wanted: Iterable[str], edited: tuple[int, int] | None
) -> list[str]:
    """The lines of `doc` worth showing: imports, wanted definitions, the last edit."""
    numbers: list[int] = []
    hits = [n for name in wanted for n in sigs.names.get(name, ())]
    if hits:
        numbers.extend(sigs.imports)
        numbers.extend(hits)
    if edited is not None:
        first, last = edited
        numbers.extend(range(max(0, first - EDIT_CONTEXT), last + EDIT_CONTEXT + 1))
    lines: list[str] = []
    for number in sorted(set(numbers)):
        if number < doc.text.line_count:
            lines.append(doc.line_text(number))
    return lines


def build_parts(
    others: list[tuple[str, Document, Signatures]], prefix: str, suffix: str, budget: int
) -> list[tuple[str, str]]:
    """(relative path, snippet) of other open documents, in path order, within `budget`."""
    wanted = names_near(prefix, suffix)
    parts: list[tuple[str, str]] = []
    used = 0
    seen_lines: set[str] = set()
    for rel_path, doc, sigs in sorted(others, key=lambda item: item[0]):
        lines = [
            ln
            for ln in snippet_for(doc, sigs, wanted, doc.last_edit)
            if ln.strip() and ln not in seen_lines
        ]
        text = "\n".join(lines) + "\n"
        cost = len(rel_path) + len(text) + 6
        if not lines or used + cost > budget:
            continue
        seen_lines.update(lines)
        parts.append((rel_path, text))
        used += cost
    return parts


def render(parts: Iterable[tuple[str, str]], language: str) -> str:
    """The snippets as prompt text, each under a comment naming its path."""
    return "".join(f"{comment(language, path)}\n{text}\n" for path, text in parts)

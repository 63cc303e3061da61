"""Helpers for the next-edit tests: LSP changes from text offsets, the user typing a
replacement key by key into a document and the edit history, and applying a suggested edit."""

from __future__ import annotations

from typing import Any

from ds_lsp.documents import Document, DocumentStore
from ds_lsp.nextedit.answer import Edit
from ds_lsp.nextedit.history import EditHistory
from ds_lsp.nextedit.textdiff import common_ends

KEY_INTERVAL = 0.12  # seconds between keystrokes of a typing user


def position(text: str, offset: int) -> dict[str, int]:
    """The LSP (UTF-16) position of a Python offset in `text`."""
    line = text.count("\n", 0, offset)
    start = text.rfind("\n", 0, offset) + 1
    head = text[start:offset]
    return {"line": line, "character": len(head.encode("utf-16-le")) // 2}


def change(text: str, start: int, end: int, new: str) -> dict[str, Any]:
    """The ranged contentChanges entry replacing text[start:end] by `new`."""
    return {"range": {"start": position(text, start), "end": position(text, end)}, "text": new}


def send(doc: Document, history: EditHistory, entry: dict[str, Any], now: float) -> None:
    """What the server does with one content change: history first, then the document."""
    history.note(doc, entry, now)
    doc.apply_change(entry)
    doc.version += 1


def type_replacement(
    doc: Document, history: EditHistory, old: str, new: str, now: float, occurrence: int = 0
) -> tuple[float, int]:
    """The user replaces the `occurrence`-th `old` by `new` the way people do: select the
    part that changes and delete it, then type the new part key by key. Returns the time
    after the last key and the cursor's offset."""
    text = doc.text.full()
    at = -1
    for _ in range(occurrence + 1):
        at = text.index(old, at + 1)
    prefix, suffix = common_ends(old, new)
    start, end = at + prefix, at + len(old) - suffix
    typed = new[prefix : len(new) - suffix]
    if end > start:
        send(doc, history, change(text, start, end, ""), now)
        now += KEY_INTERVAL
    for i, key in enumerate(typed):
        text = doc.text.full()
        send(doc, history, change(text, start + i, start + i, key), now)
        now += KEY_INTERVAL
    return now, start + len(typed)


def open_doc(text: str, uri: str = "file:///w/a.py", language: str = "python") -> Document:
    return DocumentStore().open(uri, language, 1, text)


def apply_edit(doc: Document, edit: Edit) -> str:
    """The document's text after applying the edit (the document itself is changed)."""
    doc.apply_change({"range": edit.as_json()["range"], "text": edit.text})
    return doc.text.full()

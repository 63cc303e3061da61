"""The wide cleaning corpus: cases of issue 22's ten patterns in many languages, read from the
`*.cases` files next to this module and judged by the document after accepting.

A file holds cases in this shape (the markers start a line; the text between two markers is
taken exactly, less the line break before the next marker; a text that ends with a line break
shows it as an empty line before the next marker):

    @@@ case go-struct-fields-after-first-field siblings
    type Address struct {
        Street string
        City   █
    }
    @@@ raw
    string
        Zip    string
    }
    @@@ after
    type Address struct {
        Street string
        City   string
        Zip    string
    }

`@@@ case <id> <pattern>` opens a case: the document, with the cursor at █. `@@@ raw` is the
model's text. `@@@ after` is the whole document after the user accepts (`@@@ nothing` instead:
no suggestion, the document stays as it is). The id starts with the language.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from ds_lsp.completion.ask import should_complete
from ds_lsp.completion.postprocess import Cleaned, clean

CURSOR = "█"
MAX_LINES = 12
HERE = Path(__file__).resolve().parent
MARK = "@@@ "
PATTERNS = (
    "siblings",  # 1. siblings after a finished line
    "one-line",  # 2. one line was the answer
    "space",  # 3. leading whitespace after a prefix ending in a space or tab
    "closers",  # 4. closers after the cursor replaced, not doubled
    "worse",  # 5. a suggestion that makes the line worse: nothing
    "dropped",  # 6. dropped although right
    "indent",  # 7. re-indented to the cursor's block
    "echo",  # 8. an echo of the line start
    "closing",  # 9. closing lines cut mid-word or too eagerly
    "debris",  # 10. chat-model debris
)


class Case(NamedTuple):
    """A document with one cursor, the model's raw text, and the document after accept."""

    id: str
    pattern: str
    doc: str
    raw: str
    after: str
    source: str  # the file it came from

    @property
    def language(self) -> str:
        return self.id.split("-", 1)[0]


def _sections(text: str) -> Iterator[tuple[str, str]]:
    """(marker line, the text up to the next marker) for each marker of a file."""
    head, body = "", []  # type: str, list[str]
    for line in text.removesuffix("\n").split("\n"):
        if line.startswith(MARK):
            if head:
                yield head, "\n".join(body)
            head, body = line[len(MARK) :], []
        elif head:
            body.append(line)
    if head:
        yield head, "\n".join(body)


def parse(text: str, source: str = "") -> list[Case]:
    """The cases of one `.cases` file."""
    cases: list[Case] = []
    fields: dict[str, str] = {}
    for head, body in _sections(text):
        word, _, rest = head.partition(" ")
        if word == "case":
            fields = {"id": rest.split()[0], "pattern": rest.split()[1], "doc": body}
            continue
        fields[word] = body
        if word in ("after", "nothing"):
            after = fields["doc"].replace(CURSOR, "") if word == "nothing" else body
            cases.append(
                Case(fields["id"], fields["pattern"], fields["doc"], fields["raw"], after, source)
            )
    return cases


def load() -> list[Case]:
    """Every case of every `.cases` file, in file order."""
    cases: list[Case] = []
    for path in sorted(HERE.glob("*.cases")):
        cases += parse(path.read_text(encoding="utf-8"), path.name)
    return cases


def split(doc: str) -> tuple[str, str, str]:
    """(prefix, suffix, line_prefix) of a document with a cursor."""
    prefix, suffix = doc.split(CURSOR)
    return prefix, suffix, prefix.rsplit("\n", 1)[-1]


def run(doc: str, raw: str) -> Cleaned:
    """Clean `raw` for the cursor in `doc` the way the engine does."""
    prefix, suffix, line_prefix = split(doc)
    mode = should_complete(line_prefix, suffix.split("\n", 1)[0], "auto")
    return clean(raw, prefix, suffix, line_prefix, mode, MAX_LINES)


def accept(doc: str, cleaned: Cleaned) -> str:
    """The document after the user accepts: the text over the item's range."""
    prefix, suffix, _ = split(doc)
    return prefix + cleaned.text + suffix[cleaned.replace :]


CASES = load()

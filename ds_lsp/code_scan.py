"""The project's one bracket and string scanner: where the brackets of a piece of code are
once strings and comments are skipped, which string is left open at a point, and how many
brackets a text leaves unmatched.

Language-agnostic on purpose. It knows `"`, `'` and triple-quoted strings, template literals
with `${...}` code inside (nested to any depth), Rust raw strings (`r#"..."#`), `//`, `/* */`
and `# ` comments, and tells a Rust lifetime (`&'a str`) or an apostrophe after a letter from a
quote. A `"`/`'` string left open ends at the end of its line; a template, a triple-quoted or
raw string and a block comment go on. A `Scanner` carries what is open from one call to the
next (feed it a file line by line), and its `state` is a short string that a later scan can
start from. Every scan jumps from mark to mark with a compiled character class: linear in the
text (a 5 MB minified line costs one pass). A base module, so completion cleaning and the
workspace outliners share it.
"""

from __future__ import annotations

import re
from collections.abc import Generator, Iterator

PAIRS = {")": "(", "]": "[", "}": "{"}
LIFETIME = re.compile(r"'[A-Za-z_]\w*(?!['\w])")
RAW_OPEN = re.compile(r'r(#+)"')  # a Rust raw string with hashes
_CODE_MARK = re.compile(r"""[()\[\]{}"'`#/]""")  # what can change the scan in code
_STRING_MARK = {
    '"': re.compile(r'[\\\n"]'),
    "'": re.compile(r"[\\\n']"),
    "`": re.compile(r"[\\`$]"),
}
_STATE_TOKEN = re.compile(r'"""|\'\'\'|r#+"|\$\{\{*|/\*|["\'`]')
INTERPOLATION = "${"  # the code inside a template literal
COMMENT = "/*"


class Frame:
    """One thing open at the scan's position: a string (by its closing delimiter), the code of
    a template's `${...}` (with the braces open inside it), or a block comment."""

    __slots__ = ("braces", "kind")

    def __init__(self, kind: str, braces: int = 0) -> None:
        self.kind = kind
        self.braces = braces

    def token(self) -> str:
        if self.kind == INTERPOLATION:
            return INTERPOLATION + "{" * self.braces
        if self.kind.startswith('"#'):  # a raw string closes with `"##`
            return "r" + self.kind[1:] + '"'
        return self.kind


def _frames(state: str) -> list[Frame]:
    """The frames a `state` string stands for (see `Scanner.state`)."""
    frames: list[Frame] = []
    for token in _STATE_TOKEN.findall(state):
        if token.startswith(INTERPOLATION):
            frames.append(Frame(INTERPOLATION, len(token) - 2))
        elif token.startswith("r#"):
            frames.append(Frame('"' + token[1:-1]))
        else:
            frames.append(Frame(token))
    return frames


def _lifetime_at(text: str, i: int) -> bool:
    """`&'a str`, `<'a>`, `<'a, 'b>`: a Rust lifetime, not a quote."""
    m = LIFETIME.match(text, i)
    if not m:
        return False
    return (i > 0 and text[i - 1] in "&<") or text[m.end() : m.end() + 1] in (">", ",")


def _quote_at(text: str, i: int) -> str:
    """The string delimiter that starts at `i`, or '' (a Rust lifetime is no quote)."""
    ch = text[i]
    if ch in "\"'" and text.startswith(ch * 3, i):
        return ch * 3
    if ch == "'" and ((i and text[i - 1].isalnum()) or _lifetime_at(text, i)):
        return ""
    return ch if ch in "\"'`" else ""


def _raw_at(text: str, i: int) -> str:
    """At the `#` after an `r`: the closing delimiter of a raw string (`"#`), or ''."""
    start = i - 1
    if (
        start < 0
        or text[start] != "r"
        or (start and (text[start - 1].isalnum() or text[start - 1] == "_"))
    ):
        return ""
    m = RAW_OPEN.match(text, start)
    return '"' + m.group(1) if m else ""


def _line_comment_at(text: str, i: int) -> bool:
    if text.startswith("//", i):
        return True
    return text[i] == "#" and (i == 0 or text[i - 1] in " \t") and text[i + 1 : i + 2] in " !\n"


class Scanner:
    """Scans code for brackets, carrying open strings, templates and block comments from one
    call to the next."""

    def __init__(self, state: str = "") -> None:
        self.frames = _frames(state)
        self.comment_at = -1  # where the last scan met a line comment (`//`, `# `), or -1

    @property
    def state(self) -> str:
        """What is open, innermost last: '' in code; `"`, `'`, `\"\"\"`, `` ` `` in a string;
        `` `${ `` in a template's code (one `{` more per brace open in it); `/*` in a block
        comment; `r#"` in a raw string."""
        return "".join(frame.token() for frame in self.frames)

    def brackets(self, text: str, closing_quotes: bool = False) -> Iterator[tuple[int, str]]:
        """(index, char) of each bracket of `text` outside strings and comments, in order
        (a template's `${` counts as `{`). With `closing_quotes`, a string that was open
        before the call yields its closing delimiter as that quote character."""
        outer = len(self.frames) if closing_quotes else 0
        self.comment_at = -1
        i, n = 0, len(text)
        while i < n:
            top = self.frames[-1] if self.frames else None
            if top is None or top.kind == INTERPOLATION:
                found = _CODE_MARK.search(text, i)
                if found is None:
                    return
                i = found.start()
                step = yield from self._code(text, i, top)
                outer = min(outer, len(self.frames))
            elif top.kind == COMMENT:
                end = text.find("*/", i)
                if end < 0:
                    return
                self.frames.pop()
                outer = min(outer, len(self.frames))
                step = end + 2 - i
            else:
                step = yield from self._string(text, i, top, outer)
                outer = min(outer, len(self.frames))
                if step < 0:
                    return
            i += step

    def _code(self, text: str, i: int, top: Frame | None) -> Generator[tuple[int, str], None, int]:
        """At a mark in code: yields a bracket, opens a string or comment; returns the step."""
        ch = text[i]
        if ch in "([{":
            if top is not None and ch == "{":
                top.braces += 1
            yield i, ch
            return 1
        if ch in ")]}":
            if top is not None and ch == "}":
                if top.braces == 0:
                    self.frames.pop()  # the template's text goes on
                else:
                    top.braces -= 1
            yield i, ch
            return 1
        if text.startswith("/*", i):
            self.frames.append(Frame(COMMENT))
            return 2
        if _line_comment_at(text, i):
            self.comment_at = i if self.comment_at < 0 else self.comment_at
            end = text.find("\n", i)
            return (len(text) if end < 0 else end) - i
        if ch == "#":
            raw = _raw_at(text, i)
            if raw:
                self.frames.append(Frame(raw))
                return len(raw)
            return 1
        if ch == "/":
            return 1
        quote = _quote_at(text, i)
        if quote:
            self.frames.append(Frame(quote))
        return len(quote) or 1

    def _string(
        self, text: str, i: int, top: Frame, outer: int
    ) -> Generator[tuple[int, str], None, int]:
        """Inside a string: yields the closing delimiter of a string open before the scan;
        returns the step (-1: the string goes on past the text)."""
        quote = top.kind
        if quote.startswith('"#'):  # raw: no escapes
            end = text.find(quote, i)
            if end < 0:
                return -1
            self.frames.pop()
            if len(self.frames) < outer:
                yield end, '"'
            return end + len(quote) - i
        found = _STRING_MARK[quote[0]].search(text, i)
        if found is None:
            return -1
        at = found.start()
        ch = text[at]
        if ch == "\\":
            return at + 2 - i
        if ch == "$":
            if text.startswith("${", at):
                self.frames.append(Frame(INTERPOLATION))
                yield at + 1, "{"
                return at + 2 - i
            return at + 1 - i
        if ch == "\n":  # a one-line string left open ends with its line
            if len(quote) == 1:
                self.frames.pop()
            return at + 1 - i
        if not text.startswith(quote, at):
            return at + 1 - i
        self.frames.pop()
        if len(self.frames) < outer:
            yield at, quote[0]
        return at + len(quote) - i


def brackets(text: str, state: str = "") -> Iterator[tuple[int, str]]:
    """(index, char) of each bracket of `text` outside strings and comments, in order.
    `state` is what was open before `text` (a quote such as `"`, see `Scanner.state`); the
    closing delimiter of a string open before `text` is yielded as that quote character."""
    return Scanner(state).brackets(text, closing_quotes=True)


def state_after(text: str, state: str = "") -> str:
    """What is open at the end of `text` (see `Scanner.state`)."""
    scanner = Scanner(state)
    for _ in scanner.brackets(text):
        pass
    return scanner.state


def without_comment(line: str, state: str = "") -> str:
    """`line` up to its line comment (`x = 1  # note` -> `x = 1  `)."""
    scanner = Scanner(state)
    for _ in scanner.brackets(line):
        pass
    return line if scanner.comment_at < 0 else line[: scanner.comment_at]


def open_quote(line_prefix: str) -> str:
    """The string delimiter left open at the end of `line_prefix`, or '' (in code, in a
    template's `${...}`, or in a comment)."""
    frames = _frames(state_after(line_prefix))
    kind = frames[-1].kind if frames else ""
    if kind in (INTERPOLATION, COMMENT):
        return ""
    return '"' if kind.startswith('"#') else kind


def unclosed_brackets(text: str, state: str = "") -> list[tuple[int, str]]:
    """(index, char) of the brackets still open at the end of `text`, outermost first."""
    stack: list[tuple[int, str]] = []
    for i, ch in Scanner(state).brackets(text):
        if ch in "([{":
            stack.append((i, ch))
        elif stack and stack[-1][1] == PAIRS[ch]:
            stack.pop()
    return stack


def _matching(text: str) -> tuple[int, int]:
    """(closers that close nothing or the wrong bracket, openers left open) of `text`."""
    stack: list[str] = []
    stray = 0
    for _, ch in brackets(text):
        if ch in "([{":
            stack.append(ch)
        elif stack and stack[-1] == PAIRS[ch]:
            stack.pop()
        else:
            stray += 1
    return stray, len(stack)


def imbalance(text: str) -> int:
    """Unmatched brackets in `text`: the measure of a broken document."""
    stray, left = _matching(text)
    return stray + left


def stray_closers(text: str) -> int:
    """Closers of `text` that close nothing or the wrong bracket (an opener left open for
    the lines that follow is no fault)."""
    return _matching(text)[0]

"""The project's one bracket and string scanner: where the brackets of a piece of code are
once strings and comments are skipped, which string is left open at a point, and how many
brackets a text leaves unmatched.

By default it reads every language a little, as completion cleaning needs (it rarely knows
the language): `"`, `'` and triple-quoted strings, template literals with `${...}` code inside
(nested to any depth), Rust raw strings (`r#"..."#`), `//`, `/* */` and `# ` comments, and it
tells a Rust lifetime (`&'a str`) or an apostrophe after a letter from a quote. A `"`/`'`
string left open ends at the end of its line; a template, a triple-quoted or raw string and a
block comment go on. A `Syntax` of `LANGUAGES` reads one language family exactly instead (the
workspace's brace outliner uses them): C's `#  define` is no comment, Rust's `'a` is a character
literal or nothing, its `r"..."` is raw and its strings go on over lines, Go's backquoted
strings know no escapes, Java and Kotlin have text blocks, Kotlin strings hold `${...}` code,
and a JS regex literal (`/\\//g`) is skipped whole.

A `Scanner` carries what is open from one call to the next (feed it a file line by line, each
line with its "\\n"), and its `state` is a short string that a later scan can start from.
Every scan jumps from mark to mark with a compiled character class: linear in the text (a
5 MB minified line costs one pass). A base module, so completion cleaning and the workspace
outliner share it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

PAIRS = {")": "(", "]": "[", "}": "{"}
LIFETIME = re.compile(r"'[A-Za-z_]\w*(?!['\w])")
RAW_OPEN = re.compile(r'r(#+)"')  # a Rust raw string with hashes
# a character literal: `'x'`, `'\n'`, `'\u{1F600}'` (bounded: a quote costs a few steps)
CHAR_LITERAL = re.compile(r"'(?:[^'\\\n]|\\.[^'\n]{0,8})'")
_STATE_TOKEN = re.compile(r'"""|\'\'\'|r#*"|\$\{\{*|/\*|["\'`]')
_REGEX_MARK = re.compile(r"[\\\[\]/\n]")  # what can end a regex literal
_BEFORE_REGEX = frozenset("(,=:[!&|?{};+-*%<>~^")  # a `/` after one of these opens a regex
_REGEX_WORDS = ("return", "typeof", "case")  # ... and after these words
INTERPOLATION = "${"  # the code inside a template literal
COMMENT = "/*"
_QUOTES = ('"', "'", "`", '"""', "'''")


@dataclass(frozen=True, slots=True)
class Syntax:
    """How one language writes its strings and comments. The defaults read every language
    a little (what completion cleaning needs); `LANGUAGES` holds the exact ones."""

    hash_comments: bool = True  # `# note` is a comment (in C, `#  define` is code)
    triple_quotes: str = "\"'"  # whose tripled form opens a string that goes on over lines
    backtick: bool = True  # a backquote opens a string that goes on (JS template, Go raw)
    # "prose": a quote unless after a letter or a Rust lifetime; "quote": always one;
    # "char": a character literal or nothing (Rust's `'a`, `'outer:`)
    apostrophe: str = "prose"
    raw: str = "hashed"  # Rust raw strings: "hashed" (`r#"..."#`), "all" (`r"..."` too), ""
    interpolated: str = "`"  # the quotes whose strings hold `${...}` code
    verbatim: tuple[str, ...] = ()  # the strings that know no escapes
    multiline: str = ""  # the one-character quotes whose strings go on past their line
    regex: bool = False  # a `/` after an operator opens a regex literal (JS)
    code_mark: re.Pattern[str] = field(init=False, repr=False, compare=False)
    string_marks: dict[str, re.Pattern[str]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        marks = r"()\[\]{}" + "\"'/" + ("`" if self.backtick else "")
        marks += "#" if self.hash_comments or self.raw else ""
        # what can change the scan in code, and in each kind of string
        object.__setattr__(self, "code_mark", re.compile("[" + marks + "]"))
        string_marks = {
            kind: _string_mark(
                kind,
                escapes=kind not in self.verbatim,
                interpolated=kind[0] in self.interpolated,
                one_line=len(kind) == 1 and kind in "\"'" and kind not in self.multiline,
            )
            for kind in _QUOTES
        }
        object.__setattr__(self, "string_marks", string_marks)


def _string_mark(kind: str, escapes: bool, interpolated: bool, one_line: bool) -> re.Pattern[str]:
    """What can end, escape or interpolate into a string opened with `kind`: a character
    class (a string's `\\n` is a mark only when the line ends the string)."""
    chars = kind[0] + (r"\\" if escapes else "") + ("$" if interpolated else "")
    return re.compile("[" + chars + ("\n" if one_line else "") + "]")


DEFAULT = Syntax()
_BRACES = Syntax(  # C: no `#` comments, `"` strings of one line, `'` character literals
    hash_comments=False,
    triple_quotes="",
    backtick=False,
    apostrophe="quote",
    raw="",
    interpolated="",
)
LANGUAGES: dict[str, Syntax] = {
    "ts": replace(_BRACES, backtick=True, interpolated="`", regex=True),
    "go": replace(_BRACES, backtick=True, verbatim=("`",)),
    "rust": replace(_BRACES, apostrophe="char", raw="all", multiline='"'),
    "java": replace(_BRACES, triple_quotes='"'),
    "kotlin": replace(_BRACES, triple_quotes='"', interpolated='"', verbatim=('"""',)),
    "c": _BRACES,
}


class Frame:
    """One thing open at the scan's position: a string (by its opening delimiter: `"`,
    `\"\"\"`, `r#"`), the code of a template's `${...}` (with the braces open inside it), or
    a block comment."""

    __slots__ = ("braces", "kind")

    def __init__(self, kind: str, braces: int = 0) -> None:
        self.kind = kind
        self.braces = braces

    def token(self) -> str:
        if self.kind == INTERPOLATION:
            return INTERPOLATION + "{" * self.braces
        return self.kind


def _frames(state: str) -> list[Frame]:
    """The frames a `state` string stands for (see `Scanner.state`)."""
    frames: list[Frame] = []
    for token in _STATE_TOKEN.findall(state):
        if token.startswith(INTERPOLATION):
            frames.append(Frame(INTERPOLATION, len(token) - 2))
        else:
            frames.append(Frame(token))
    return frames


def _lifetime_at(text: str, i: int) -> bool:
    """`&'a str`, `<'a>`, `<'a, 'b>`: a Rust lifetime, not a quote."""
    m = LIFETIME.match(text, i)
    if not m:
        return False
    return (i > 0 and text[i - 1] in "&<") or text[m.end() : m.end() + 1] in (">", ",")


def _quote_at(text: str, i: int, syntax: Syntax) -> str:
    """The string that opens at the quote at `i` (its frame's kind), or ''."""
    ch = text[i]
    if ch in syntax.triple_quotes and text.startswith(ch * 3, i):
        return ch * 3
    if ch == "'" and syntax.apostrophe == "prose":
        return "" if (i and text[i - 1].isalnum()) or _lifetime_at(text, i) else ch
    if ch == '"' and syntax.raw == "all" and _raw_prefix(text, i - 1):
        return 'r"'
    return ch


def _raw_prefix(text: str, r: int) -> bool:
    """Whether the `r` at `r` starts a raw string's prefix (`r"`, `br#"`, not `for"`)."""
    if r < 0 or text[r] != "r":
        return False
    before = r - 1
    if before >= 0 and text[before] == "b":  # a byte string: `br"..."`
        before -= 1
    return before < 0 or not (text[before].isalnum() or text[before] == "_")


def _raw_at(text: str, i: int) -> str:
    """At the `#` after an `r`: the kind of the raw string opening there (`r#"`), or ''."""
    if not _raw_prefix(text, i - 1):
        return ""
    m = RAW_OPEN.match(text, i - 1)
    return m.group() if m else ""


def _hash_comment_at(text: str, i: int) -> bool:
    """`# note`, `#!`: a comment; `#include`, `a#b`, `#[attr]` are not."""
    return (i == 0 or text[i - 1] in " \t") and text[i + 1 : i + 2] in " !\n"


def _starts_regex(text: str, i: int) -> bool:
    """Whether the `/` at `i` opens a regex literal: at its line's start, after an operator,
    an opening bracket, `return`, not after a value (a division) nor as a stray `*/`."""
    if i and text[i - 1] == "*":
        return False
    j = i - 1
    while j >= 0 and text[j] != "\n" and text[j].isspace():
        j -= 1  # linear: each run of blanks is walked back once, by the `/` after it
    if j < 0 or text[j] == "\n" or text[j] in _BEFORE_REGEX:
        return True
    return text.endswith(_REGEX_WORDS, 0, j + 1)


def _regex_end(text: str, i: int) -> int:
    """Offset after the regex literal opened at `i` (escapes and `[...]` classes skipped),
    or of its line's end when it is not closed there."""
    in_class = False
    at = i + 1
    while (found := _REGEX_MARK.search(text, at)) is not None:
        at = found.start()
        ch = text[at]
        if ch == "\n":
            return at
        if ch == "\\":
            if text.startswith("\n", at + 1):
                return at + 1
            at += 2
            continue
        if ch == "[":
            in_class = True
        elif ch == "]":
            in_class = False
        elif not in_class:
            return at + 1
        at += 1
    return len(text)


class Scanner:
    """Scans code for brackets, carrying open strings, templates and block comments from one
    call to the next."""

    def __init__(self, state: str = "", syntax: Syntax = DEFAULT) -> None:
        self.frames = _frames(state)
        self.syntax = syntax
        self.comment_at = -1  # where the last scan met a line comment (`//`, `# `), or -1

    @property
    def state(self) -> str:
        """What is open, innermost last: '' in code; `"`, `'`, `\"\"\"`, `` ` `` in a string;
        `` `${ `` in a template's code (one `{` more per brace open in it); `/*` in a block
        comment; `r#"` in a raw string."""
        return "".join(frame.token() for frame in self.frames)

    def brackets(
        self, text: str, closing_quotes: bool = False, interpolations: bool = True
    ) -> Iterator[tuple[int, str]]:
        """(index, char) of each bracket of `text` outside strings and comments, in order
        (a template's `${` counts as `{`). With `closing_quotes`, a string that was open
        before the call yields its closing delimiter as that quote character; without
        `interpolations`, nothing of a template's `${...}` is yielded (it is the string's)."""
        frames = self.frames
        outer = len(frames) if closing_quotes else 0
        self.comment_at = -1
        code_mark = self.syntax.code_mark.search
        i, n = 0, len(text)
        while i < n:
            top = frames[-1] if frames else None
            if top is None or top.kind == INTERPOLATION:
                found = code_mark(text, i)
                if found is None:
                    return
                i = found.start()
                ch = text[i]
                if ch in "([{":
                    if top is not None and ch == "{":
                        top.braces += 1
                    if top is None or interpolations:
                        yield i, ch
                    i += 1
                elif ch in ")]}":
                    if top is not None and ch == "}":
                        if top.braces == 0:
                            frames.pop()  # the template's text goes on
                            outer = min(outer, len(frames))
                        else:
                            top.braces -= 1
                    if top is None or interpolations:
                        yield i, ch
                    i += 1
                else:
                    i += self._code(text, i)
            elif top.kind == COMMENT:
                end = text.find("*/", i)
                if end < 0:
                    return
                frames.pop()
                outer = min(outer, len(frames))
                i = end + 2
            else:
                step, at, ch = self._string(text, i, top)
                if step < 0:
                    return
                if ch == "{":
                    if interpolations:
                        yield at, ch
                elif ch and len(frames) < outer:
                    yield at, ch
                outer = min(outer, len(frames))
                i += step

    def _code(self, text: str, i: int) -> int:
        """At a mark in code other than a bracket: opens a string or a comment, skips a
        character or regex literal; returns the step."""
        ch = text[i]
        if ch == "/":
            return self._slash(text, i)
        if ch == "#":
            return self._hash(text, i)
        if ch == "'" and self.syntax.apostrophe == "char":
            char = CHAR_LITERAL.match(text, i)  # Rust: a lifetime or a label is no quote
            return char.end() - i if char else 1
        quote = _quote_at(text, i, self.syntax)
        if quote:
            self.frames.append(Frame(quote))
        return len(quote) if len(quote) == 3 else 1

    def _slash(self, text: str, i: int) -> int:
        """At a `/` in code: a comment opens, a regex literal is skipped; returns the step."""
        if text.startswith("/*", i):
            self.frames.append(Frame(COMMENT))
            return 2
        if text.startswith("//", i):
            return self._line_comment(text, i)
        if self.syntax.regex and _starts_regex(text, i):
            return _regex_end(text, i) - i
        return 1

    def _hash(self, text: str, i: int) -> int:
        """At a `#` in code: a `# ` comment, or a raw string opens; returns the step."""
        if self.syntax.hash_comments and _hash_comment_at(text, i):
            return self._line_comment(text, i)
        raw = _raw_at(text, i) if self.syntax.raw else ""
        if raw:
            self.frames.append(Frame(raw))
            return len(raw) - 1
        return 1

    def _line_comment(self, text: str, i: int) -> int:
        """The step over a line comment starting at `i`, to its line's end."""
        self.comment_at = i if self.comment_at < 0 else self.comment_at
        end = text.find("\n", i)
        return (len(text) if end < 0 else end) - i

    def _string(self, text: str, i: int, top: Frame) -> tuple[int, int, str]:
        """Inside a string: (the step, -1 when the string goes on past the text; where a
        bracket to report is, and which: the string's closing quote or a `${`'s `{`)."""
        kind = top.kind
        if kind[0] == "r":  # raw: no escapes, closed by `"` and its hashes
            close = '"' + kind[1:-1]
            end = text.find(close, i)
            if end < 0:
                return -1, -1, ""
            self.frames.pop()
            return end + len(close) - i, end, '"'
        found = self.syntax.string_marks[kind].search(text, i)
        if found is None:
            return -1, -1, ""
        at = found.start()
        ch = text[at]
        if ch == "\\":
            return at + 2 - i, -1, ""
        if ch == "$":
            if text.startswith("${", at):
                self.frames.append(Frame(INTERPOLATION))
                return at + 2 - i, at + 1, "{"
            return at + 1 - i, -1, ""
        if ch == "\n":  # a one-line string left open ends with its line
            self.frames.pop()
            return at + 1 - i, -1, ""
        if not text.startswith(kind, at):
            return at + 1 - i, -1, ""
        self.frames.pop()
        return at + len(kind) - i, at, kind[0]


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
    return '"' if kind.startswith("r") else kind


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

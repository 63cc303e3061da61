"""The project's one bracket and string scanner: where the brackets of a piece of code are
once strings and comments are skipped, which string is left open at a point, and how many
brackets a text leaves unmatched.

Language-agnostic on purpose: it knows `"`, `'`, `` ` `` and triple-quoted strings, `//`, `/* */`
and `# ` comments, and tells a Rust lifetime (`&'a str`) or an apostrophe after a letter from a
quote. Every scan jumps from mark to mark with a compiled character class, so it is linear in
the text (a 5 MB minified line costs one pass). Used by completion cleaning; a base module, so
the workspace outliners may use it too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

PAIRS = {")": "(", "]": "[", "}": "{"}
LIFETIME = re.compile(r"'[A-Za-z_]\w*(?!['\w])")


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


def _comment_at(text: str, i: int) -> bool:
    if text.startswith("//", i) or text.startswith("/*", i):
        return True
    return text[i] == "#" and (i == 0 or text[i - 1] in " \t") and text[i + 1 : i + 2] in " !\n"


def _skip_comment(text: str, i: int) -> int:
    if text.startswith("/*", i):
        end = text.find("*/", i + 2)
        return len(text) if end < 0 else end + 2
    end = text.find("\n", i)
    return len(text) if end < 0 else end


_CODE_MARK = re.compile(r"""[()\[\]{}"'`#/]""")  # what can change the scan outside strings
_STRING_MARK = {q: re.compile("[\\\\\n" + re.escape(q) + "]") for q in "\"'`"}


def brackets(text: str, quote: str = "") -> Iterator[tuple[int, str]]:
    """(index, char) of each bracket outside strings and comments, in order. `quote` is a
    string open before `text`; its closing delimiter is yielded as that quote character.
    Jumps from mark to mark (brackets, quotes, comment starts): linear in the text."""
    outer, i, n = quote, 0, len(text)
    while i < n:
        if quote:
            found = _STRING_MARK[quote[0]].search(text, i)
            if found is None:
                return
            i = found.start()
            ch = text[i]
            if ch == "\\":
                i += 2
                continue
            if text.startswith(quote, i):
                if quote == outer:
                    yield i, quote[0]
                    outer = ""
                i += len(quote)
                quote = ""
                continue
            if ch == "\n" and len(quote) == 1 and quote != "`":
                quote = outer = ""
            i += 1
            continue
        found = _CODE_MARK.search(text, i)
        if found is None:
            return
        i = found.start()
        ch = text[i]
        if ch in "([{)]}":
            yield i, ch
        elif _comment_at(text, i):
            i = _skip_comment(text, i)
            continue
        elif ch in "\"'`":
            quote = _quote_at(text, i)
            i += len(quote) or 1
            continue
        i += 1


def open_quote(line_prefix: str) -> str:
    """The string delimiter left open at the end of `line_prefix`, or ''."""
    quote, i, n = "", 0, len(line_prefix)
    while i < n:
        ch = line_prefix[i]
        if quote:
            if ch == "\\":
                i += 2
                continue
            if line_prefix.startswith(quote, i):
                i += len(quote)
                quote = ""
                continue
        elif _comment_at(line_prefix, i):
            return ""
        elif ch in "\"'`":
            quote = _quote_at(line_prefix, i)
            i += len(quote) or 1
            continue
        i += 1
    return quote


def imbalance(text: str) -> int:
    """Unmatched brackets in `text`: the measure of a broken document."""
    stack: list[str] = []
    bad = 0
    for _, ch in brackets(text):
        if ch in "([{":
            stack.append(ch)
        elif stack and stack[-1] == PAIRS[ch]:
            stack.pop()
        else:
            bad += 1
    return bad + len(stack)

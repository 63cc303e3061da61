"""The cursor's line: whitespace the model wrote again in front of the cursor, and the
suggestion fitted against what follows the cursor (text it retypes trimmed, closers the editor
already typed replaced rather than doubled, never so that the line gets worse)."""

from __future__ import annotations

from ds_lsp.code_scan import (
    PAIRS,
    brackets,
    imbalance,
    open_quote,
    state_after,
    stray_closers,
    unclosed_brackets,
)
from ds_lsp.completion.postprocess.lines import (
    CLOSING_TAGS,
    Cleaned,
    closes_block,
    closing_run,
    code_lines_below,
    indent_of,
    last_code_line,
    only_closers,
    open_indents,
    opens_block,
)


def drop_stray_first_indent(text: str, line_prefix: str, prefix: str = "", suffix: str = "") -> str:
    """At column 0, a first line indented above lines back at column 0 that are not a block's
    closer, or a lone line indented where nothing around asks for it (the document's line
    above is at column 0 and opens no block, the line below neither indented nor a closer):
    the indentation is the model's mistake."""
    if line_prefix or text[:1] not in (" ", "\t"):
        return text
    lines = text.split("\n")
    nxt = next((x for x in lines[1:] if x.strip()), None)
    if nxt is None:
        above = last_code_line(prefix)
        below = code_lines_below(suffix, 1)
        if above is not None and (indent_of(above) or opens_block(above)):
            return text
        if below and (indent_of(below[0]) or closes_block(below[0])):
            return text
        return text.lstrip(" \t")
    if indent_of(nxt) or closes_block(nxt) or opens_block(lines[0]):
        return text
    return text.lstrip(" \t")


def drop_doubled_indent(text: str, prefix: str, line_prefix: str) -> str:
    """Drop indentation the model wrote again in front of a cursor that is already indented.

    Kept when the line above opens a block that the cursor is not yet inside (the model is
    right to indent further).
    """
    if not line_prefix or line_prefix.strip() or text[:1] not in (" ", "\t"):
        return text
    above = last_code_line(prefix.rsplit("\n", 1)[0] if "\n" in prefix else "")
    if above is not None and opens_block(above) and indent_of(above) >= len(line_prefix):
        return text
    return text.lstrip(" \t")


def drop_doubled_space(text: str, line_prefix: str) -> str:
    """`x = ` + ` 1` or `x = ` + `\t1337` would read `x =  1`: after a space or tab the
    model's leading blanks go.

    Only in code: inside an open string literal two spaces may be meant.
    """
    if not (line_prefix.strip() and line_prefix.endswith((" ", "\t"))):
        return text
    if text[:1] not in (" ", "\t") or open_quote(line_prefix):
        return text
    return text.lstrip(" \t")


def drop_echoed_line_start(text: str, line_prefix: str) -> str:
    """`const x = foo(` + `const x = foo(a, b)`: the model wrote the cursor's line again from
    its start; what follows the echo is the suggestion."""
    head = line_prefix.strip()
    if len(head) < 3 or not text.lstrip(" \t").startswith(head):
        return text
    rest = text.lstrip(" \t")[len(head) :]
    if _word_char(head[-1]) and _word_char(rest[:1]):
        return text  # `return` + `returned`: a longer word, not an echo
    return rest  # nothing but the echo: nothing new


def _word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _unmatched(text: str, closers: str) -> bool:
    """Every bracket or quote in `closers` closes something `text` left open."""
    for ch in set(closers):
        if ch in PAIRS:
            excess = text.count(ch) - text.count(PAIRS[ch])
            if excess < closers.count(ch):
                return False
        elif ch in "\"'`" and text.count(ch) % 2 == 0:
            return False
    return True


def overlap_with_line(text: str, line_suffix: str) -> int:
    """How many characters at the end of `text` repeat the start of the line after the
    cursor (closers only when they close what `text` opened before)."""
    head = line_suffix.rstrip()
    last = text.rsplit("\n", 1)[-1]
    if not head.strip():
        return 0
    longest = min(len(head), len(last))
    candidates: list[int] = [longest, *range(min(longest - 1, 400), 0, -1)]
    for k in candidates:
        overlap = head[:k]
        if not last.endswith(overlap):
            continue
        if only_closers(overlap) and _unmatched(text, overlap):
            return k
        if not only_closers(overlap) and len(overlap.strip()) >= 3:
            return k
    return 0


def retyped_closers(text: str, line_prefix: str, run: str) -> int:
    """How many characters of the closing run after the cursor the suggestion types again:
    its brackets and quotes that close what was open before the cursor, in order, with a
    `;`/`,` that follows them in the suggestion (`"x: |")` + `", obj);` covers `");`)."""
    unpaired: list[tuple[int, str]] = []
    stack: list[str] = []
    for i, ch in brackets(text, state_after(line_prefix)):
        if ch in "([{":
            stack.append(ch)
        elif ch in PAIRS and stack:
            stack.pop()
        else:
            unpaired.append((i, ch))
    matched, at, k = 0, -1, 0
    more_closing_angles = text.count(">") > text.count("<")
    for j, ch in enumerate(run):
        if ch in PAIRS or ch in "\"'`":
            if matched >= len(unpaired) or unpaired[matched][1] != ch:
                break
            at = unpaired[matched][0]
            matched += 1
            k = j + 1
        elif ch in ";,:" and at >= 0 and text.find(ch, at + 1) >= 0:
            at = text.find(ch, at + 1)
            k = j + 1
        elif ch == ">" and more_closing_angles and text.find(">", at + 1) >= 0:
            at = text.find(">", at + 1)
            k = j + 1
        elif ch != " ":
            break
    return k


def _retyped_rest(text: str, rest: str) -> int:
    """How much of `rest` (the cursor's line after its closers, ` {`) the suggestion's first
    line ends with: `function f(|) {` + `a) {` types ` {` again."""
    first = text.split("\n", 1)[0].rstrip()
    body = rest.lstrip(" \t")[:200]
    for j in range(len(body), 0, -1):
        if first.endswith(body[:j]):
            return len(rest) - len(rest.lstrip(" \t")) + j
    return 0


def _first_line_ends_with(text: str, tags: str) -> bool:
    """The suggestion's first line ends by typing the closing tags `tags` again."""
    first = text.split("\n", 1)[0]
    return "".join(first.split()).endswith("".join(tags.split()))


def replaced_closers(text: str, line_prefix: str, line_suffix: str) -> int:
    """How many characters of the cursor's line the suggestion replaces: the closers after
    the cursor it types again, the blanks after them, and what it retypes of the rest of the
    line after them (`) {`); never so that the line gets worse."""
    tags = CLOSING_TAGS.match(line_suffix)
    if tags and _first_line_ends_with(text, tags.group()):
        rest = line_suffix[tags.end() :].rstrip("\r\n")
        return tags.end() + (len(rest) if not rest.strip() else 0)
    run = closing_run(line_suffix)
    replace = retyped_closers(text, line_prefix, run) if run else 0
    if replace and replace == len(run):
        rest = line_suffix[replace:].rstrip("\r\n")
        replace += len(rest) if not rest.strip() else _retyped_rest(text, rest)
    if replace and _badness(line_prefix + text + line_suffix[replace:]) > _badness(
        line_prefix + text + line_suffix
    ):
        return 0
    return replace


def anchored_end(text: str, rest: str) -> str:
    """A one-line suggestion that types the rest of the line again after something new keeps
    the new part (`|, "a", )` + `"b", "a", a);` -> `"b"`), if that part is balanced."""
    whole = rest.strip()
    if "\n" in text or len(whole) < 2 or only_closers(whole):
        return text
    at = text.find(whole, 1)
    if at < 0:
        head = whole[:8]
        if sum(ch.isalnum() for ch in head) < 3:
            return text
        at = text.find(head, 1)
    if at <= 0 or imbalance(text[:at]) or not text[:at].strip():
        return text
    return text[:at].rstrip() if rest[:1] == " " else text[:at]


def _badness(line: str) -> int:
    """Unmatched brackets of a line, plus one for a string left open."""
    return imbalance(line) + (1 if open_quote(line.rsplit("\n", 1)[-1]) else 0)


def fit_line(text: str, line_prefix: str, line_suffix: str) -> Cleaned:
    """The suggestion against what follows the cursor on its line: replace the closers (and
    the rest of the line) it types again, or trim what it retypes."""
    if not line_suffix.strip():
        return Cleaned(text, 0)
    if "\n" in text:  # the first line meets the cursor's line; the rest of it moves down
        replace = replaced_closers(text, line_prefix, line_suffix)
        if replace:
            return Cleaned(text, replace)
    k = overlap_with_line(text, line_suffix)
    if k and (k == len(text) or text[-k - 1 : -k] != "\n" or "\n" not in text):
        before = stray_closers(line_prefix + line_suffix)
        if stray_closers(line_prefix + text[:-k] + line_suffix) <= before:
            return Cleaned(text[:-k], 0)  # else the closers it typed are in its middle too
    replace = replaced_closers(text, line_prefix, line_suffix)
    if k and not replace:
        return Cleaned(text, k)
    if not replace and "\n" not in text:
        return Cleaned(anchored_end(text, line_suffix), 0)
    return Cleaned(text, replace)


def strip_trailing_space(text: str, after: str) -> str:
    """Trailing blanks go, except at the end of a suggestion that lands before more text
    on its line (`sum(|baz)` + `bar, ` stays `bar, `)."""
    lines = [line.rstrip() for line in text.split("\n")]
    kept = "\n".join(lines).rstrip("\n")
    last = text.rstrip("\n").rsplit("\n", 1)[-1]
    if after[:1].strip() and "\n" not in text.rstrip("\n") and last.strip():
        return text.rstrip("\n")
    if after[:1].strip() and last.strip() and last != last.rstrip():
        return kept + last[len(last.rstrip()) :]
    return kept


def makes_line_worse(
    text: str, replace: int, line_prefix: str, line_suffix: str, prefix: str
) -> bool:
    """A one-line suggestion the cursor's line is worse with: a lone closer typed where it
    closes nothing or at another indentation than its opener's line, a stray bracket
    before the text after the cursor, a statement ended (`;`) inside an open call."""
    if "\n" in text:
        return False
    if text.strip() in (")", "]", "}") and not line_prefix.strip():
        return _misplaced_closer(line_prefix, prefix)
    if not line_suffix.strip():
        return False
    after = line_prefix + text + line_suffix[replace:]
    if stray_closers(after) > stray_closers(line_prefix + line_suffix):
        return True
    return _statement_inside_call(text, line_prefix)


def _misplaced_closer(line_prefix: str, prefix: str) -> bool:
    """A closer on this blank line would close nothing, or close a bracket opened on a line
    of another indentation."""
    above = prefix[: len(prefix) - len(line_prefix)]
    indents = open_indents(above)
    return not indents or indents[-1] != len(line_prefix)


def _statement_inside_call(text: str, line_prefix: str) -> bool:
    """`print(value|)` + `;`: the suggestion ends a statement while a `(` of the line is still
    open (a C `for (;;)` header aside)."""
    at = text.find(";")
    if at < 0:
        return False
    head = line_prefix + text[:at]
    if head.lstrip().startswith("for") or state_after(head):
        return False
    return any(ch == "(" for _, ch in unclosed_brackets(head))

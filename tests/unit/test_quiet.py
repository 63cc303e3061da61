"""Where the cursor is for `quietIn`: inside a comment, a string, or code (pure, table-driven)."""

from __future__ import annotations

import pytest

from ds_lsp.completion.quiet import COMMENTS, STRINGS, place


@pytest.mark.parametrize(
    ("language", "prefix", "where"),
    [
        ("python", "x = 1  # add th", COMMENTS),
        ("python", "# a whole-line comment ", COMMENTS),
        ("python", 'url = "http://x#y', STRINGS),
        ("python", 'print("a # b") ', None),
        ("python", "x = f(a, ", None),
        ("python", 'def f():\n    """Return the', COMMENTS),
        ("python", 'def f():\n    """Doc."""\n    return ', None),
        ("python", "name = 'it", STRINGS),
        ("python", "s = 'a\\'b", STRINGS),
        ("python", "s = 'a\\\\' + ", None),
        ("typescript", "const a = 1; // note ", COMMENTS),
        ("typescript", "/* a block\n * that goes on ", COMMENTS),
        ("typescript", "/* closed */ const b = ", None),
        ("typescript", "// see /* here\nconst c = ", None),
        ("typescript", "const t = `hello ${", STRINGS),
        ("typescript", 'const u = "http://example.com', STRINGS),
        ("rust", "fn f<'a>(x: &'a str) -> ", None),
        ("rust", "let c = 'x'; let d = ", None),
        ("shellscript", "echo ${#list[@]} ", None),
        ("shellscript", "echo hi # done ", COMMENTS),
        ("lua", "--[[ long\ncomment ", COMMENTS),
        ("lua", "x = 1 -- why ", COMMENTS),
        ("clojure", "(def x 'sym) ; so ", COMMENTS),
        ("clojure", "(def x 'sym) ", None),
        ("english", "it's fine ", None),
        ("unknown-lang", "x = 1 // c", COMMENTS),
    ],
)
def test_place_of_the_cursor(language: str, prefix: str, where: str | None) -> None:
    assert place(prefix, language) == where

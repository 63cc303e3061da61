"""Which names the cursor needs: the callee, the chains a line calls or reaches into, and
the same answers on hostile lines (a 60,000-character word, runs of backslashes in an
unterminated string, a long run of spaces), which the scanner handles in one pass."""

from __future__ import annotations

import pytest

from ds_lsp.workspace import ranking

CALLEES = [
    pytest.param("x = url_for(", ("url_for",), id="plain-call"),
    pytest.param("x = url_for(a, ", ("url_for",), id="arguments-typed"),
    pytest.param("r = models.Session(", ("models", "Session"), id="module-member"),
    pytest.param("const c = new ApiClient", ("ApiClient",), id="new-type"),
    pytest.param("const c = new api.Client", ("api", "Client"), id="new-qualified"),
    pytest.param("let v = Vec::<u8>::with_capacity(", ("with_capacity",), id="rust-turbofish"),
    pytest.param("let c = Config::new(", ("Config", "new"), id="rust-assoc"),
    pytest.param("println!(", ("println",), id="rust-macro"),
    pytest.param("const x = useState<string>(", ("useState",), id="generic-call"),
    pytest.param("a?.b.c(", ("a", "b", "c"), id="optional-chain"),
    pytest.param("def url_for(", None, id="defining-python"),
    pytest.param("export function f(", None, id="defining-ts"),
    pytest.param("x = [a, b", None, id="inside-list"),
    pytest.param("x = f(a)[0]", None, id="no-open-paren"),
    pytest.param("renew x", None, id="renew-is-not-new"),
]


@pytest.mark.parametrize(("line_prefix", "expected"), CALLEES)
def test_callee(line_prefix: str, expected: tuple[str, ...] | None) -> None:
    assert ranking.callee(line_prefix) == expected


USED = [
    pytest.param("x = foo(a) + pkg.attr", [("foo",), ("pkg",)], id="call-and-module-reach"),
    pytest.param("store.NewStore(db).Run()", [("store", "NewStore"), ("Run",)], id="go-chain"),
    pytest.param("Config::new(path)", [("Config", "new")], id="rust-path"),
    pytest.param('f("g(x)") # h(y)', [("f",)], id="strings-and-comments-skipped"),
    pytest.param("a.b.c d", [("a", "b")], id="longest-reached-start"),
    pytest.param("a?.b c", [], id="optional-member-not-reached"),
    pytest.param("def f(a, b):", [], id="definition-line"),
]


@pytest.mark.parametrize(("line", "expected"), USED)
def test_used_on_line(line: str, expected: list[tuple[str, ...]]) -> None:
    assert ranking.used_on_line(line) == expected


HOSTILE = [
    pytest.param("x = " + "a" * 60_000, id="long-word"),
    pytest.param("k = " + "QUJD" * 15_000 + " ", id="base64-blob"),
    pytest.param('x = "' + "\\" * 60 + "a", id="backslashes-in-unterminated-string"),
    pytest.param("let" + " " * 30_000 + "1", id="let-and-spaces"),
    pytest.param("f(" + "a " * 30_000, id="call-with-many-words"),
]


@pytest.mark.parametrize("line", HOSTILE)
def test_hostile_lines_are_read_in_one_pass(line: str) -> None:
    # each of these took seconds to hours with backtracking regexes; now they are immediate
    ranking.used_on_line(line)
    ranking.callee(line)
    ranking.callee(line + " b(")
    assert len(ranking.wanted(line, "", line, line)) <= ranking.MAX_WANTED


def test_a_long_line_ranks_the_names_near_the_cursor() -> None:
    far = " + ".join(f"far_{i}.x" for i in range(2000))
    line_prefix = far + " + near.call("
    assert ranking.wanted("", "", line_prefix, "")[0] == ("near", "call")

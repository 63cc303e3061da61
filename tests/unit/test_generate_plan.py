"""Planning a generation: arguments, instruction source, anchor, prompt, re-locating."""

from __future__ import annotations

import pytest

from ds_lsp.documents import DocumentStore
from ds_lsp.generate import plan as genplan
from ds_lsp.generate.plan import Budget, GenerateArgs

PY = "import os\n\ndef add(a, b):\n    # return the sum\n    \n\nprint(add(1, 2))\n"


def doc(text: str = PY, language: str = "python", version: int = 1):
    return DocumentStore().open("file:///w/a.py", language, version, text)


# ---- arguments ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("args", "expected"),
    [
        pytest.param(
            [{"textDocument": {"uri": "u"}, "position": {"line": 1, "character": 2}}],
            GenerateArgs("u", (1, 2)),
            id="position",
        ),
        pytest.param(
            [
                {
                    "textDocument": {"uri": "u"},
                    "range": {
                        "start": {"line": 3, "character": 0},
                        "end": {"line": 1, "character": 4},
                    },
                }
            ],
            GenerateArgs("u", (1, 4), (3, 0)),
            id="range-reversed",
        ),
        pytest.param(
            [
                {
                    "textDocument": {"uri": "u"},
                    "position": {"line": 0, "character": 0},
                    "instruction": "  sort it  ",
                }
            ],
            GenerateArgs("u", (0, 0), None, "sort it"),
            id="instruction",
        ),
        pytest.param(
            [
                {
                    "textDocument": {"uri": "u"},
                    "position": {"line": 0, "character": 0},
                    "instruction": "  ",
                }
            ],
            GenerateArgs("u", (0, 0)),
            id="blank-instruction",
        ),
        pytest.param(
            ['{"textDocument": {"uri": "u"}, "position": {"line": 0, "character": 1}}'],
            GenerateArgs("u", (0, 1)),
            id="json-string",
        ),
        pytest.param(
            [{"uri": "u", "position": {"line": 0, "character": 1}}],
            GenerateArgs("u", (0, 1)),
            id="flat-uri",
        ),
    ],
)
def test_parse_arguments(args, expected):
    assert genplan.parse_arguments(args) == expected


@pytest.mark.parametrize(
    "args",
    [
        pytest.param([], id="none"),
        pytest.param([{"position": {"line": 0, "character": 0}}], id="no-uri"),
        pytest.param([{"textDocument": {"uri": "u"}}], id="no-place"),
        pytest.param(
            [{"textDocument": {"uri": "u"}, "position": {"line": -1, "character": 0}}],
            id="negative",
        ),
        pytest.param(
            [{"textDocument": {"uri": "u"}, "position": {"line": "1", "character": 0}}],
            id="not-int",
        ),
    ],
)
def test_parse_arguments_rejects(args):
    with pytest.raises(ValueError):
        genplan.parse_arguments(args)


# ---- the plan ---------------------------------------------------------------------------------
def plan(args: GenerateArgs, d=None) -> genplan.Plan | str:
    return genplan.make_plan(d or doc(), args, Budget(), "a.py")


def test_plan_from_comment_below():
    p = plan(GenerateArgs("u", (4, 4)))
    assert (p.source, p.instruction, p.replacing) == ("comment", "return the sum", False)
    assert (p.anchor.start, p.anchor.end, p.anchor.first) == ((4, 4), (4, 4), 1)
    assert p.prefix == "```python\n"
    assert "    # return the sum\n    <CURSOR>\n\nprint(add(1, 2))" in p.user_prompt


def test_plan_cursor_on_comment_moves_below_it():
    p = plan(GenerateArgs("u", (3, 6)))
    assert p.source == "comment"
    assert p.anchor.start == p.anchor.end == (3, len("    # return the sum"))


def test_plan_selection_is_instruction_and_replaced():
    p = plan(GenerateArgs("u", (3, 4), (3, 20)))
    assert (p.source, p.instruction, p.replacing) == ("selection", "# return the sum", True)
    assert "<SELECTION># return the sum</SELECTION>" in p.user_prompt


def test_plan_whitespace_selection_falls_back_to_comment():
    p = plan(GenerateArgs("u", (4, 4), (5, 0)))
    assert (p.source, p.replacing, p.anchor.end) == ("comment", False, (4, 4))


def test_plan_argument_wins():
    p = plan(GenerateArgs("u", (4, 4), None, "multiply"))
    assert (p.source, p.instruction) == ("argument", "multiply")


def test_plan_nothing_to_generate_from():
    assert plan(GenerateArgs("u", (1, 0))) == genplan.NO_INSTRUCTION


def test_prompt_is_budgeted_and_fenced_safely():
    text = "".join(f"v{i} = {i}\n" for i in range(500)) + "s = '```'\n# end it\n\n"
    d = doc(text)
    p = genplan.make_plan(d, GenerateArgs("u", (502, 0)), Budget(200, 50, 8), "a.py")
    code = p.user_prompt.split("````python\n", 1)[1]
    assert code.endswith("\n````") and len(code) < 300
    assert "v0 = 0" not in p.user_prompt
    assert "Language: python\nFile: a.py" in p.user_prompt


@pytest.mark.parametrize(
    ("language", "tag"),
    [("typescriptreact", "tsx"), ("shellscript", "bash"), ("plaintext", ""), ("go", "go")],
)
def test_fence_tag(language, tag):
    d = doc("\n", language)
    assert plan(GenerateArgs("u", (0, 0), None, "write it"), d).prefix == f"```{tag}\n"


# ---- landing --------------------------------------------------------------------------------
def test_locate_same_version():
    d = doc()
    anchor = genplan.make_anchor(d, (4, 4), (4, 4), 3)
    assert genplan.locate(d, anchor) == ((4, 4), (4, 4))


def test_locate_after_lines_added_above():
    d = doc()
    anchor = genplan.make_anchor(d, (4, 4), (4, 4), 3)
    d.apply_change(
        {
            "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
            "text": "a\nb\n",
        }
    )
    d.version = 2
    assert genplan.locate(d, anchor) == ((6, 4), (6, 4))


@pytest.mark.parametrize(
    ("edit", "why"),
    [
        pytest.param(
            {
                "range": {"start": {"line": 4, "character": 4}, "end": {"line": 4, "character": 4}},
                "text": "y",
            },
            "typed-there",
            id="typed-at-the-place",
        ),
        pytest.param({"text": PY + PY}, "twice", id="ambiguous"),
    ],
)
def test_locate_refuses(edit, why):
    d = doc()
    anchor = genplan.make_anchor(d, (4, 4), (4, 4), 3)
    d.apply_change(edit)
    d.version = 2
    assert genplan.locate(d, anchor) is None, why


@pytest.mark.parametrize(
    ("start", "end", "replacing", "indent", "keep"),
    [
        pytest.param((4, 4), (4, 4), False, "    ", False, id="blank-line"),
        pytest.param((5, 0), (5, 0), False, "", False, id="blank-col0-below-a-block-is-top-level"),
        pytest.param((3, 4), (4, 0), True, "    ", True, id="whole-line-selection"),
        pytest.param((6, 0), (6, 0), False, "", False, id="top-level"),
    ],
)
def test_target(start, end, replacing, indent, keep):
    t = genplan.target(doc(), start, end, replacing)
    assert (t.indent, t.keep_newline) == (indent, keep)


def test_insertion_returns_text_and_block():
    t = genplan.target(doc(), (4, 4), (4, 4), False)
    assert genplan.insertion("return a + b", t, False) == ("return a + b", "    return a + b")


# ---- where generated code lands on a blank line (issue 11) -----------------------------------
BLOCK_THEN_BLANK = "def a():\n    return 1\n\n"
INSIDE = "def a():\n    x = 1\n\n    return x\n"
OPENER = "def a():\n\n"
BRACES = "int main() {\n\n}\n"
TABS = "func a() {\n\tx := 1\n\n\treturn\n}\n"


@pytest.mark.parametrize(
    ("text", "point", "indent"),
    [
        pytest.param(BLOCK_THEN_BLANK, (2, 0), "", id="column-0-below-a-block-is-top-level"),
        pytest.param(BLOCK_THEN_BLANK, (3, 0), "", id="end-of-file-is-top-level"),
        pytest.param(INSIDE, (2, 0), "    ", id="column-0-inside-a-block-that-goes-on"),
        pytest.param(OPENER, (1, 0), "    ", id="column-0-right-below-an-opener"),
        pytest.param(BRACES, (1, 0), "    ", id="column-0-in-an-empty-brace-block"),
        pytest.param(TABS, (2, 0), "\t", id="tabs-inside-a-block"),
        pytest.param("def a():\n    return 1\n  \n", (2, 2), "  ", id="cursor-column-wins"),
        pytest.param("x = 1\n", (1, 0), "", id="top-level-file"),
    ],
)
def test_blank_line_indent(text, point, indent):
    assert genplan.indent_at(doc(text), *point) == indent


def test_new_top_level_function_below_an_indented_block_keeps_the_final_newline():
    d = doc(BLOCK_THEN_BLANK)
    t = genplan.target(d, (3, 0), (3, 0), False)
    text, _ = genplan.insertion("def b():\n    return 2", t, False)
    d.apply_change(
        {
            "range": {"start": {"line": 3, "character": 0}, "end": {"line": 3, "character": 0}},
            "text": text,
        }
    )
    assert d.text.lines(0, d.text.line_count) == (
        "def a():\n    return 1\n\ndef b():\n    return 2\n"
    )


def test_new_function_on_a_blank_line_between_functions_stays_top_level():
    d = doc("def a():\n    return 1\n\n\ndef c():\n    pass\n")
    t = genplan.target(d, (2, 0), (2, 0), False)
    assert genplan.insertion("def b():\n    return 2", t, False)[0] == "def b():\n    return 2"

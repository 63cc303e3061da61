"""What ds-lsp knows about each language, in one table: ids, file extensions, comments.

Every module that needs a language fact asks here: the CLI maps a file name to a language id,
the prompt header and other files' path tags are written as comments in the language's own
syntax, generate reads instructions from comments and tags its code fence. A language not in
the table gets `//` comments and its id as fence tag.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath

C_BLOCK = (("/*", "*/"),)
DOCSTRINGS = (('"""', '"""'), ("'''", "'''"))
XML_BLOCK = (("<!--", "-->"),)


@dataclass(frozen=True)
class Language:
    """One language: its LSP language id, file extensions and comment syntax."""

    id: str
    extensions: tuple[str, ...] = ()
    line_comments: tuple[str, ...] = ()  # the first one writes headers
    block_comments: tuple[tuple[str, str], ...] = ()  # (open, close); docstrings count

    def comment(self, text: str) -> str:
        """`text` as a one-line comment."""
        if self.line_comments:
            return f"{self.line_comments[0]} {text}"
        if self.block_comments:
            opener, closer = self.block_comments[0]
            return f"{opener} {text} {closer}"
        return f"// {text}"


def _table(
    *rows: tuple[str, str, tuple[str, ...], tuple[tuple[str, str], ...]],
) -> dict[str, Language]:
    """Rows of (ids, extensions, line comments, block comments); ids and extensions are
    space-separated, the first id of a row owns its extensions."""
    table: dict[str, Language] = {}
    for ids, extensions, line, blocks in rows:
        first, *aliases = ids.split()
        table[first] = Language(first, tuple(extensions.split()), line, blocks)
        for alias in aliases:
            table[alias] = Language(alias, (), line, blocks)
    return table


HASH, SLASH, DASH, SEMI, PERCENT = ("#",), ("//",), ("--",), (";",), ("%",)

LANGUAGES: dict[str, Language] = _table(
    ("python", ".py .pyi .pyw", HASH, DOCSTRINGS),
    ("ruby", ".rb .rake .gemspec", HASH, ()),
    ("perl", ".pl .pm", HASH, ()),
    ("r", ".r .R", HASH, ()),
    ("shellscript sh bash zsh", ".sh .bash .zsh", HASH, ()),
    ("fish", ".fish", HASH, ()),
    ("yaml", ".yaml .yml", HASH, ()),
    ("toml", ".toml", HASH, ()),
    ("makefile", ".mk", HASH, ()),
    ("dockerfile", ".dockerfile", HASH, ()),
    ("cmake", ".cmake", HASH, ()),
    ("elixir", ".ex .exs", HASH, ()),
    ("julia", ".jl", HASH, ()),
    ("nim", ".nim", HASH, ()),
    ("powershell", ".ps1 .psm1", HASH, ()),
    ("coffeescript", ".coffee", HASH, ()),
    ("nix", ".nix", HASH, ()),
    ("tcl", ".tcl", HASH, ()),
    ("gdscript", ".gd", HASH, ()),
    ("graphql", ".graphql .gql", HASH, ()),
    ("terraform hcl", ".tf .hcl", HASH, C_BLOCK),
    ("starlark", ".bzl .star", HASH, ()),
    ("c", ".c .h", SLASH, C_BLOCK),
    ("cpp", ".cc .cpp .cxx .hpp .hh .hxx", SLASH, C_BLOCK),
    ("objective-c", ".m", SLASH, C_BLOCK),
    ("objective-cpp", ".mm", SLASH, C_BLOCK),
    ("csharp", ".cs", SLASH, C_BLOCK),
    ("java", ".java", SLASH, C_BLOCK),
    ("javascript", ".js .mjs .cjs", SLASH, C_BLOCK),
    ("javascriptreact", ".jsx", SLASH, C_BLOCK),
    ("typescript", ".ts .mts .cts", SLASH, C_BLOCK),
    ("typescriptreact", ".tsx", SLASH, C_BLOCK),
    ("go", ".go", SLASH, C_BLOCK),
    ("rust", ".rs", SLASH, C_BLOCK),
    ("swift", ".swift", SLASH, C_BLOCK),
    ("kotlin", ".kt .kts", SLASH, C_BLOCK),
    ("scala", ".scala .sc", SLASH, C_BLOCK),
    ("dart", ".dart", SLASH, C_BLOCK),
    ("zig", ".zig", SLASH, ()),
    ("groovy", ".groovy .gradle", SLASH, C_BLOCK),
    ("proto", ".proto", SLASH, C_BLOCK),
    ("jsonc", ".jsonc", SLASH, C_BLOCK),
    ("d", ".d", SLASH, C_BLOCK),
    ("solidity", ".sol", SLASH, C_BLOCK),
    ("glsl", ".glsl .vert .frag", SLASH, C_BLOCK),
    ("hlsl", ".hlsl", SLASH, C_BLOCK),
    ("cuda", ".cu .cuh", SLASH, C_BLOCK),
    ("vue", ".vue", SLASH, C_BLOCK),
    ("svelte", ".svelte", SLASH, C_BLOCK),
    ("scss", ".scss", SLASH, C_BLOCK),
    ("less", ".less", SLASH, C_BLOCK),
    ("php", ".php", ("//", "#"), C_BLOCK),
    ("css", ".css", (), C_BLOCK),
    ("sql", ".sql", DASH, C_BLOCK),
    ("lua", ".lua", DASH, (("--[[", "]]"),)),
    ("haskell", ".hs", DASH, (("{-", "-}"),)),
    ("elm", ".elm", DASH, (("{-", "-}"),)),
    ("purescript", ".purs", DASH, (("{-", "-}"),)),
    ("agda", ".agda", DASH, (("{-", "-}"),)),
    ("idris", ".idr", DASH, (("{-", "-}"),)),
    ("ada", ".adb .ads", DASH, ()),
    ("vhdl", ".vhd .vhdl", DASH, ()),
    ("lisp commonlisp", ".lisp .cl", SEMI, ()),
    ("scheme", ".scm .ss", SEMI, ()),
    ("clojure", ".clj .cljs .cljc .edn", SEMI, ()),
    ("racket", ".rkt", SEMI, ()),
    ("fennel", ".fnl", SEMI, ()),
    ("emacs-lisp elisp", ".el", SEMI, ()),
    ("asm nasm", ".asm .s", SEMI, ()),
    ("ini", ".ini .cfg", SEMI, ()),
    ("erlang", ".erl .hrl", PERCENT, ()),
    ("latex tex", ".tex .sty .cls", PERCENT, ()),
    ("matlab", ".matlab", PERCENT, ()),
    ("prolog", ".pro", PERCENT, ()),
    ("html", ".html .htm", (), XML_BLOCK),
    ("xml", ".xml .xsd .xsl", (), XML_BLOCK),
    ("markdown", ".md .markdown", (), XML_BLOCK),
    ("svg", ".svg", (), XML_BLOCK),
    ("json", ".json", (), ()),
    ("plaintext", ".txt", (), ()),
)

# markdown fence tags that differ from the language id
FENCE_TAGS = {
    "javascriptreact": "jsx",
    "typescriptreact": "tsx",
    "shellscript": "bash",
    "objective-c": "objectivec",
    "objective-cpp": "objectivec",
    "emacs-lisp": "elisp",
    "plaintext": "",
}
BY_EXTENSION: dict[str, str] = {
    ext.lower(): lang.id for lang in LANGUAGES.values() for ext in lang.extensions
}
BY_FILE_NAME = {"makefile": "makefile", "dockerfile": "dockerfile", "cmakelists.txt": "cmake"}
UNKNOWN = Language("", (), ("#", "//", "--", ";"), C_BLOCK)


def language(language_id: str) -> Language:
    """The table row of a language id; unknown ids get `//` headers and every common
    comment marker when reading instructions."""
    return LANGUAGES.get(language_id.lower()) or Language(
        language_id, (), UNKNOWN.line_comments, UNKNOWN.block_comments
    )


def language_of(path: str) -> str:
    """The language id for a file name (`plaintext` when unknown)."""
    name = PurePath(path).name.lower()
    return BY_FILE_NAME.get(name) or BY_EXTENSION.get(PurePath(name).suffix, "plaintext")


def comment(language_id: str, text: str) -> str:
    """`text` as a one-line comment of the language (`//` when it has none of its own)."""
    known = LANGUAGES.get(language_id.lower())
    return known.comment(text) if known else f"// {text}"


def fence_tag(language_id: str) -> str:
    """The tag of a markdown code fence for the language (```python, ```tsx)."""
    return FENCE_TAGS.get(language_id, language_id)


def header(rel_path: str, language_id: str) -> str:
    """The prompt's opening line naming the file and its language."""
    return comment(language_id, f"Path: {rel_path} ({language_id})") + "\n"

"""Language families: which tokenizer and import rules a language id or file name uses.

TypeScript and JavaScript (and their React variants) share one family, as do C and C++,
and Java and Kotlin share import rules; a definition in a `.js` file can serve a `.ts` one.
"""

from __future__ import annotations

from ds_lsp.languages import language_of

FAMILY_OF_LANGUAGE = {
    "python": "python",
    "typescript": "ts",
    "typescriptreact": "ts",
    "javascript": "ts",
    "javascriptreact": "ts",
    "vue": "ts",
    "go": "go",
    "rust": "rust",
    "java": "java",
    "kotlin": "kotlin",
    "c": "c",
    "cpp": "c",
    "objective-c": "c",
    "objective-cpp": "c",
    "cuda-cpp": "c",
    "cuda": "c",
}
# families whose files may define what another family's file uses (Java <-> Kotlin)
COMPATIBLE = {"java": ("java", "kotlin"), "kotlin": ("kotlin", "java")}


def family(language_id: str) -> str | None:
    """The family of an LSP language id, or None when definitions are not indexed for it."""
    return FAMILY_OF_LANGUAGE.get(language_id)


def family_of_path(path: str) -> str | None:
    """The family of a file on disk, by its extension (languages.py; `.d.ts` is TypeScript)."""
    return family(language_of(path))


def compatible(a: str | None, b: str | None) -> bool:
    """Whether definitions of family `b` may be shown to a file of family `a`."""
    if a is None or b is None:
        return False
    return b in COMPATIBLE.get(a, (a,))


def shares_definitions(language: str, other: str) -> bool:
    """Whether a document in `other` may define what one in `language` uses."""
    fam = family(language)
    if fam is None:
        return language == other
    return compatible(fam, family(other))

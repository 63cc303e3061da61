"""A file's outline: its top-level and class-member definitions with whole signatures.

One pass of a careful tokenizer per file (strings, comments and brackets tracked, so a
multi-line parameter list is joined into one signature line and a `{` inside a string does
not open a body). Only top-level definitions and members of classes (impl blocks,
interfaces, objects) are indexed: a local variable or a function nested in a function is not
a definition another file can call. A class's record carries its constructor (`__init__`,
`constructor`, a Java constructor, Rust `new`, dataclass fields, a Kotlin primary
constructor) and a short doc line, so a call `Foo(` finds the parameters it needs.

The outline is compact on purpose (issue 15): records are packed into two strings
(`\\x1e`-separated, fields `\\x1f`-separated), looked up by `str.find`; no object per
definition survives the scan.

- `record`: the packed record format (`Outline`, `Definition`), shared helpers.
- `python`, `braces`: the outliners per family (strings and brackets of brace languages
  are read by the project's one scanner, `ds_lsp.code_scan`, with the family's `Syntax`).
- `build`: `outline(text, family)`; `slices`: big files, outlined around a name.
"""

from ds_lsp.workspace.outline.build import outline
from ds_lsp.workspace.outline.record import FLD, REC, Definition, Outline
from ds_lsp.workspace.outline.slices import defined_names, outline_around

__all__ = ["FLD", "REC", "Definition", "Outline", "defined_names", "outline", "outline_around"]

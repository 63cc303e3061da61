"""The pure core imports neither pygls nor lsprotocol (only the LSP layer does)."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "ds_lsp"
LSP_LAYER = {"server.py", "transport.py", "cli.py", "generate.py", "__main__.py"}
CORE = sorted(p for p in PACKAGE.rglob("*.py") if p.name not in LSP_LAYER)


@pytest.mark.parametrize("path", CORE, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_core_module_does_not_import_the_protocol(path):
    tree = ast.parse(path.read_text())
    names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    names |= {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    assert not {n.split(".")[0] for n in names} & {"pygls", "lsprotocol"}
    assert ast.get_docstring(tree), "every module opens with a docstring"

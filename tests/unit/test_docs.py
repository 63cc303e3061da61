"""The README documents every setting and every command the server offers."""

from pathlib import Path

import pytest

from ds_lsp.config import FIELDS

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()


def test_readme_opens_with_install_and_test_commands():
    head = README.split("```")[1]
    assert "pip install -e '.[test]'" in head and "python -m pytest" in head


@pytest.mark.parametrize("key", sorted(FIELDS))
def test_every_setting_is_in_the_readme(key):
    assert f"| `{key}` |" in README


@pytest.mark.parametrize(
    "command",
    [
        "--tcp",
        "--version",
        "check",
        "complete FILE:LINE:COL",
        "--log-file",
        "ds-lsp.generateCodeBlock",
        "ds-lsp/status",
        "ds-lsp.showUsage",
        "ds-lsp usage",
    ],
)
def test_every_command_is_in_the_readme(command):
    assert command in README

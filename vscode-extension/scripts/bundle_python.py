"""Fill vscode-extension/bundled/libs with the ds-lsp server and its pure-Python dependencies.

The .vsix then works on install: the extension runs `<python> -m ds_lsp` with
PYTHONPATH=bundled/libs, with any Python >= 3.11 (the convention of Microsoft's Python-tool
extensions, e.g. vscode-black-formatter). Run by `npm run package` (`prepackage`):

    python3 vscode-extension/scripts/bundle_python.py

The dependencies are read from the repository's pyproject.toml and installed as pure-Python
wheels only (`--only-binary :all: --implementation py --platform any`), so a dependency
without a pure-Python wheel fails the build instead of tying the .vsix to one platform. Run it
with Python 3.11, the oldest the server supports: pip evaluates dependency markers with the
interpreter that runs it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

EXT = Path(__file__).resolve().parents[1]
ROOT = EXT.parent
LIBS = EXT / "bundled" / "libs"
MIN_PYTHON = "3.11"
# What building the ds-lsp wheel needs from the repository (copied, so no build/ or *.egg-info
# lands in the work tree).
PROJECT_FILES = ("pyproject.toml", "README.md", "LICENSE", "setup.cfg", "setup.py", "MANIFEST.in")
PIP = [sys.executable, "-m", "pip", "install", "--no-cache-dir", "--disable-pip-version-check",
       "--quiet", "--target"]  # fmt: skip


def dependencies(pyproject: Path) -> list[str]:
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    return list(project.get("dependencies", []))


def copy_project(into: Path) -> None:
    for name in PROJECT_FILES:
        if (ROOT / name).exists():
            shutil.copy2(ROOT / name, into / name)
    shutil.copytree(ROOT / "ds_lsp", into / "ds_lsp",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))  # fmt: skip


def bundle(libs: Path) -> None:
    deps = dependencies(ROOT / "pyproject.toml")
    with tempfile.TemporaryDirectory(prefix="ds-lsp-bundle-") as tmp:
        staging = Path(tmp) / "libs"
        pure = ["--only-binary", ":all:", "--implementation", "py", "--platform", "any",
                "--python-version", MIN_PYTHON]  # fmt: skip
        subprocess.run([*PIP, str(staging), *pure, *deps], check=True)
        project = Path(tmp) / "project"
        project.mkdir()
        copy_project(project)
        subprocess.run([*PIP, str(staging), "--no-deps", str(project)], check=True)
        # Console scripts point at this machine's Python; the extension runs `python -m ds_lsp`.
        shutil.rmtree(staging / "bin", ignore_errors=True)
        for cache in staging.rglob("__pycache__"):
            shutil.rmtree(cache, ignore_errors=True)
        shutil.rmtree(libs, ignore_errors=True)
        libs.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(staging), libs)
    names = sorted(p.name for p in libs.iterdir() if p.name.endswith(".dist-info"))
    print(f"bundled into {libs.relative_to(EXT)}: {', '.join(n[:-10] for n in names)}")


def main() -> int:
    if sys.version_info[:2] != (3, 11):
        # pip evaluates dependency markers (`python_version < "3.13"`) with this interpreter.
        print(
            f"warning: bundling with Python {sys.version_info.major}.{sys.version_info.minor}: "
            f"dependencies that only Python {MIN_PYTHON} needs may be missing",
            file=sys.stderr,
        )
    bundle(LIBS)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Which files never go upstream: the `exclude` globs matched against a document's path.

Used by every reader of file text (completion, other-file context, generate, the CLI), so a
secret file is refused the same way wherever it would enter a prompt.
"""

from __future__ import annotations

import fnmatch
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit


def uri_to_path(uri: str) -> str:
    """The file system path of a `file:` URI (other schemes are returned as they are)."""
    parts = urlsplit(uri)
    return unquote(parts.path) if parts.scheme in ("file", "") else uri


def relative_path(uri: str, root: str | None) -> str:
    """The path of `uri` relative to the workspace root, else its file name."""
    path = uri_to_path(uri)
    base = (root or "").rstrip("/")
    if base and path.startswith(base + "/"):
        return path[len(base) + 1 :]
    return PurePosixPath(path).name or path


def is_excluded(uri: str, patterns: list[str], root: str | None = None) -> bool:
    """Whether a document's path matches one of the exclude globs (name or path)."""
    path = PurePosixPath(uri_to_path(uri))
    rel = str(path)
    if root and rel.startswith(root.rstrip("/") + "/"):
        rel = rel[len(root.rstrip("/")) + 1 :]
    for pattern in patterns:
        if fnmatch.fnmatch(path.name, pattern) or fnmatch.fnmatch(rel, pattern):
            return True
        if "/" in pattern and path.match(pattern):
            return True
    return False

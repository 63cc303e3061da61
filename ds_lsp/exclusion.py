"""Which files never go upstream: the `exclude` globs matched against a document's path.

Used by every reader of file text (completion, other-file context, generate, the CLI, the
workspace files read from disk), so a secret file is refused the same way wherever it would
enter a prompt. `is_excluded` takes a URI of any scheme or a plain file system path.

The rules (gitignore's glob syntax, through `pathspec`):
- matching ignores case (`.ENV`, `Key.PEM`), on the percent-decoded path of every URI
  scheme (`file:`, `vscode-remote://host/p/%2Eenv`, `untitled:`, ...);
- a pattern without `/` matches the file name, in any folder (`*.pem`, `.env.*`);
- a pattern with `/` matches the workspace-relative path or any tail of the path
  (`.kube/config` matches `/home/u/.kube/config`), and everything under a matching folder
  (`secrets/` or `secrets/*` exclude `secrets/a/b.py`); a leading `/` anchors it to the
  workspace root; `**` spans folders;
- a local file is also matched through its resolved path, so a symlink to a secret is as
  secret as its target;
- negations (`!pattern`) are ignored: an exclude list can only add files.
"""

from __future__ import annotations

import functools
import logging
import os
import posixpath
import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

import pathspec

log = logging.getLogger(__name__)

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+:")  # two letters at least: C:\ is a path
_Pattern = pathspec.lookup_pattern("gitignore")


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


def document_path(target: str) -> tuple[str, bool]:
    """(the decoded, normalized path of a URI or path, whether it names a local file)."""
    if _SCHEME.match(target):
        parts = urlsplit(target)
        path, local = unquote(parts.path), parts.scheme.lower() == "file"
    else:
        path, local = target, True
    path = path.replace("\\", "/")
    return (posixpath.normpath(path) if path else path), local


@dataclass(frozen=True)
class _Compiled:
    names: list[re.Pattern[str]]  # no `/`: matched against the file name
    paths: list[re.Pattern[str]]  # matched against every tail of the path
    anchored: list[re.Pattern[str]]  # a leading `/`: the workspace-relative path only


@functools.lru_cache(maxsize=32)
def _compiled(patterns: tuple[str, ...]) -> _Compiled:
    """The patterns as regexes over case-folded paths, by what they are matched against."""
    names: list[re.Pattern[str]] = []
    paths: list[re.Pattern[str]] = []
    anchored: list[re.Pattern[str]] = []
    for raw in patterns:
        text = raw.strip().casefold()
        if "/" in text.rstrip("/") and not text.startswith(("/", "**/")):
            text = "**/" + text  # a path pattern matches any tail of the path
        try:
            pattern = _Pattern(text)
        except Exception as exc:  # pathspec raises its own errors on broken globs
            log.warning("ignoring exclude pattern %r: %s", raw, exc)
            continue
        regex = getattr(pattern, "regex", None)  # gitignore patterns are regex patterns
        if pattern.include is not True or regex is None:
            continue  # a comment, a negation or an invalid glob
        if text.startswith("/"):
            anchored.append(regex)
        else:
            (paths if "/" in text else names).append(regex)
    return _Compiled(names, paths, anchored)


def _under(path: str, root: str | None) -> str | None:
    base = (root or "").rstrip("/")
    if base and path.casefold().startswith(base.casefold() + "/"):
        return path[len(base) + 1 :]
    return None


def _candidates(target: str, root: str | None) -> Iterable[tuple[str, str | None]]:
    """(path, workspace-relative path or None) for the path and its resolved target."""
    path, local = document_path(target)
    roots = [document_path(root)[0]] if root else []
    if local and path:
        real = os.path.realpath(path)
        real_root = os.path.realpath(roots[0]) if roots else None
        if real_root and real_root not in roots:
            roots.append(real_root)
        yield path, next((r for r in (_under(path, x) for x in roots) if r), None)
        if real != path:
            yield real, next((r for r in (_under(real, x) for x in roots) if r), None)
        return
    yield path, next((r for r in (_under(path, x) for x in roots) if r), None)


def file_identity(target: str) -> tuple[int, int, int] | None:
    """(device, inode, type) of a local file without following a symlink, for caches of
    exclusion decisions: a file that becomes a link to a secret gets decided again."""
    path, local = document_path(target)
    if not (local and path):
        return None
    try:
        info = os.lstat(path)
    except (OSError, ValueError):
        return None
    return info.st_dev, info.st_ino, stat.S_IFMT(info.st_mode)


def is_excluded(target: str, patterns: Iterable[str], root: str | None = None) -> bool:
    """Whether a document (a URI of any scheme, or a path) matches an exclude glob. A path
    that cannot be resolved (a NUL byte, a loop) counts as excluded."""
    try:
        return _matches(target, _compiled(tuple(patterns)), root)
    except (OSError, ValueError):
        return True


def _matches(target: str, spec: _Compiled, root: str | None) -> bool:
    for path, rel in _candidates(target, root):
        folded = path.casefold()
        if any(p.match(posixpath.basename(folded)) for p in spec.names):
            return True
        tails = _with_folders(folded.lstrip("/"))
        if rel:
            tails += _with_folders(rel.casefold())
        if any(p.match(t) for p in spec.paths for t in tails):
            return True
        if rel and any(p.match(t) for p in spec.anchored for t in _with_folders(rel.casefold())):
            return True
    return False


def _with_folders(path: str) -> list[str]:
    """`a/b/c.py` and its folders `a/b`, `a`: a file under an excluded folder is excluded."""
    out = [path]
    while "/" in path:
        path = path.rsplit("/", 1)[0]
        out.append(path)
    return out

"""Which files never go upstream: the `exclude` globs matched against a document's path.

Used by every reader of file text (completion, other-file context, generate, the CLI, the
workspace files read from disk), so a secret file is refused the same way wherever it would
enter a prompt. `is_excluded` takes a URI of any scheme or a plain file system path, and the
workspace folders (one or several).

The rules (gitignore's glob syntax):
- matching ignores case (`.ENV`, `Key.PEM`), on the percent-decoded path of every URI
  scheme (`file:`, `vscode-remote://host/p/%2Eenv`, `untitled:`, ...);
- a pattern without `/` matches the file name, in any folder (`*.pem`, `.env.*`);
- a pattern with `/` matches the workspace-relative path or any tail of the path
  (`.kube/config` matches `/home/u/.kube/config`), and everything under a matching folder
  (`secrets/` or `secrets/*` exclude `secrets/a/b.py`); a leading `/` anchors it to the
  root of every workspace folder; `**` spans folders;
- a local file is also matched through its resolved path, so a symlink to a secret is as
  secret as its target;
- negations (`!pattern`) are ignored: an exclude list can only add files.

Matching never backtracks: a glob is cut at its `*` into fixed-length pieces, each found
at its earliest place (the first and last pinned to the ends), and `**` likewise at the
level of folders, so one glob costs at most (path length x glob length) steps whoever wrote
it; a glob longer than MAX_GLOB_CHARS is refused.
"""

from __future__ import annotations

import functools
import logging
import os
import posixpath
import re
import stat
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

log = logging.getLogger(__name__)

MAX_GLOB_CHARS = 1024
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+:")  # two letters at least: C:\ is a path


def uri_to_path(uri: str) -> str:
    """The file system path of a `file:` URI (other schemes are returned as they are)."""
    parts = urlsplit(uri)
    return unquote(parts.path) if parts.scheme in ("file", "") else uri


@functools.lru_cache(maxsize=1024)
def relative_path(uri: str, root: str | None) -> str:
    """The path of `uri` relative to the workspace root, else its file name (asked for every
    completion: remembered for the documents in use)."""
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


# ---- globs ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Piece:
    """A part of a glob segment without `*`: literal text, `?` and `[...]`, fixed length."""

    length: int
    literal: str | None  # the text, when it has no `?` or class
    pattern: re.Pattern[str] | None

    def at(self, name: str, pos: int) -> bool:
        if self.literal is not None:
            return name.startswith(self.literal, pos)
        assert self.pattern is not None
        return self.pattern.match(name, pos) is not None

    def find(self, name: str, pos: int, end: int) -> int:
        """The earliest start >= pos of this piece ending at or before `end`, else -1."""
        if self.literal is not None:
            return name.find(self.literal, pos, end)
        assert self.pattern is not None
        found = self.pattern.search(name, pos, end)
        return found.start() if found else -1


@dataclass(frozen=True)
class Segment:
    """A glob on one path segment: pieces between its `*` (one piece: no `*`)."""

    pieces: tuple[Piece, ...]

    def matches(self, name: str) -> bool:
        first, last = self.pieces[0], self.pieces[-1]
        if len(self.pieces) == 1:
            if first.literal is not None:
                return name == first.literal
            return len(name) == first.length and first.at(name, 0)
        end = len(name) - last.length
        if end < first.length or not first.at(name, 0) or not last.at(name, end):
            return False
        pos = first.length
        for piece in self.pieces[1:-1]:  # earliest place first: never needs a second try
            found = piece.find(name, pos, end)
            if found < 0:
                return False
            pos = found + piece.length
        return True


ANY_FOLDERS = None  # `**`: any number of segments
Pattern = tuple[Segment | None, ...]
_STAR = Segment((Piece(0, "", None), Piece(0, "", None)))  # `*`: any one segment


def _piece(text: str) -> Piece:
    """A piece from glob text without `*` (escapes, `?` and classes resolved)."""
    regex, literal, length, i = [], [], 0, 0
    plain = True
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            i += 1
            regex.append(re.escape(text[i]))
            literal.append(text[i])
        elif ch == "?":
            regex.append("[^/]")
            plain = False
        elif ch == "[" and (close := _class_end(text, i)) > 0:
            regex.append(_class(text[i + 1 : close]))
            plain = False
            i = close
        else:
            regex.append(re.escape(ch))
            literal.append(ch)
        length += 1
        i += 1
    if plain:
        return Piece(length, "".join(literal), None)
    return Piece(length, None, re.compile("".join(regex), re.S))


def _class_end(text: str, start: int) -> int:
    """Where the class opened at `start` closes, else -1 (then `[` is a literal)."""
    i = start + 1
    if i < len(text) and text[i] in "!^":
        i += 1
    if i < len(text) and text[i] == "]":
        i += 1
    close = text.find("]", i)
    return close


def _class(body: str) -> str:
    negated = body[:1] in ("!", "^")
    body = body[1:] if negated else body
    inner = "".join("\\" + c if c in "\\^[]" else c for c in body)
    return f"[^/{inner}]" if negated else f"[{inner}]"


def _segment(text: str) -> Segment:
    parts: list[str] = []
    current, i = [], 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            current.append(text[i : i + 2])
            i += 2
            continue
        if text[i] == "*":
            parts.append("".join(current))
            current = []
        else:
            current.append(text[i])
        i += 1
    parts.append("".join(current))
    return Segment(tuple(_piece(p) for p in parts))


def compile_glob(text: str) -> Pattern:
    """A path glob (no leading `/`) as segments; `**` as ANY_FOLDERS; a trailing `**`
    matches one segment or more (`a/**` is what is inside `a`)."""
    out: list[Segment | None] = []
    for part in text.split("/"):
        if part == "**":
            if out and out[-1] is ANY_FOLDERS:
                continue
            out.append(ANY_FOLDERS)
        elif part:
            out.append(_segment(part))
    if len(out) > 1 and out[-1] is ANY_FOLDERS and out[-2] is not ANY_FOLDERS:
        out[-1:] = [_STAR, ANY_FOLDERS]
    return tuple(out)


@dataclass(frozen=True)
class PathGlob:
    """A compiled path glob: runs of segments, with any number of folders between runs."""

    runs: tuple[tuple[Segment, ...], ...]  # one run: no `**`

    @classmethod
    def of(cls, pattern: Pattern) -> PathGlob:
        runs: list[list[Segment]] = [[]]
        for seg in pattern:
            if seg is ANY_FOLDERS:
                runs.append([])
            else:
                runs[-1].append(seg)
        return cls(tuple(tuple(run) for run in runs))

    def matches(self, parts: Sequence[str]) -> bool:
        """Whether the path segments `parts` match."""
        first, last = self.runs[0], self.runs[-1]
        if len(self.runs) == 1:
            return len(parts) == len(first) and _run_at(first, parts, 0)
        tail = len(parts) - len(last)
        if tail < len(first) or not _run_at(first, parts, 0) or not _run_at(last, parts, tail):
            return False
        pos = len(first)
        for run in self.runs[1:-1]:  # earliest place first, as for the pieces of a segment
            while pos + len(run) <= tail and not _run_at(run, parts, pos):
                pos += 1
            if pos + len(run) > tail:
                return False
            pos += len(run)
        return True


def _run_at(run: tuple[Segment, ...], parts: Sequence[str], pos: int) -> bool:
    return all(seg.matches(parts[pos + i]) for i, seg in enumerate(run))


@dataclass(frozen=True)
class _Compiled:
    names: list[Segment]  # no `/`: matched against the file name
    paths: list[PathGlob]  # matched against the whole path and every workspace-relative one
    anchored: list[PathGlob]  # a leading `/`: the workspace-relative paths only


@functools.lru_cache(maxsize=32)
def _compiled(patterns: tuple[str, ...]) -> _Compiled:
    """The patterns over case-folded paths, by what they are matched against."""
    out = _Compiled([], [], [])
    for raw in patterns:
        text = raw.strip().casefold()
        if not text or text.startswith(("#", "!")):
            continue  # a comment or a negation: an exclude list only adds files
        if len(text) > MAX_GLOB_CHARS:
            log.warning(
                "ignoring an exclude pattern of %d characters (at most %d)",
                len(text),
                MAX_GLOB_CHARS,
            )
            continue
        if text.startswith("\\"):
            text = text[1:] if text[1:2] in ("#", "!") else text
        _add(out, text)
    return out


def _add(out: _Compiled, text: str) -> None:
    folder = text.endswith("/")
    body = text.strip("/") if text.startswith("/") else text.rstrip("/")
    if not body:  # `/`: the whole workspace
        out.anchored.append(PathGlob.of((ANY_FOLDERS,)))
        return
    if "/" not in text:
        out.names.append(_segment(body))
        return
    pattern = compile_glob(body)
    # a match names a file or a folder: everything inside a folder is excluded with it
    inside = (_STAR, ANY_FOLDERS) if folder else (ANY_FOLDERS,)
    if pattern[-1] is not ANY_FOLDERS:
        pattern += inside
    if text.startswith("/"):
        out.anchored.append(PathGlob.of(pattern))
    elif pattern[0] is ANY_FOLDERS:
        out.paths.append(PathGlob.of(pattern))
    else:  # a path glob matches any tail of the path
        out.paths.append(PathGlob.of((ANY_FOLDERS, *pattern)))


# ---- documents -----------------------------------------------------------------------------
Roots = str | Sequence[str] | None


def _roots(root: Roots) -> list[str]:
    listed = [root] if isinstance(root, str) else list(root or [])
    return [document_path(r)[0].rstrip("/") for r in listed if r]


def _under(path: str, base: str) -> str | None:
    if base and path.casefold().startswith(base.casefold() + "/"):
        return path[len(base) + 1 :]
    return None


def _candidates(target: str, root: Roots) -> Iterator[tuple[str, list[str]]]:
    """(path, its paths relative to each workspace folder holding it) for the path and,
    for a local file, its resolved target (relative to the folders' resolved paths too)."""
    path, local = document_path(target)
    roots = _roots(root)
    if local and path:
        roots += [r for r in map(os.path.realpath, roots) if r not in roots]
        real = os.path.realpath(path)
        yield path, _relatives(path, roots)
        if real != path:
            yield real, _relatives(real, roots)
        return
    yield path, _relatives(path, roots)


def _relatives(path: str, roots: list[str]) -> list[str]:
    return [rel for rel in (_under(path, r) for r in roots) if rel]


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


def is_excluded(target: str, patterns: Iterable[str], root: Roots = None) -> bool:
    """Whether a document (a URI of any scheme, or a path) matches an exclude glob; `root`
    is the workspace folder, or all of them. A path that cannot be resolved (a NUL byte,
    a loop) counts as excluded."""
    try:
        return _matches(target, _compiled(tuple(patterns)), root)
    except (OSError, ValueError):
        return True


def _matches(target: str, spec: _Compiled, root: Roots) -> bool:
    for path, relatives in _candidates(target, root):
        folded = path.casefold()
        name = posixpath.basename(folded)
        if any(seg.matches(name) for seg in spec.names):
            return True
        paths = [folded.lstrip("/").split("/"), *(r.casefold().split("/") for r in relatives)]
        if any(p.matches(parts) for p in spec.paths for parts in paths):
            return True
        if any(p.matches(parts) for p in spec.anchored for parts in paths[1:]):
            return True
    return False

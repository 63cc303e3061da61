"""Reading workspace files for context: bounded, exclusion-checked, cached by mtime.

Every path is checked before it is read: it must lie under a workspace root both as given
and after resolving symlinks (a link never leads out of the root), the `excluded`
predicate must accept both forms, and the file must be a regular file under the size cap.
Outlines are cached per path with the file's (mtime, size) and evicted least recently used
by count and by bytes, so the index stays small however large the workspace (issue 15);
small config files (tsconfig.json, package.json, go.mod) are read and parsed once per
(mtime, size) too. Nothing here walks a tree: a request reads only the files its imports
name, at most `max_new_files` not yet cached.
"""

from __future__ import annotations

import functools
import logging
import os
import stat
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

from ds_lsp.exclusion import file_identity, uri_to_path
from ds_lsp.workspace.jsonc import parse_jsonc
from ds_lsp.workspace.outline import Outline, outline

log = logging.getLogger(__name__)

ROOT_MARKERS = (
    ".git",
    "pyproject.toml",
    "package.json",
    "go.mod",
    "Cargo.toml",
    "setup.py",
    "pom.xml",
    "build.gradle",
    "build.gradle.kts",
    "go.work",
    ".hg",
)
MAX_FILE_BYTES = 256 * 1024
MAX_BIG_FILE_BYTES = 4 * 1024 * 1024  # bigger files are outlined only around a name
MAX_CACHED_FILES = 256
MAX_CACHED_BYTES = 2 * 1024 * 1024
MAX_DIR_ENTRIES = 400
MAX_CONFIG_BYTES = 64 * 1024  # tsconfig.json, package.json, go.mod
MAX_CACHED_CONFIGS = 64
_T = TypeVar("_T")


def _as_text(text: str) -> str:
    return text


@functools.lru_cache(maxsize=4096)
def path_of(uri: str) -> str:
    """`uri_to_path`, remembered: every completion maps every open document's URI."""
    return uri_to_path(uri)


def find_root(path: str) -> str | None:
    """The nearest folder at or above `path` holding `.git`, `pyproject.toml`,
    `package.json`, `go.mod` (or another project marker); None when there is none."""
    here = os.path.abspath(path)
    if not os.path.isdir(here):
        here = os.path.dirname(here)
    while True:
        if any(os.path.exists(os.path.join(here, m)) for m in ROOT_MARKERS):
            return here
        parent = os.path.dirname(here)
        if parent == here:
            return None
        here = parent


class FileReader:
    """Exclusion-checked, size-capped reads and an LRU of outlines keyed by path."""

    def __init__(
        self,
        roots: list[str],
        excluded: Callable[[str], bool],
        max_file_bytes: int = MAX_FILE_BYTES,
        max_files: int = MAX_CACHED_FILES,
        max_bytes: int = MAX_CACHED_BYTES,
    ) -> None:
        self.roots = [r.rstrip(os.sep) or os.sep for r in roots]
        self.real_roots = [os.path.realpath(r) for r in self.roots]
        self.excluded = excluded
        self.max_file_bytes = max_file_bytes
        self.max_files = max_files
        self.max_bytes = max_bytes
        self._outlines: OrderedDict[str, tuple[int, int, Outline]] = OrderedDict()
        # (path, kind) -> ((mtime, size), parsed value) of small config files
        self._configs: OrderedDict[tuple[str, str], tuple[tuple[int, int], Any]] = OrderedDict()
        self._bytes = 0
        # path -> (its file identity, its real path or None if refused)
        self._allowed: dict[str, tuple[tuple[int, int, int] | None, str | None]] = {}
        self.reads = 0  # files read from disk (for tests and the bench)
        self.budget = 0  # new files this request may still read

    # -- safety --
    def allowed(self, path: str) -> str | None:
        """The real path of `path` when it may be read, else None (never raises). Decided
        again when the file at `path` is another one than when it was decided."""
        identity = file_identity(path)
        known = self._allowed.get(path)
        if known is not None and known[0] == identity:
            return known[1]
        real: str | None = None
        try:
            resolved = os.path.realpath(path)
            if (
                self._under(path, self.roots)
                and self._under(resolved, self.real_roots)
                and not self.excluded(path)
                and not self.excluded(resolved)
            ):
                real = resolved
        except (OSError, ValueError):
            real = None
        if len(self._allowed) > 20_000:
            self._allowed.clear()
        self._allowed[path] = (identity, real)
        return real

    @staticmethod
    def _under(path: str, roots: list[str]) -> bool:
        path = os.path.normpath(path)
        return any(path == r or path.startswith(r + os.sep) or r == os.sep for r in roots)

    def is_file(self, path: str) -> bool:
        """A regular file we may read (stat only; nothing is read)."""
        real = self.allowed(path)
        if real is None:
            return False
        try:
            return stat.S_ISREG(os.stat(real).st_mode)
        except OSError:
            return False

    def list_dir(self, folder: str) -> list[str]:
        """Names in a workspace folder (one listing, capped), [] outside the roots."""
        if not self._under(folder, self.roots) or not self._under(
            os.path.realpath(folder), self.real_roots
        ):
            return []
        try:
            with os.scandir(folder) as entries:
                names = []
                for entry in entries:
                    names.append(entry.name)
                    if len(names) >= MAX_DIR_ENTRIES:
                        break
        except OSError:
            return []
        return sorted(names)

    def read_text(self, path: str, limit: int | None = None) -> str | None:
        """The text of an allowed regular file under the size cap, else None."""
        real = self.allowed(path)
        if real is None:
            return None
        try:
            info = os.stat(real)
            if not stat.S_ISREG(info.st_mode) or info.st_size > (limit or self.max_file_bytes):
                return None
            # the real path was checked: never follow a link put there since
            fd = os.open(real, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
            with os.fdopen(fd, "rb") as handle:
                data = handle.read((limit or self.max_file_bytes) + 1)
        except OSError:
            return None
        self.reads += 1
        log.debug("context: read %s (%d bytes)", path, len(data))
        if b"\0" in data[:1024]:
            return None  # binary
        return data.decode("utf-8", "replace")

    def read_small(self, path: str) -> str | None:
        """A small config file's text (go.mod), read again only when it changed."""
        return self._config(path, "text", _as_text)

    def read_json(self, path: str) -> dict[str, Any] | None:
        """A small JSON/JSONC config file (tsconfig.json, package.json) parsed, parsed again
        only when it changed."""
        return self._config(path, "json", parse_jsonc)

    def _config(self, path: str, kind: str, parse: Callable[[str], _T | None]) -> _T | None:
        real = self.allowed(path)
        if real is None:
            return None
        try:
            info = os.stat(real)
        except OSError:
            return None
        key = (path, kind)
        stamp = (info.st_mtime_ns, info.st_size)
        known = self._configs.get(key)
        if known is not None and known[0] == stamp:
            self._configs.move_to_end(key)
            cached: _T | None = known[1]
            return cached
        text = self.read_text(path, MAX_CONFIG_BYTES)
        value = parse(text) if text is not None else None
        self._configs[key] = (stamp, value)
        while len(self._configs) > MAX_CACHED_CONFIGS:
            self._configs.popitem(last=False)
        return value

    # -- outlines --
    def outline_of(self, path: str, family: str) -> Outline | None:
        """The outline of a file on disk: cached while its mtime and size stay the same;
        None when it may not be read, or when this request's budget of new reads is spent."""
        real = self.allowed(path)
        if real is None:
            return None
        try:
            info = os.stat(real)
        except OSError:
            return None
        known = self._outlines.get(path)
        if known is not None and known[0] == info.st_mtime_ns and known[1] == info.st_size:
            self._outlines.move_to_end(path)
            return known[2]
        if self.budget <= 0:
            return None
        self.budget -= 1
        text = self.read_text(path)
        if text is None:
            return None
        result = outline(text, family, values=False)  # never opened: no string values
        self.remember(path, info.st_mtime_ns, info.st_size, result)
        return result

    def big_file(self, path: str) -> tuple[int, int] | None:
        """(mtime, size) of an allowed regular file too big to outline whole but small
        enough to be outlined around a name; None otherwise (stat only)."""
        real = self.allowed(path)
        if real is None:
            return None
        try:
            info = os.stat(real)
        except OSError:
            return None
        if not stat.S_ISREG(info.st_mode):
            return None
        if not self.max_file_bytes < info.st_size <= MAX_BIG_FILE_BYTES:
            return None
        return info.st_mtime_ns, info.st_size

    def read_big(self, path: str) -> str | None:
        """The text of a big file (see `big_file`), read for one outline around a name."""
        return self.read_text(path, MAX_BIG_FILE_BYTES)

    def remember(self, key: str, mtime: int, size: int, result: Outline) -> None:
        old = self._outlines.pop(key, None)
        if old is not None:
            self._bytes -= old[2].size
        self._outlines[key] = (mtime, size, result)
        self._bytes += result.size
        while self._outlines and (
            len(self._outlines) > self.max_files or self._bytes > self.max_bytes
        ):
            _, (_, _, dropped) = self._outlines.popitem(last=False)
            self._bytes -= dropped.size

    def cached(self, key: str, mtime: int, size: int) -> Outline | None:
        known = self._outlines.get(key)
        if known is not None and known[0] == mtime and known[1] == size:
            self._outlines.move_to_end(key)
            return known[2]
        return None

    @property
    def cached_bytes(self) -> int:
        return self._bytes

    def forget(self, key: str) -> None:
        old = self._outlines.pop(key, None)
        if old is not None:
            self._bytes -= old[2].size

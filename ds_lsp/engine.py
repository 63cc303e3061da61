"""The completion pipeline: should we complete, window, cache, debounce, upstream, cleaning.

`Engine.complete` serves textDocument/inlineCompletion and textDocument/completion. Per
document the newest request wins: an older one is cancelled (its HTTP call aborted) and
answers None at once. Upstream problems become one message per kind of problem (again after
the problem was fixed and came back), never an exception to the caller.
"""

from __future__ import annotations

import asyncio
import fnmatch
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

import httpx

from ds_lsp import postprocess
from ds_lsp.backends.deepseek import DeepSeekClient, FimRequest, FimResult
from ds_lsp.backends.http import UpstreamError, is_loopback, make_client, with_retries
from ds_lsp.cache import CompletionCache
from ds_lsp.config import DEEPSEEK_HOSTS, FALLBACK_MODEL, PREFERRED_MODELS, Settings
from ds_lsp.context import Window, build_window
from ds_lsp.documents import Document, DocumentStore
from ds_lsp.postprocess import Mode

log = logging.getLogger(__name__)

FAST_TRIGGERS = (".", "(", "[", "{", ",", ":")


@dataclass
class Suggestion:
    """A cleaned suggestion for the cursor at (line, character) in LSP units."""

    text: str
    line: int
    character: int
    window: Window
    cached: bool = False


class UI:
    """What the engine tells the editor; the server replaces these with LSP notifications."""

    def show_message(self, level: str, text: str) -> None:
        log.warning("%s: %s", level, text)

    def status(self, state: str, message: str | None = None) -> None:
        pass


MESSAGES = {
    "auth": "DeepSeek rejected the API key (401). Set a valid key: export DEEPSEEK_API_KEY=sk-... "
    "before starting your editor, or the apiKey setting of ds-lsp.",
    "no_key": "No DeepSeek API key. Set DEEPSEEK_API_KEY=sk-... in the environment your editor "
    "starts from, or the apiKey setting of ds-lsp. Keys: https://platform.deepseek.com/api_keys",
    "balance": "DeepSeek says the account balance is insufficient (402). Top up at "
    "https://platform.deepseek.com/top_up; completions resume by themselves.",
    "network": "ds-lsp cannot reach {url}: {detail}. Check baseUrl and your network/proxy.",
    "bad_request": "DeepSeek rejected the request ({status}): {detail}",
}


class ProblemNotifier:
    """One message per kind of problem until a success shows it was fixed."""

    def __init__(self, ui: UI) -> None:
        self.ui = ui
        self._shown: set[str] = set()

    def report(self, kind: str, level: str, text: str) -> None:
        if kind in self._shown:
            return
        self._shown.add(kind)
        self.ui.show_message(level, text)

    def resolved(self) -> None:
        self._shown.clear()


class Engine:
    """Holds settings, documents, the HTTP client, the cache and the in-flight requests."""

    def __init__(self, settings: Settings, docs: DocumentStore, ui: UI | None = None,
                 root_path: str | None = None) -> None:
        self.docs = docs
        self.ui = ui or UI()
        self.root_path = root_path
        self.notifier = ProblemNotifier(self.ui)
        self._inflight: dict[str, asyncio.Task] = {}
        self._http: httpx.AsyncClient | None = None
        self._model: str | None = None
        self._model_task: asyncio.Task | None = None
        self.settings = settings
        self.cache = CompletionCache(settings.cache_size)
        self.stats = {"requests": 0, "cache_hits": 0, "upstream": 0, "errors": 0}

    # ---- settings and client -------------------------------------------------------------
    def update_settings(self, settings: Settings) -> None:
        old, self.settings = self.settings, settings
        if (old.base_url, old.api_key) != (settings.base_url, settings.api_key):
            self._reset_client()
        if old.model != settings.model or old.base_url != settings.base_url:
            self._model, self._model_task = None, None
        if old.cache_size != settings.cache_size:
            self.cache = CompletionCache(settings.cache_size)
        self.notifier.resolved()
        self.ui.status("idle" if settings.enable else "disabled")

    def _reset_client(self) -> None:
        if self._http is not None:
            old = self._http
            self._http = None
            asyncio.get_event_loop().create_task(old.aclose())

    @property
    def client(self) -> DeepSeekClient:
        if self._http is None:
            self._http = make_client(self.settings.base_url)
        s = self.settings
        return DeepSeekClient(self._http, s.base_url, s.api_root, s.api_key)

    async def close(self) -> None:
        if self._http is not None:
            await self._http.aclose()
            self._http = None

    def warm_up(self) -> None:
        """Open the connection (and resolve the model) before the first completion."""
        if self.settings.enable and self._has_key():
            self._model_task = asyncio.ensure_future(self._resolve_model())

    def _has_key(self) -> bool:
        return bool(self.settings.api_key) or not _is_deepseek(self.settings.base_url)

    # ---- model ---------------------------------------------------------------------------
    async def model(self) -> str:
        if self.settings.model:
            return self.settings.model
        if self._model:
            return self._model
        if self._model_task is None or self._model_task.cancelled():
            self._model_task = asyncio.ensure_future(self._resolve_model())
        return await asyncio.shield(self._model_task)

    async def _resolve_model(self) -> str:
        try:
            listed = await asyncio.wait_for(self.client.list_models(), 10)
        except (TimeoutError, UpstreamError) as exc:
            log.info("GET /models failed (%s); using %s", exc, FALLBACK_MODEL)
            return self.settings.model or FALLBACK_MODEL
        if self.settings.model:
            return self.settings.model
        chosen = next((m for m in PREFERRED_MODELS if m in listed), None)
        self._model = chosen or (listed[0] if listed else FALLBACK_MODEL)
        log.info("model resolved to %s (listed: %s)", self._model, ", ".join(listed))
        return self._model

    async def _report_model_problem(self, model: str, detail: str) -> None:
        try:
            listed = await asyncio.wait_for(self.client.list_models(), 5)
            names = ", ".join(listed) or "none"
        except (TimeoutError, UpstreamError):
            names = "unknown (GET /models failed)"
        self._model = None
        self.notifier.report(
            "model", "error",
            f"DeepSeek rejected the model '{model}' ({detail}). Models available: {names}. "
            "Set the ds-lsp 'model' setting (or DEEPSEEK_MODEL) to one of them, "
            "or unset it to pick one automatically.",
        )

    # ---- gating --------------------------------------------------------------------------
    def allowed(self, doc: Document) -> bool:
        """Completions are on, the language is not disabled, the file is not excluded."""
        s = self.settings
        if not s.enable or doc.language_id in s.disabled_languages:
            return False
        return not is_excluded(doc.uri, s.exclude, self.root_path)

    # ---- the pipeline --------------------------------------------------------------------
    async def complete(self, uri: str, line: int, character: int, invoked: bool = False,
                       on_window: Callable[[Window], None] | None = None) -> Suggestion | None:
        """A suggestion at the position, or None; never raises except when cancelled."""
        self.stats["requests"] += 1
        doc = self.docs.get(uri)
        if doc is None:
            log.info("completion for unknown document %s", uri)
            return None
        if not doc.is_valid(line, character):
            log.info("completion at impossible position %d:%d in %s", line, character, uri)
            return None
        if not self.allowed(doc):
            return None
        work = asyncio.ensure_future(self._complete(doc, line, character, invoked))
        previous = self._inflight.get(uri)
        self._inflight[uri] = work
        if previous is not None and not previous.done():
            previous.cancel()
        try:
            return await work
        except asyncio.CancelledError:
            task = asyncio.current_task()
            if task is not None and task.cancelling():
                raise  # $/cancelRequest or shutdown: let pygls answer RequestCancelled
            return None  # superseded by a newer request for the same document
        finally:
            if self._inflight.get(uri) is work:
                del self._inflight[uri]

    async def _complete(self, doc: Document, line: int, character: int,
                        invoked: bool) -> Suggestion | None:
        s = self.settings
        row, index = doc.clamp(line, character)
        version = doc.version
        window = build_window(doc, row, index, s.max_prefix_chars, s.max_suffix_chars,
                              s.window_block_lines)
        mode = postprocess.should_complete(window.line_prefix, window.line_suffix, s.multiline)
        if mode is Mode.NONE:
            return None
        params = self._params(mode)
        cached = self.cache.get(params, window.prefix, window.suffix)
        if cached is not None:
            self.stats["cache_hits"] += 1
            return Suggestion(cached, line, character, window, cached=True) if cached else None
        if not invoked:
            await asyncio.sleep(self._debounce(window) / 1000)
        text = await self._fetch(window, mode, params)
        if text is None:
            return None
        self.cache.put(params, window.prefix, window.suffix, text)
        if doc.version != version or self.docs.get(doc.uri) is not doc:
            log.debug("document moved on while completing; dropping the answer")
            return None
        return Suggestion(text, line, character, window) if text else None

    def _params(self, mode: Mode) -> tuple[Any, ...]:
        s = self.settings
        # the configured model (None = resolved from /models, fixed per base URL)
        return (s.model, s.base_url, s.max_tokens, s.temperature, mode.value, s.max_lines)

    def _debounce(self, window: Window) -> float:
        """Shorter right after a character that usually starts something, or a new line."""
        ms = self.settings.debounce_ms
        head = window.line_prefix.rstrip(" ")
        if not head.strip() or head.endswith(FAST_TRIGGERS):
            return ms / 3
        return ms

    async def _fetch(self, window: Window, mode: Mode, params: tuple) -> str | None:
        """Call upstream within the deadline; None on failure (after telling the user)."""
        if not self._has_key():
            self.notifier.report("no_key", "error", MESSAGES["no_key"])
            self.ui.status("error", "no API key")
            return None
        s = self.settings
        deadline = time.monotonic() + s.timeout_ms / 1000
        self.ui.status("fetching")
        model = "?"
        try:
            async with asyncio.timeout(s.timeout_ms / 1000):
                model = await self.model()
                req = FimRequest(model, window.prefix, window.suffix, s.max_tokens,
                                 s.temperature, self._stops(mode))
                stop_check = _early_stop(window, mode, s.max_lines)
                result = await with_retries(lambda: self.client.fim(req, stop_check), deadline)
        except UpstreamError as exc:
            await self._on_error(exc, model)
            return None
        except TimeoutError:
            self.stats["errors"] += 1
            log.warning("completion timed out after %d ms", s.timeout_ms)
            self.ui.status("error", "timeout")
            return None
        self.stats["upstream"] += 1
        self.notifier.resolved()
        self.ui.status("idle")
        return self._clean(result, window, mode)

    @staticmethod
    def _stops(mode: Mode) -> tuple[str, ...]:
        return ("\n",) if mode is Mode.SINGLE else ("\n\n\n",)

    def _clean(self, result: FimResult, window: Window, mode: Mode) -> str:
        return postprocess.clean(result.text, window.prefix, window.suffix, window.line_prefix,
                                 mode, self.settings.max_lines)

    async def _on_error(self, exc: UpstreamError, model: str) -> None:
        self.stats["errors"] += 1
        log.warning("upstream error %s (%s): %s", exc.kind, exc.status, exc)
        self.ui.status("error", exc.kind)
        if exc.kind == "model":
            await self._report_model_problem(model, str(exc))
        elif exc.kind in ("auth", "balance"):
            self.notifier.report(exc.kind, "error", MESSAGES[exc.kind])
        elif exc.kind == "network":
            url = self.settings.base_url
            self.notifier.report("network", "warning",
                                 MESSAGES["network"].format(url=url, detail=exc))
        elif exc.kind == "bad_request":
            self.notifier.report("bad_request", "warning", MESSAGES["bad_request"].format(
                status=exc.status, detail=exc))


def _early_stop(window: Window, mode: Mode, max_lines: int) -> Callable[[str], bool]:
    """End the stream once the block the cursor is in is complete."""
    if mode is Mode.SINGLE:
        return lambda text: "\n" in text

    def done(text: str) -> bool:
        if "\n" not in text:
            return False
        complete = text[: text.rfind("\n")]
        if complete.count("\n") + 1 > max_lines:
            return True
        kept = postprocess.cut_block(complete, window.line_prefix, max_lines)
        kept = postprocess.cut_at_suffix_lines(kept, window.suffix)
        return len(kept) < len(complete.rstrip())

    return done


def _is_deepseek(url: str) -> bool:
    return (urlsplit(url).hostname or "") in DEEPSEEK_HOSTS and not is_loopback(url)


def uri_to_path(uri: str) -> str:
    parts = urlsplit(uri)
    return unquote(parts.path) if parts.scheme in ("file", "") else uri


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

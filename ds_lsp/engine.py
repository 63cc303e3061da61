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
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

import httpx

from ds_lsp import context_files, postprocess
from ds_lsp.backends import (
    FimBackend,
    backend_base_url,
    backend_identity,
    configured_model,
    create_backend,
)
from ds_lsp.backends.deepseek import FimRequest, FimResult
from ds_lsp.backends.http import UpstreamError, is_loopback, make_client, with_retries
from ds_lsp.cache import CompletionCache
from ds_lsp.config import DEEPSEEK_HOSTS, FALLBACK_MODEL, PREFERRED_MODELS, Settings
from ds_lsp.context import Window, build_window
from ds_lsp.documents import Document, DocumentStore
from ds_lsp.postprocess import Mode
from ds_lsp.usage import UsageBook

if TYPE_CHECKING:
    from ds_lsp.workspace import Workspace

log = logging.getLogger(__name__)

MODEL_KEYS = {"deepseek": "model", "openai-fim": "openaiFimModel", "codestral": "codestralModel"}
FIRST_ASK_CHARS = 3
MAX_SPECULATIVE = 3
FAST_TRIGGERS = (".", "(", "[", "{", ",", ":")


@dataclass(frozen=True)
class Ask:
    """One question for upstream: what is sent, and the cache key it is kept under."""

    window: Window
    prompt: str
    extras: tuple[tuple[str, str], ...]
    key: str
    mode: Mode
    params: tuple[Any, ...]

    @property
    def ident(self) -> tuple:
        """What makes two asks the same question (as the cache sees it)."""
        return (self.params, self.key, self.window.suffix)


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
    "auth": "The server rejected the API key (401). Set a valid key: your editor's ds-lsp API "
    "key (VS Code: 'DeepSeek: Set API Key'), the apiKey setting, or DEEPSEEK_API_KEY=sk-... "
    "in the environment the editor starts from.",
    "no_key": "No DeepSeek API key. Set DEEPSEEK_API_KEY=sk-... in the environment your editor "
    "starts from, or the apiKey setting of ds-lsp. Keys: https://platform.deepseek.com/api_keys",
    "balance": "DeepSeek says the account balance is insufficient (402). Top up at "
    "https://platform.deepseek.com/top_up; completions resume by themselves.",
    "network": "ds-lsp cannot reach {url}: {detail}. Check the base URL setting and your "
    "network or proxy.",
    "bad_request": "DeepSeek rejected the request ({status}): {detail}",
}


LATENCY_CAUSES = (
    " Likely causes: a slow network or proxy, DeepSeek under load (it queues requests and "
    "sends keep-alive lines meanwhile), or a large prompt (lower maxPrefixChars).")


class LatencyHealth:
    """Recent completion latencies and timeouts; judges them once enough are in."""

    def __init__(self, window: int = 20, slow_s: float = 2.0, timeout_share: float = 0.3):
        self._recent: deque[float | None] = deque(maxlen=window)
        self.slow_s, self.timeout_share = slow_s, timeout_share

    def add(self, latency: float | None, timed_out: bool) -> str | None:
        self._recent.append(None if timed_out else latency)
        if len(self._recent) < self._recent.maxlen // 2:
            return None
        timeouts = sum(1 for x in self._recent if x is None)
        share = timeouts / len(self._recent)
        if share >= self.timeout_share:
            return f"ds-lsp: {share:.0%} of recent completions timed out."
        times = sorted(x for x in self._recent if x is not None)
        median = times[len(times) // 2] if times else 0.0
        if median >= self.slow_s:
            return (f"ds-lsp: completions are slow (median {median:.1f} s over the last "
                    f"{len(times)}).")
        return None

    def healthy(self) -> bool:
        return all(x is not None and x < self.slow_s for x in list(self._recent)[-5:])


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
        """A success: every problem but slowness may be reported again when it comes back."""
        self._shown &= {"latency"}

    def forget(self, kind: str) -> None:
        self._shown.discard(kind)


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
        self.usage = UsageBook()
        self._blocks: dict[str, tuple[tuple, tuple[tuple[str, str], ...]]] = {}
        self._excluded: dict[str, bool] = {}
        self._prefetching: dict[tuple, asyncio.Future] = {}  # by Ask.ident
        self._asked: dict[str, int] = {}  # per document: the line of the latest upstream ask
        self._sigs: dict[str, tuple[int, context_files.Signatures]] = {}
        self.workspace_roots: list[str] = []
        self._workspace: Workspace | None = None  # built at the first completion
        self.health = LatencyHealth()

    # ---- settings and client -------------------------------------------------------------
    def update_settings(self, settings: Settings) -> None:
        old, self.settings = self.settings, settings
        self._excluded.clear()
        self._blocks.clear()
        self._workspace = None  # exclusion decisions and the disk switch may have changed
        switched = backend_identity(old) != backend_identity(settings)
        if switched:  # another server, URL or key: new connection, answers of the old one
            self._reset_client()
            self.cache = CompletionCache(settings.cache_size)
        if (old.model != settings.model or old.base_url != settings.base_url or switched
                or configured_model(old) != configured_model(settings)):
            if self._model_task is not None:
                self._model_task.cancel()  # its answer is for the old endpoint or model
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
    def client(self) -> FimBackend:
        if self._http is None:
            self._http = make_client(backend_base_url(self.settings))
        return create_backend(self.settings, self._http)

    @property
    def prices(self) -> dict[str, float]:
        s = self.settings
        return {"cache_hit": s.price_cache_hit, "cache_miss": s.price_cache_miss,
                "output": s.price_output}

    async def close(self) -> None:
        if self._http is not None:
            await self._http.aclose()
            self._http = None

    def warm_up(self) -> None:
        """Open the connection (and resolve the model) before the first completion."""
        if self.settings.enable and self.has_key():
            self._model_task = asyncio.ensure_future(self._resolve_model())

    def has_key(self) -> bool:
        """Whether a request may go out: a key is set, or the server needs none."""
        s = self.settings  # other backends: local servers need none, the server says 401
        return s.backend != "deepseek" or bool(s.api_key) or not _is_deepseek(s.base_url)

    # ---- model ---------------------------------------------------------------------------
    async def model(self) -> str:
        configured = configured_model(self.settings)  # None: resolve from GET .../models
        if configured is not None:
            return configured
        if self._model:
            return self._model
        if self._model_task is None or self._model_task.cancelled():
            self._model_task = asyncio.ensure_future(self._resolve_model())
        return await asyncio.shield(self._model_task)

    async def _resolve_model(self) -> str:
        deepseek = self.settings.backend == "deepseek"
        configured = configured_model(self.settings)
        try:
            listed = await asyncio.wait_for(self.client.list_models(), 10)
        except (TimeoutError, UpstreamError) as exc:
            fallback = configured or (FALLBACK_MODEL if deepseek else "")
            log.info("GET /models failed (%s); using %r", exc, fallback)
            return fallback
        if configured:
            return configured
        preferred = PREFERRED_MODELS if deepseek else ()
        chosen = next((m for m in preferred if m in listed), None)
        self._model = chosen or (listed[0] if listed else FALLBACK_MODEL)
        log.info("model resolved to %s (listed: %s)", self._model, ", ".join(listed))
        return self._model

    async def _report_model_problem(self, model: str, detail: str) -> None:
        try:
            listed = await asyncio.wait_for(self.client.list_models(), 5)
            names = ", ".join(listed) or "none"
        except (TimeoutError, UpstreamError):
            names = "unknown (GET /models failed)"
        self._model, self._model_task = None, None  # ask /models again next time
        self.notifier.report(
            "model", "error",
            f"The server rejected the model '{model}' ({detail}). Models available: {names}. "
            f"Set the ds-lsp '{MODEL_KEYS.get(self.settings.backend, 'model')}' setting to "
            "one of them, or unset it to pick one automatically.",
        )

    def forget(self, uri: str) -> None:
        """A document was closed: drop what was kept for it and stop its request."""
        for table in (self._excluded, self._blocks, self._sigs, self._asked):
            table.pop(uri, None)
        if self._workspace is not None:
            self._workspace.forget(uri)
        work = self._inflight.pop(uri, None)
        if work is not None:
            work.cancel()

    # ---- gating --------------------------------------------------------------------------
    def allowed(self, doc: Document) -> bool:
        """Completions are on, the language is not disabled, the file is not excluded."""
        s = self.settings
        if not s.enable or doc.language_id in s.disabled_languages:
            return False
        return not self.excluded(doc.uri)

    def excluded(self, uri: str) -> bool:
        """`exclude` globs, matched once per document and settings."""
        known = self._excluded.get(uri)
        if known is None:
            known = self._excluded[uri] = is_excluded(uri, self.settings.exclude, self.root_path)
        return known

    # ---- the pipeline --------------------------------------------------------------------
    async def complete(self, uri: str, line: int, character: int,
                       invoked: bool = False) -> Suggestion | None:
        """A suggestion at the position, or None; never raises except when cancelled."""
        self.usage.record(requests=1)
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
        ask = self._ask(doc, window, mode)
        cached = self.cache.get(ask.params, ask.key, window.suffix)
        if cached is not None:
            self._asked[doc.uri] = row  # this line is covered: no speculative ask for it
            self.usage.record(cache_served=1, shown=1 if cached else 0)
            self._prefetch_next_line(ask, cached)
            return Suggestion(cached, line, character, window, cached=True) if cached else None
        first_of_line = self._asked.get(doc.uri) != row
        if (self.settings.prefetch and not invoked and first_of_line
                and len(window.line_prefix.strip()) >= FIRST_ASK_CHARS):
            # a steady typist never lets the debounce run out: ask once per line at once,
            # in the background, so the next key's $/cancelRequest cannot waste the answer
            self._asked[doc.uri] = row
            text = await asyncio.shield(self._speculate(ask))
        else:
            if not invoked:
                await asyncio.sleep(self._debounce(window) / 1000)
                if doc.version != version:  # typed on without a new request (Helix may)
                    return None
            self._asked[doc.uri] = row
            text = await self._fetch(ask)
            if text is not None:
                self.cache.put(ask.params, ask.key, window.suffix, text)
        if text is None:
            return None
        if doc.version != version or self.docs.get(doc.uri) is not doc:
            log.debug("document moved on while completing; dropping the answer")
            return None
        if not text:
            return None
        self.usage.record(shown=1)
        self._prefetch_next_line(ask, text)
        return Suggestion(text, line, character, window)

    def _ask(self, doc: Document, window: Window, mode: Mode) -> Ask:
        prompt, extras = self._prompt(doc, window)
        key = context_files.render(list(extras), doc.language_id) + prompt if extras else prompt
        return Ask(window, prompt, extras, key, mode, self._params(mode))

    def _prefetch_next_line(self, ask: Ask, text: str) -> None:
        """The suggestion ends the line: ask now for the line after it, so that the moment
        the user accepts and presses Enter, the next suggestion is served from the cache."""
        w = ask.window
        if (not self.settings.prefetch or not text or "\n" in text or w.line_suffix.strip()
                or len(self._prefetching) >= MAX_SPECULATIVE):
            return
        self._speculate_line_after(ask, text)

    def _speculate_line_after(self, ask: Ask, text: str) -> None:
        w = ask.window
        eol = _line_break(w)
        window = Window(w.prefix + text + eol, w.suffix, w.start_line, "", w.line_suffix)
        mode = postprocess.should_complete("", w.line_suffix, self.settings.multiline)
        nxt = Ask(window, ask.prompt + text + eol, ask.extras, ask.key + text + eol, mode,
                  self._params(mode))
        known = self.cache.get(nxt.params, nxt.key, w.suffix)
        if nxt.ident not in self._prefetching and known is None:
            self._speculate(nxt)

    def _speculate(self, ask: Ask) -> asyncio.Future:
        """Fetch in the background into the cache; no editor request owns (or cancels) it."""
        task = self._prefetching.get(ask.ident)
        if task is None:
            task = asyncio.ensure_future(self._fetch_into_cache(ask))
            self._prefetching[ask.ident] = task
            task.add_done_callback(lambda _: self._prefetching.pop(ask.ident, None))
        return task

    async def _fetch_into_cache(self, ask: Ask) -> str | None:
        text = await self._fetch(ask)
        if text is not None:
            self.cache.put(ask.params, ask.key, ask.window.suffix, text)
        w = ask.window
        eol = _line_break(w)
        if text == "" and w.line_prefix == "" and not w.prefix.endswith(eol * 3):
            self._speculate_line_after(ask, "")  # a blank line: look one line further
        return text

    def _prompt(self, doc: Document, window: Window) -> tuple[str, tuple[tuple[str, str], ...]]:
        """Other-file context, then the header, then the prefix window. llama.cpp takes the
        other files as `input_extra` (returned apart); other backends in the prompt."""
        s = self.settings
        head = context_files.header(self._relative(doc.uri), doc.language_id) if (
            s.prompt_header) else ""
        parts = self._context_parts(doc, window)
        if s.backend == "llama-cpp":
            return head + window.prefix, parts
        return context_files.render(list(parts), doc.language_id) + head + window.prefix, ()

    def _context_parts(self, doc: Document, window: Window) -> tuple[tuple[str, str], ...]:
        """Definitions the cursor needs, from open documents and the workspace's files
        (ds_lsp.workspace); frozen while nothing but this document moves."""
        s = self.settings
        if not s.context_files or s.context_files_budget <= 0:
            return ()
        if self._workspace is None:
            from ds_lsp.workspace import Workspace

            roots = self.workspace_roots or ([self.root_path] if self.root_path else [])
            self._workspace = Workspace(
                roots, lambda path: self.excluded(PurePosixPath(path).as_uri()),
                read_disk=getattr(s, "workspace_context", True))
        others = [d for d in self.docs if d.uri != doc.uri and not self.excluded(d.uri)]
        return tuple(self._workspace.context_block(doc, window, others,
                                                   s.context_files_budget))

    def _signatures(self, doc: Document) -> context_files.Signatures:
        known = self._sigs.get(doc.uri)
        if known is None or known[0] != doc.version:
            known = (doc.version, context_files.index_signatures(doc))
            self._sigs[doc.uri] = known
        return known[1]

    def _relative(self, uri: str) -> str:
        path = uri_to_path(uri)
        root = (self.root_path or "").rstrip("/")
        return path[len(root) + 1 :] if root and path.startswith(root + "/") else (
            PurePosixPath(path).name)

    def _params(self, mode: Mode) -> tuple[Any, ...]:
        s = self.settings
        # the backend, its URL and configured model (None = resolved from /models, fixed per
        # URL): answers of another server or model are never served
        return (s.backend, backend_base_url(s), configured_model(s), s.max_tokens,
                s.temperature, mode.value, s.max_lines)

    def _debounce(self, window: Window) -> float:
        """Shorter right after a character that usually starts something, or a new line."""
        ms = self.settings.debounce_ms
        head = window.line_prefix.rstrip(" ")
        if not head.strip() or head.endswith(FAST_TRIGGERS):
            return ms / 3
        return ms

    async def _fetch(self, ask: Ask) -> str | None:
        """Call upstream within the deadline; None on failure (after telling the user)."""
        if not self.has_key():
            self.notifier.report("no_key", "error", MESSAGES["no_key"])
            self.ui.status("error", "no API key")
            return None
        s = self.settings
        started = time.monotonic()
        deadline = started + s.timeout_ms / 1000
        self.ui.status("fetching")
        model = "?"
        try:
            async with asyncio.timeout(s.timeout_ms / 1000):
                model = await self.model()
                req = FimRequest(model, ask.prompt, ask.window.suffix, s.max_tokens,
                                 s.temperature, self._stops(ask.mode), ask.extras)
                stop_check = _early_stop(ask.window, ask.mode, s.max_lines)
                result = await with_retries(lambda: self.client.fim(req, stop_check), deadline)
        except UpstreamError as exc:
            await self.report_error(exc, model)
            return None
        except TimeoutError:
            log.warning("completion timed out after %d ms", s.timeout_ms)
            self.ui.status("error", "timeout")
            self._check_health(timed_out=True)
            return None
        except asyncio.CancelledError:
            self.ui.status("idle")
            raise
        except Exception:  # e.g. a client closed by a settings change mid-request
            log.exception("completion request failed")
            self.ui.status("error", "internal")
            return None
        self.usage.record(upstream=1)
        self.usage.record_usage(result.usage)
        if self.usage.session.upstream % 25 == 0:
            self.usage.flush()
        self.notifier.resolved()
        self.ui.status("idle")
        self._check_health(latency=time.monotonic() - started)
        return self._clean(result, ask.window, ask.mode)

    def _check_health(self, latency: float | None = None, timed_out: bool = False) -> None:
        """Say once when completions got slow or keep timing out, with likely causes."""
        problem = self.health.add(latency, timed_out)
        if problem:
            self.notifier.report("latency", "warning", problem + LATENCY_CAUSES)
        elif self.health.healthy():
            self.notifier.forget("latency")

    @staticmethod
    def _stops(mode: Mode) -> tuple[str, ...]:
        return ("\n",) if mode is Mode.SINGLE else ("\n\n\n",)

    def _clean(self, result: FimResult, window: Window, mode: Mode) -> str:
        return postprocess.clean(result.text, window.prefix, window.suffix, window.line_prefix,
                                 mode, self.settings.max_lines)

    async def report_error(self, exc: UpstreamError, model: str) -> None:
        """Log an upstream failure and tell the user once per kind of problem."""
        log.warning("upstream error %s (%s): %s", exc.kind, exc.status, exc)
        self.ui.status("error", exc.kind)
        if exc.kind == "model":
            await self._report_model_problem(model, str(exc))
        elif exc.kind in ("auth", "balance"):
            self.notifier.report(exc.kind, "error", MESSAGES[exc.kind])
        elif exc.kind == "network":
            url = backend_base_url(self.settings)
            self.notifier.report("network", "warning",
                                 MESSAGES["network"].format(url=url, detail=exc))
        elif exc.kind == "bad_request":
            self.notifier.report("bad_request", "warning", MESSAGES["bad_request"].format(
                status=exc.status, detail=exc))


def _line_break(window: Window) -> str:
    """The document's line break at the cursor's line: CRLF files get CRLF."""
    return "\r\n" if window.suffix[len(window.line_suffix):].startswith("\r\n") else "\n"


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

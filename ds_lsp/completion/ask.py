"""What is asked upstream for one cursor, and the key its answer is cached under.

`should_complete` decides how much to ask for (single or multi-line). An `Ask` holds the
window, the prompt as sent (other files' context, the header comment,
the prefix window), the other files apart for backends that take them separately
(llama.cpp's `input_extra`), the mode and the request parameters. Two asks with the same
`ident` get the same answer, so `ident` is the cache key.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ds_lsp.completion import postprocess
from ds_lsp.completion.other_files import Parts
from ds_lsp.completion.postprocess import Mode
from ds_lsp.config import Settings
from ds_lsp.upstream import backends
from ds_lsp.window import Window


@dataclass(frozen=True)
class Ask:
    """One question for upstream: what is sent, and the cache key it is kept under."""

    window: Window
    prompt: str  # sent as the prompt (llama.cpp: input_prefix)
    extras: Parts  # other files sent apart (llama.cpp); () when they are in the prompt
    key: str  # everything sent before the cursor, other files included
    mode: Mode
    params: tuple[Any, ...]  # backend, URL, configured model and sampling parameters

    @property
    def ident(self) -> tuple[tuple[Any, ...], str, str]:
        """What makes two asks the same question, as the cache sees it."""
        return (self.params, self.key, self.window.suffix)

    @property
    def stops(self) -> tuple[str, ...]:
        return ("\n",) if self.mode is Mode.SINGLE else ("\n\n\n",)

    def line_after(self, text: str, settings: Settings) -> Ask:
        """The ask for the next line once `text` (ending the cursor's line) is accepted and
        Enter pressed: the prompt grows by the text and a line break."""
        w = self.window
        eol = line_break(w)
        window = Window(w.prefix + text + eol, w.suffix, w.start_line, "", w.line_suffix)
        mode = should_complete("", w.line_suffix, settings.multiline)
        grown = text + eol
        return Ask(
            window,
            self.prompt + grown,
            self.extras,
            self.key + grown,
            mode,
            request_params(settings, mode),
        )


def make_ask(settings: Settings, window: Window, context: str, parts: Parts, header: str) -> Ask:
    """The ask for `window`: `context` is `parts` rendered as prompt text."""
    mode = should_complete(window.line_prefix, window.line_suffix, settings.multiline)
    if settings.backend == "llama-cpp":  # other files go apart, as input_extra
        prompt, extras = header + window.prefix, parts
    else:
        prompt, extras = context + header + window.prefix, ()
    key = context + header + window.prefix
    return Ask(window, prompt, extras, key, mode, request_params(settings, mode))


def should_complete(line_prefix: str, line_suffix: str, policy: str = "auto") -> Mode:
    """single-line when code other than closers follows the cursor; else multi-line (only
    closers, perhaps then a block's `{`: `f(|) {`)."""
    if policy == "never":
        return Mode.SINGLE
    if policy == "always":
        return Mode.MULTI
    return Mode.MULTI if postprocess.leaves_room_for_block(line_suffix) else Mode.SINGLE


def request_params(settings: Settings, mode: Mode) -> tuple[Any, ...]:
    """Everything but the text that decides the answer: answers of another server or model
    are never served (None = the model resolved from /models, fixed per URL)."""
    s = settings
    return (
        s.backend,
        backends.base_url(s),
        backends.configured_model(s),
        s.max_tokens,
        s.temperature,
        mode.value,
        s.max_lines,
    )


def line_break(window: Window) -> str:
    """The document's line break at the cursor's line: CRLF files get CRLF."""
    return "\r\n" if window.suffix[len(window.line_suffix) :].startswith("\r\n") else "\n"


def stop_check(ask: Ask, max_lines: int) -> Callable[[str], bool]:
    """End the stream once the block the cursor is in is complete."""
    window = ask.window
    if ask.mode is Mode.SINGLE:
        return lambda text: "\n" in text

    def done(text: str) -> bool:
        return postprocess.block_complete(
            text, window.line_prefix, window.suffix, max_lines, window.prefix
        )

    return done

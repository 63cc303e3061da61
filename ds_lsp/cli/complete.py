"""`ds-lsp complete FILE:LINE:COL`: one completion through the server's own pipeline.

The same window, workspace context (root: the nearest folder with `.git`, `pyproject.toml`,
`package.json`, `go.mod`...), cache and cleaning as in an editor; `--show-prompt` prints what
would be sent (secrets masked, as on the wire) instead of asking; `--set key=value` sets a
setting for this run. Positions in messages are 1-based, like the argument; usage is recorded
like the server's.

What reaches the terminal is made safe there: no key (an upstream error may echo it), and no
control characters or bidi overrides (from the model, or a hostile file's text) that could
move the cursor, recolour or reorder what the user reads.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ds_lsp import config, masking, redact
from ds_lsp.completion.pipeline import CompletionPipeline
from ds_lsp.documents import UTF32, DocumentStore
from ds_lsp.languages import language_of
from ds_lsp.upstream.backends.deepseek import FimResult, StopCheck
from ds_lsp.upstream.problems import UI
from ds_lsp.upstream.session import UpstreamSession
from ds_lsp.workspace import find_root

USAGE = "usage: ds-lsp complete FILE:LINE:COL (1-based line and column)"
# C0 and C1 controls but tab and line feed, a carriage return not before a line feed, bidi
_TERMINAL_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]|\r(?!\n)"
)


def for_terminal(text: str, visible: bool = False) -> str:
    """`text` without the characters a terminal would obey; `visible` shows them as
    escapes (`\\x1b`) instead of dropping them."""
    return _TERMINAL_UNSAFE.sub(lambda m: _escaped(m.group()) if visible else "", text)


def _escaped(ch: str) -> str:
    return f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}"


def _say(text: str) -> None:
    """A message on stderr: no key (an upstream error may echo it), no terminal control."""
    print(f"ds-lsp complete: {for_terminal(redact.redact(text), visible=True)}", file=sys.stderr)


@dataclass(frozen=True)
class Target:
    path: Path
    line: int  # 1-based
    column: int  # 1-based, in characters


def parse_target(text: str) -> Target:
    """FILE:LINE:COL; ValueError with a message a user can act on."""
    parts = text.rsplit(":", 2)
    if len(parts) != 3 or not parts[0]:
        raise ValueError(f"expected FILE:LINE:COL, got {text!r}")
    name, line, column = parts
    if not (line.isdigit() and column.isdigit()) or int(line) < 1 or int(column) < 1:
        raise ValueError(f"LINE and COL are numbers from 1, got {line!r} and {column!r}")
    return Target(Path(name), int(line), int(column))


def parse_sets(pairs: list[str]) -> dict[str, Any]:
    """`--set key=value` pairs; values are JSON when they parse (numbers, true, lists)."""
    out: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise ValueError(f"--set takes key=value, got {pair!r}")
        try:
            out[key.strip()] = json.loads(value)
        except ValueError:
            out[key.strip()] = value
    return out


class PrintingUI(UI):
    """Messages the server would show in the editor, on stderr."""

    def show_message(self, level: str, text: str) -> None:
        _say(text)


class RecordingSession(UpstreamSession):
    """The session, keeping the model's raw answer (to say why nothing was suggested), or
    stopping before the request (`--show-prompt`)."""

    def __init__(self, *args: Any, show_prompt: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.show_prompt = show_prompt
        self.sent: tuple[str, str] | None = None
        self.raw: str | None = None

    async def fim(
        self,
        prompt: str,
        suffix: str,
        stop: tuple[str, ...],
        extras: tuple[tuple[str, str], ...] = (),
        should_stop: StopCheck | None = None,
    ) -> FimResult | None:
        self.sent = (prompt, suffix)
        if self.show_prompt:
            return None
        result = await super().fim(prompt, suffix, stop, extras, should_stop)
        self.raw = result.text if result is not None else None
        return result


async def complete_at(target_text: str, sets: list[str], show_prompt: bool = False) -> int:
    """Print the suggestion (or the prompt) at FILE:LINE:COL to stdout; 0 when there is one."""
    try:
        target = parse_target(target_text)
        extra = parse_sets(sets)
        text = target.path.read_text(encoding="utf-8")
    except ValueError as exc:
        return _fail(f"{exc}\n{USAGE}", 2)
    except OSError as exc:
        return _fail(f"cannot read {target_text.rsplit(':', 2)[0]}: {exc.strerror or exc}", 2)
    settings, report = config.resolve(extra)
    for line in report.invalid:
        _say(line)
    for key in report.unknown:
        meant = config.suggestion(key)
        _say(f"unknown setting `{key}`" + (f"; did you mean `{meant}`?" if meant else ""))
    return await _complete(target, text, settings, show_prompt)


async def _complete(target: Target, text: str, settings: config.Settings, show: bool) -> int:
    path = target.path.absolute()  # not resolved: a secret-named link is judged by both names
    docs = DocumentStore()
    docs.encoding = UTF32
    uri = path.as_uri()
    doc = docs.open(uri, language_of(str(path)), 0, text)
    if target.line > doc.text.line_count:
        return _fail(
            f"{target.path} has {doc.text.line_count} lines; line {target.line} is past its end", 2
        )
    session = RecordingSession(settings, PrintingUI(), show_prompt=show)
    root = find_root(str(path)) or str(Path.cwd())
    pipeline = CompletionPipeline(settings, docs, session, root_path=root)
    try:
        sugg = await pipeline.complete(uri, target.line - 1, target.column - 1, invoked=True)
    finally:
        session.usage.flush()
        await session.close()
    if show:
        return _print_prompt(session, pipeline, doc)
    if sugg is None:
        return _fail(
            f"no suggestion at {target.line}:{target.column}: " + _why_none(session, pipeline, doc),
            1,
        )
    sys.stdout.write(for_terminal(sugg.text) + "\n")
    return 0


def _print_prompt(session: RecordingSession, pipeline: CompletionPipeline, doc: Any) -> int:
    if session.sent is None:
        return _fail("nothing would be sent: " + _why_none(session, pipeline, doc), 1)
    prompt, suffix = session.sent
    if masking.holds_private_key(prompt + suffix):
        return _fail("nothing would be sent: the prompt holds a private key", 1)
    shown = f"{masking.mask(prompt)[0]}<CURSOR>{masking.mask(suffix)[0]}"
    sys.stdout.write(for_terminal(shown, visible=True) + "\n")
    return 0


def _why_none(session: RecordingSession, pipeline: CompletionPipeline, doc: Any) -> str:
    """The reason a completion came back empty, in words."""
    s = pipeline.settings
    if not s.enable:
        return "ds-lsp is disabled (`enable`: false)"
    if doc.language_id in s.disabled_languages:
        return f"the language {doc.language_id!r} is in `disabledLanguages`"
    if pipeline.gate.excluded(doc.uri):
        return "the file matches `exclude`, so its text is never sent"
    if doc.holds_private_key():
        return "the file holds a private key, so its text is never sent"
    if session.raw is None:
        return "the request failed (see the message above)"
    if not session.raw.strip():
        return "the model answered with nothing"
    return (
        f"the model's answer {session.raw[:80]!r} left nothing after cleaning (it repeated "
        "what is already there, or was cut by the rules in the README's 'Cleaning')"
    )


def _fail(message: str, code: int) -> int:
    _say(message)
    return code

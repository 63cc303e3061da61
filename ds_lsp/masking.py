"""Secrets inside the text that goes upstream: a private key refuses the request, key
shapes are masked, and the body is encoded so that odd text cannot break it.

The upstream HTTP client passes every JSON body it sends through `outgoing_body`, whatever
built it (completion, other files' context, generate, next edit, `ds-lsp complete`):

- a private-key block (`-----BEGIN … PRIVATE KEY-----` with its key material, PGP's
  `PRIVATE KEY BLOCK`, a PuTTY key) anywhere in it refuses the whole request
  (`PrivateKeyFound`); the completion gate refuses such a document before that;
- the keys ds-lsp itself holds (redact's registry) and well-known key shapes (cloud
  keys, tokens, JWTs, passwords in URLs, values of secret-named settings, see SHAPES)
  become `REDACTED_<KIND>_<8 hex>`: the same secret always gets the same placeholder in
  one process (a hash keyed by a random per-process key, so the placeholder tells nothing
  about the secret), so prompts stay stable and DeepSeek's prefix cache keeps hitting;
  `unmask` puts them back in the model's answer;
- lone surrogates are sent as U+FFFD (they cannot be encoded as UTF-8).

Linear in the text: every shape is found from literal anchors (`str.find`), checked by a
bounded match at the anchor, and the search goes on after the token it looked at; no
regex ever scans forward from every position of the text.
"""

from __future__ import annotations

import contextvars
import hashlib
import hmac
import json
import logging
import re
import secrets
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from ds_lsp import redact

PLACEHOLDER = "REDACTED_"
MAX_REMEMBERED = 4096  # placeholders `unmask` can restore (the newest)
TOKEN_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
_KEY = secrets.token_bytes(32)
_REMEMBERED: OrderedDict[str, str] = OrderedDict()
_TOKEN_RUN = re.compile(r"[A-Za-z0-9_-]*+")
_NAME_RUN = re.compile(r"[A-Za-z0-9_-]{0,64}+")

# what a prompt is for ("the prompt for app.py"), for the one message that says so
prompt_source: contextvars.ContextVar[str] = contextvars.ContextVar("prompt_source", default="")


class PrivateKeyFound(Exception):
    """The text holds a private key: nothing of it may be sent."""


@dataclass(frozen=True)
class Found:
    """One masked secret: its kind (`github-token`) and the placeholder sent instead."""

    kind: str
    placeholder: str


@dataclass(frozen=True)
class Shape:
    """A well-known key shape: the literals it starts with and the bounded pattern matched
    at one of them; group `secret` (else the whole match) is what is masked."""

    kind: str
    anchors: tuple[str, ...]
    pattern: re.Pattern[str]
    needs_digit: bool = False  # e.g. `sk-...`: a word like `sk-learn-...` is not a key


def _shape(kind: str, anchors: str, pattern: str, needs_digit: bool = False) -> Shape:
    return Shape(kind, tuple(anchors.split()), re.compile(pattern), needs_digit)


_END = r"(?![A-Za-z0-9_-])"
SHAPES = (
    _shape("aws-access-key", "AKIA ASIA ABIA ACCA", r"A[KSBC][IC]A[A-Z0-9]{16}" + _END),
    _shape("github-token", "ghp_ gho_ ghu_ ghs_ ghr_", r"gh[pousr]_[A-Za-z0-9]{30,251}+" + _END),
    _shape("github-token", "github_pat_", r"github_pat_[A-Za-z0-9_]{22,251}+" + _END),
    _shape("gitlab-token", "glpat-", r"glpat-[A-Za-z0-9_-]{20,64}+" + _END),
    _shape(
        "slack-token", "xoxa- xoxb- xoxe- xoxp- xoxr- xoxs-", r"xox[abeprs]-[A-Za-z0-9-]{10,250}+"
    ),
    _shape(
        "slack-webhook",
        "hooks.slack.com/services/",
        r"hooks\.slack\.com/services/(?P<secret>[A-Za-z0-9]+/[A-Za-z0-9]+/[A-Za-z0-9]{8,64}+)",
    ),
    _shape(
        "api-key",
        "sk-",
        r"sk-(?:proj-|svcacct-|admin-|ant-(?:[a-z]{3}\d\d-)?)?[A-Za-z0-9_-]{20,250}+" + _END,
        needs_digit=True,
    ),
    _shape("google-api-key", "AIza", r"AIza[0-9A-Za-z_-]{35}" + _END),
    _shape("google-oauth-secret", "GOCSPX-", r"GOCSPX-[A-Za-z0-9_-]{20,40}+" + _END),
    _shape("google-access-token", "ya29.", r"ya29\.[0-9A-Za-z_-]{20,2000}+" + _END),
    _shape(
        "stripe-key",
        "sk_live_ rk_live_ sk_test_ rk_test_",
        r"[sr]k_(?:live|test)_[0-9a-zA-Z]{16,247}+" + _END,
    ),
    _shape("stripe-webhook-secret", "whsec_", r"whsec_[A-Za-z0-9+/=]{24,100}+"),
    _shape(
        "jwt",
        "eyJ",
        r"eyJ[A-Za-z0-9_-]{6,8000}+\.eyJ[A-Za-z0-9_-]{6,8000}+\.[A-Za-z0-9_-]{0,8000}+" + _END,
    ),
    _shape("npm-token", "npm_", r"npm_[A-Za-z0-9]{36}" + _END),
    _shape("pypi-token", "pypi-AgE", r"pypi-AgE[A-Za-z0-9_-]{40,2000}+" + _END),
    _shape("huggingface-token", "hf_", r"hf_[A-Za-z0-9]{34,40}+" + _END),
    _shape("sendgrid-key", "SG.", r"SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}" + _END),
    _shape("digitalocean-token", "dop_v1_ doo_v1_ dor_v1_", r"do[por]_v1_[a-f0-9]{64}" + _END),
    _shape("crates-token", "cio", r"cio[A-Za-z0-9]{32}" + _END, needs_digit=True),
    _shape(
        "bearer-token",
        "Bearer bearer",
        r"[Bb]earer (?P<secret>[A-Za-z0-9._~+/-]{20,4000}+=*)",
        needs_digit=True,
    ),
)

# ---- private keys --------------------------------------------------------------------------
_KEY_MARKER = re.compile(r"-----BEGIN (?:[A-Z0-9]+ ){0,3}PRIVATE KEY(?: BLOCK)?-----")
_KEY_MATERIAL = re.compile(r"[A-Za-z0-9+/]{40}")
_KEY_LOOKAHEAD = 600  # characters after the marker where the key material starts
_PUTTY = "PuTTY-User-Key-File-"
KEY_HINTS = ("PRIVATE KEY", _PUTTY)  # text without these holds no private key


def holds_private_key(text: str) -> bool:
    """Whether `text` holds a private key: a `-----BEGIN … PRIVATE KEY-----` line followed
    by key material (a marker alone, in code that parses keys, is not a key), or a PuTTY
    key file."""
    if "PRIVATE KEY" in text:
        pos = text.find("-----BEGIN ")
        while pos >= 0:
            marker = _KEY_MARKER.match(text, pos)
            if marker and _KEY_MATERIAL.search(text, marker.end(), marker.end() + _KEY_LOOKAHEAD):
                return True
            pos = text.find("-----BEGIN ", pos + 11)
    start = text.find(_PUTTY)
    return start >= 0 and "Private-Lines:" in text[start : start + 4000]


# ---- masking -------------------------------------------------------------------------------
def placeholder(kind: str, secret: str) -> str:
    """The stable stand-in for `secret` (remembered for `unmask`)."""
    digest = hmac.new(_KEY, secret.encode("utf-8", "surrogatepass"), hashlib.sha256)
    name = f"{PLACEHOLDER}{kind.upper().replace('-', '_')}_{digest.hexdigest()[:8]}"
    _REMEMBERED[name] = secret
    _REMEMBERED.move_to_end(name)
    while len(_REMEMBERED) > MAX_REMEMBERED:
        _REMEMBERED.popitem(last=False)
    return name


def _run_end(run: re.Pattern[str], text: str, pos: int) -> int:
    """Where a run of `run` (a pattern that matches the empty string too) ends."""
    match = run.match(text, pos)
    return match.end() if match else pos


def unmask(text: str) -> str:
    """`text` with every placeholder this process made put back (the model may repeat one:
    the user's own document holds the secret, so it is shown as it is there)."""
    if PLACEHOLDER not in text:
        return text
    out, pos = [], 0
    while (hit := text.find(PLACEHOLDER, pos)) >= 0:
        end = _run_end(_TOKEN_RUN, text, hit)
        name = text[hit:end]
        out.append(text[pos:hit])
        out.append(_REMEMBERED.get(name, name))
        pos = end
    out.append(text[pos:])
    return "".join(out)


Span = tuple[int, int, str]  # start, end, kind


MAX_LINES_REMEMBERED = 20_000  # lines whose masking is remembered (a prompt repeats most)
MAX_LINE_REMEMBERED = 2_000  # characters of a line that is remembered
_LINES: dict[str, tuple[str, tuple[Found, ...]]] = {}
_LINES_KEYS: list[tuple[str, ...]] = [()]  # the registered keys the remembered lines saw
_AWS_KEY_ANCHORS = ("AKIA", "ASIA", "ABIA", "ACCA")


def mask(text: str) -> tuple[str, list[Found]]:
    """`text` with every secret shape replaced by its placeholder, and what was masked.

    Consecutive prompts share most of their lines, and no secret shape spans a line break
    but an AWS secret key's nearness to its key id: so, without such an id, each line is
    masked once and remembered (a prompt costs what its new lines cost)."""
    keys = redact.registered()
    if keys != _LINES_KEYS[0] or len(_LINES) > MAX_LINES_REMEMBERED:
        _LINES.clear()
        _LINES_KEYS[0] = keys
    if any(anchor in text for anchor in _AWS_KEY_ANCHORS):
        return _mask_whole(text)
    out: list[str] = []
    found: list[Found] = []
    for line in text.splitlines(keepends=True):
        known = _LINES.get(line)
        if known is None:
            masked, line_found = _mask_whole(line)
            known = (masked, tuple(line_found))
            if len(line) <= MAX_LINE_REMEMBERED:  # a minified file's line is not kept
                _LINES[line] = known
        out.append(known[0])
        found += known[1]
    return "".join(out), found


def _mask_whole(text: str) -> tuple[str, list[Found]]:
    spans = _merged(_spans(text))
    if not spans:
        return text, []
    out: list[str] = []
    found: list[Found] = []
    pos = 0
    for start, end, kind in spans:
        name = placeholder(kind, text[start:end])
        out += (text[pos:start], name)
        found.append(Found(kind, name))
        pos = end
    out.append(text[pos:])
    return "".join(out), found


def _merged(spans: Iterator[Span]) -> list[Span]:
    """Overlapping spans as one (the widest first; a named kind before plain `secret`)."""
    out: list[Span] = []
    for start, end, kind in sorted(spans, key=lambda s: (s[0], -s[1], s[2] == "secret")):
        if out and start < out[-1][1]:
            last = out[-1]
            out[-1] = (last[0], max(last[1], end), last[2])
        else:
            out.append((start, end, kind))
    return out


def _spans(text: str) -> Iterator[Span]:
    for key in redact.registered():
        pos = text.find(key)
        while pos >= 0:
            yield pos, pos + len(key), "api-key"
            pos = text.find(key, pos + len(key))
    access_keys: list[Span] = []
    for shape in SHAPES:
        for anchor in shape.anchors:
            for span in _shape_spans(text, shape, anchor):
                if span[2] == "aws-access-key":
                    access_keys.append(span)
                yield span
    yield from _aws_secret_spans(text, access_keys)
    yield from _url_password_spans(text)
    yield from _named_value_spans(text)


def _shape_spans(text: str, shape: Shape, anchor: str) -> Iterator[Span]:
    pos = text.find(anchor)
    while pos >= 0:
        after = pos + len(anchor)
        if pos == 0 or text[pos - 1] not in TOKEN_CHARS:
            match = shape.pattern.match(text, pos)
            if match and (not shape.needs_digit or any(c.isdigit() for c in match.group())):
                group = "secret" if "secret" in shape.pattern.groupindex else 0
                yield match.start(group), match.end(group), shape.kind
                after = max(after, match.end())
        after = max(after, _run_end(_TOKEN_RUN, text, after))  # anchors inside are no start
        pos = text.find(anchor, after)


_AWS_SECRET = re.compile(r"(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])")
_AWS_NEAR = 400  # characters around an access key id where its secret key is looked for


def _aws_secret_spans(text: str, access_keys: list[Span]) -> Iterator[Span]:
    """A secret access key is 40 base64 characters with no marker of its own: masked when
    it stands near an access key id (each stretch of text is searched once)."""
    searched = 0
    for key_start, key_end, _ in sorted(access_keys):
        start, stop = max(key_start - _AWS_NEAR, searched), key_end + _AWS_NEAR
        for match in _AWS_SECRET.finditer(text, start, stop):
            token = match.group()
            if any(c.islower() for c in token) and any(c.isdigit() or c in "/+" for c in token):
                yield match.start(), match.end(), "aws-secret-key"
        searched = max(searched, stop)


_URL_USER = re.compile(r"[^\s/:@'\"`<>]{0,200}+:(?P<secret>[^\s/@'\"`<>]{1,500}+)@")
_SCHEME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+.-")


def _url_password_spans(text: str) -> Iterator[Span]:
    """`scheme://user:password@host`: the password."""
    pos = text.find("://")
    while pos >= 0:
        scheme = pos
        while scheme > 0 and pos - scheme < 32 and text[scheme - 1] in _SCHEME_CHARS:
            scheme -= 1
        match = _URL_USER.match(text, pos + 3) if scheme < pos else None
        if match and not _is_reference(match.group("secret")):
            yield match.start("secret"), match.end("secret"), "password"
        pos = text.find("://", match.end() if match else pos + 3)


# names whose value is a secret (lowercased, without `_` and `-`): DB_PASSWORD, apiKey ...
SECRET_NAMES = (
    "password",
    "passwd",
    "passphrase",
    "pwd",
    "secret",
    "token",
    "apikey",
    "accesskey",
    "secretkey",
    "privatekey",
    "accountkey",
    "signingkey",
    "encryptionkey",
    "masterkey",
    "credential",
    "credentials",
)
_NAME_ANCHORS = ("pass", "pwd", "secret", "token", "key", "credential")
_ASSIGNED = re.compile(
    r"""["']?[ \t]{0,8}+"""
    r"""(?::[ \t]{0,8}+[A-Za-z_][A-Za-z0-9_.\[\]|]{0,40}+[ \t]{0,8}+(?==[^=]))?"""  # `: str`
    r"""(?:=>|:=|[=:])[ \t]{0,8}+"""
)
_QUOTED = re.compile(r"""(?P<q>["'`])(?P<secret>[^"'`\r\n\\]{4,500}+)(?P=q)""")
_BARE = re.compile(r"""[^\s"'`,;]{0,500}+""")
_IDENTIFIER_CHAIN = re.compile(r"[A-Za-z_$][A-Za-z_$.]*+")  # no digit: `self.token`, `None`


def _named_value_spans(text: str) -> Iterator[Span]:
    """The value given to a secret-named key: `DB_PASSWORD = "…"`, `"apiKey": "…"`,
    `token: …`, `SECRET_KEY=…` (not `password = get_password()`)."""
    lowered = text.lower() if text.isascii() else _ascii_lower(text)
    for anchor in _NAME_ANCHORS:
        pos = lowered.find(anchor)
        while pos >= 0:
            start = pos
            while start > 0 and pos - start < 64 and text[start - 1] in TOKEN_CHARS:
                start -= 1
            end = _run_end(_NAME_RUN, text, pos)
            span, resume = _named_value(text, text[start:end], end)
            if span is not None:
                yield span
            pos = lowered.find(anchor, max(resume, pos + 1))


def _named_value(text: str, name: str, end: int) -> tuple[Span | None, int]:
    """The secret span after the name `name` ending at `end`, and where to search on."""
    if not name.lower().replace("_", "").replace("-", "").endswith(SECRET_NAMES):
        return None, end
    sep = _ASSIGNED.match(text, end)
    if sep is None or sep.end() == end:
        return None, end
    at = sep.end()
    quoted = _QUOTED.match(text, at)
    if quoted is not None:
        secret, start, stop = quoted.group("secret"), quoted.start("secret"), quoted.end("secret")
        if _is_reference(secret) or _is_label(secret, name):
            return None, stop
        return (start, stop, "secret"), stop
    stop = _run_end(_BARE, text, at)
    value = text[at:stop]
    ends = stop == len(text) or text[stop] in " \t\r\n,;#"
    if not ends or len(value) < 6 or _is_reference(value) or not _looks_like_a_value(value):
        return None, max(stop, end)
    return (at, stop, "secret"), stop


def _is_reference(value: str) -> bool:
    """A template, a variable or an example rather than a secret: `${DB_PASSWORD}`,
    `{password}`, `<your-token>`, `%(pw)s`, `****`, `xxxxxx`."""
    return value.startswith(("$", "{", "<", "%", PLACEHOLDER)) or len(set(value)) <= 1


def _is_label(value: str, name: str) -> bool:
    """A form's label of its own field: `"password": "Password"`,
    `confirm_password: "Confirm password"`."""
    squeezed = value.lower().replace(" ", "").replace("_", "").replace("-", "")
    return squeezed.isalpha() and squeezed in name.lower().replace("_", "").replace("-", "")


def _looks_like_a_value(bare: str) -> bool:
    """An unquoted value that is no code: not `get_password()`, `self.token`, `None`."""
    if any(c in bare for c in "()[]{}"):
        return False
    return not _IDENTIFIER_CHAIN.fullmatch(bare)


_ASCII_LOWER = {c: c + 32 for c in range(ord("A"), ord("Z") + 1)}


def _ascii_lower(text: str) -> str:
    """Lower case that keeps every offset (str.lower may not: 'İ' becomes two characters)."""
    lowered = text.lower()
    return lowered if len(lowered) == len(text) else text.translate(_ASCII_LOWER)


# ---- the body of a request -----------------------------------------------------------------
def outgoing_body(body: Any, on_masked: Callable[[list[Found]], None] | None = None) -> bytes:
    """The JSON bytes to send for `body`: secrets masked, lone surrogates as U+FFFD.
    Raises PrivateKeyFound when any of its text holds a private key."""
    found: list[Found] = []
    masked = _masked_json(body, found)
    if found and on_masked is not None:
        on_masked(found)
    data = json.dumps(masked, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    try:
        return data.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: from a client's "\ud800" escape
        return without_lone_surrogates(data).encode("utf-8")


def without_lone_surrogates(text: str) -> str:
    """`text` with every lone surrogate replaced by U+FFFD (a pair is kept whole)."""
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def _masked_json(value: Any, found: list[Found]) -> Any:
    if isinstance(value, str):
        if holds_private_key(value):
            raise PrivateKeyFound("the text holds a private key")
        text, masked = mask(value)
        found += masked
        return text
    if isinstance(value, dict):
        return {k: _masked_json(v, found) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_masked_json(v, found) for v in value]
    return value


class RedactingFormatter(logging.Formatter):
    """A formatter whose output (message, arguments, traceback) never holds a secret: keys
    (redact.py), and the secrets a document holds, masked as in prompts (a DEBUG log, which
    holds the documents, is often pasted into a bug report)."""

    def format(self, record: logging.LogRecord) -> str:
        return mask(redact.redact(super().format(record)))[0]

"""A local HTTP server that speaks DeepSeek's wire format, for tests and benchmarks.

It listens on 127.0.0.1 and answers:

- ``POST /beta/completions`` (FIM, JSON or SSE when the body says ``stream``),
- ``POST /beta/chat/completions`` (chat prefix completion, JSON or SSE),
- ``GET /models`` and ``GET /user/balance``,
- the same paths under ``/v1`` and ``/infill`` for other backends' tests: ``/v1/completions``
  (OpenAI-style FIM, DeepSeek's shape), ``/v1/fim/completions`` (Codestral: chat-shaped
  ``message.content``, streamed as ``delta.content``), ``/infill`` (llama.cpp: ``content`` and
  ``stop``, streamed as ``data: {"content", "stop"}`` events without ``[DONE]``).

Behaviour comes from a queue of scripted replies (``server.script(...)``) and, when the queue
is empty, from defaults (``fim_text``, ``chat_text``, or ``predict_text``: a "model" that
continues the prompt with the next lines of a known file; with ``imperfect_seed``, one that
writes a seeded half of its lines wrong mid-line, see ``Imperfect``). A next-edit chat request
(its user message holds ``<|editable_region_start|>``) is answered with the marked region
rewritten by ``next_edit_rules`` (``[(old, new), ...]``: every ``old`` in the region becomes
``new``, whole words when ``old`` is one), unchanged when there are none. Every request is
recorded with its method, path, headers and JSON body, so tests assert on what crossed the
socket.

Run it on its own (editor tests, VS Code test, bench)::

    python -m tests.mock_deepseek --port 0 --port-file /tmp/port --fim-text 'x = 1' \
        --log-file /tmp/requests.jsonl

A reply (a dict) may hold: ``text`` (the completion), ``status`` + ``error`` (an error body),
``rewrite`` (next-edit rules for this one request), ``delay`` (seconds before the headers),
``keepalive`` (blank lines / ``: keep-alive`` comments before the body), ``drop`` (close
without answering), ``garbage`` (a 200 with this raw body), ``finish_reason``,
``retry_after``, ``chunk_delay`` (seconds between SSE chunks), ``usage`` (dict), ``json``
(answer JSON even when the request asked for a stream).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import random
import re
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

DEFAULT_MODELS = ["deepseek-flash", "deepseek-v4-pro"]


@dataclass
class Recorded:
    """One request as it crossed the socket."""

    method: str
    path: str
    headers: dict[str, str]
    body: Any

    def to_json(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "path": self.path,
            "headers": self.headers,
            "body": self.body,
        }


@dataclass
class MockDeepSeek:
    """The mock server: start() in a background thread, stop() when done."""

    fim_text: str = "fim_text()"
    chat_text: str = "print('hello')\n```"
    predict_text: str | None = None
    predict_lines: int = 1
    imperfect_seed: int | None = None  # predict_text written wrong on a seeded half of lines
    next_edit_rules: list[tuple[str, str]] = field(default_factory=list)
    models: list[str] = field(default_factory=lambda: list(DEFAULT_MODELS))
    latency: float = 0.0
    log_file: str | None = None
    requests: list[Recorded] = field(default_factory=list)
    port: int = 0
    connections: int = 0
    aborted: int = 0  # replies the client hung up on before they were complete
    answered: int = 0  # replies to FIM/chat/infill requests sent in full
    _queue: deque = field(default_factory=deque)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # ---- control -------------------------------------------------------------------------
    def script(self, *replies: dict[str, Any], path: str = "completions") -> None:
        """Queue replies for requests whose path ends with `path` (first in, first out)."""
        with self._lock:
            for reply in replies:
                self._queue.append((path, reply))

    def clear(self) -> None:
        with self._lock:
            self._queue.clear()
            self.requests.clear()

    def requests_to(self, suffix: str) -> list[Recorded]:
        return [r for r in list(self.requests) if r.path.endswith(suffix)]

    def fim_requests(self) -> list[Recorded]:
        return [r for r in self.requests_to("/completions") if "chat" not in r.path]

    def next_edit_requests(self) -> list[Recorded]:
        return [r for r in self.requests_to("/chat/completions") if is_next_edit(r.body)]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _imperfect(self) -> Imperfect | None:
        if self.imperfect_seed is None or self.predict_text is None:
            return None
        model = getattr(self, "_imperfect_model", None)
        if model is None:
            model = self._imperfect_model = Imperfect(self.predict_text, self.imperfect_seed)
        return model

    def _next_reply(self, path: str) -> dict[str, Any] | None:
        with self._lock:
            for i, (suffix, reply) in enumerate(self._queue):
                if path.endswith(suffix) and not (suffix == "completions" and "chat" in path):
                    del self._queue[i]
                    return reply
        return None

    # ---- lifecycle -----------------------------------------------------------------------
    def start(self) -> MockDeepSeek:
        ready = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(ready,), daemon=True)
        self._thread.start()
        ready.wait(10)
        return self

    def stop(self) -> None:
        loop = getattr(self, "_loop", None)
        if loop and loop.is_running():
            loop.call_soon_threadsafe(self._stopping.set)
            self._thread.join(5)

    def _run(self, ready: threading.Event) -> None:
        asyncio.run(self._main(ready))

    async def _main(self, ready: threading.Event) -> None:
        self._loop = asyncio.get_running_loop()
        self._stopping = asyncio.Event()
        server = await asyncio.start_server(self._connection, "127.0.0.1", self.port)
        self.port = server.sockets[0].getsockname()[1]
        ready.set()
        async with server:
            await self._stopping.wait()

    # ---- HTTP ----------------------------------------------------------------------------
    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        self.connections += 1
        try:
            while await self._one_request(reader, writer):
                pass
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            with contextlib.suppress(Exception):
                writer.close()

    async def _one_request(self, reader, writer) -> bool:
        line = await reader.readline()
        if not line:
            return False
        method, target, _ = line.decode("latin-1").split(" ", 2)
        headers: dict[str, str] = {}
        while (h := await reader.readline()) not in (b"\r\n", b"\n", b""):
            k, _, v = h.decode("latin-1").partition(":")
            headers[k.strip().lower()] = v.strip()
        raw = await reader.readexactly(int(headers.get("content-length", "0") or 0))
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode("utf-8", "replace")
        rec = Recorded(method, target, headers, body)
        self.requests.append(rec)
        if self.log_file:
            with open(self.log_file, "a", encoding="utf-8") as fh:
                fh.write(json.dumps(rec.to_json()) + "\n")
        try:
            return await self._respond(rec, reader, writer)
        except ConnectionError:
            self.aborted += 1
            raise

    async def _respond(self, rec: Recorded, reader, writer) -> bool:
        path = rec.path.split("?")[0]
        scripted = self._next_reply(path) if rec.method == "GET" else None
        if scripted is not None:  # e.g. script({"status": 401}, path="models")
            return await self._reply(rec, path, scripted, reader, writer)
        if rec.method == "GET" and path.endswith("/models"):
            data = [{"id": m, "object": "model", "owned_by": "deepseek"} for m in self.models]
            return await self._send_json(writer, 200, {"object": "list", "data": data})
        if rec.method == "GET" and path.endswith("/user/balance"):
            info = {
                "currency": "USD",
                "total_balance": "4.20",
                "granted_balance": "0.00",
                "topped_up_balance": "4.20",
            }
            return await self._send_json(
                writer, 200, {"is_available": True, "balance_infos": [info]}
            )
        reply = self._next_reply(path) or {}
        done = await self._reply(rec, path, reply, reader, writer)
        self.answered += 1
        return done

    async def _reply(self, rec: Recorded, path: str, reply: dict, reader, writer) -> bool:
        delay = reply.get("delay", self.latency)
        if delay and await _hung_up_within(reader, delay):
            raise ConnectionResetError("the client closed the connection while waiting")
        if reply.get("drop"):
            writer.close()
            return False
        status = reply.get("status", 200)
        if status != 200:
            err = reply.get("error") or {
                "message": f"mock error {status}",
                "type": "error",
                "code": status,
            }
            extra = {"Retry-After": str(reply["retry_after"])} if "retry_after" in reply else {}
            return await self._send_json(writer, status, {"error": err}, extra)
        if "garbage" in reply:
            return await self._send_raw(writer, 200, "application/json", reply["garbage"])
        body = rec.body if isinstance(rec.body, dict) else {}
        if "text" in reply:
            text = reply["text"]
        elif "rewrite" in reply and is_next_edit(body):
            text = next_edit_answer(body, reply["rewrite"])
        else:
            text = self._default_text(path, body)
        kind = "chat" if "chat" in path else ("infill" if "infill" in path else "fim")
        if path.endswith("/fim/completions"):
            kind = "codestral"
        if body.get("stream") and not reply.get("json"):
            return await self._send_stream(writer, kind, text, reply, body)
        return await self._send_whole(writer, kind, text, reply, body)

    def _default_text(self, path: str, body: dict) -> str:
        if "chat" in path and is_next_edit(body):
            return next_edit_answer(body, self.next_edit_rules)
        if "chat" in path:
            return self.chat_text
        if self.predict_text is not None:
            return predict(self.predict_text, body, self.predict_lines, self._imperfect())
        return self.fim_text

    @staticmethod
    def _usage(reply: dict, body: dict, text: str) -> dict:
        prompt = str(body.get("prompt", body.get("input_prefix", ""))) + str(body.get("suffix", ""))
        prompt += "".join(str(m.get("content", "")) for m in _messages(body))
        prompt_tokens = max(1, len(prompt) // 4)
        usage = {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": max(1, len(text) // 4),
            "prompt_cache_hit_tokens": 0,
            "prompt_cache_miss_tokens": prompt_tokens,
        }
        usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
        usage.update(reply.get("usage", {}))
        return usage

    def _choice(self, kind: str, text: str, finish: str | None, delta: bool) -> dict:
        if kind in ("chat", "codestral"):
            key = "delta" if delta else "message"
            return {
                "index": 0,
                key: {"role": "assistant", "content": text},
                "finish_reason": finish,
            }
        return {"index": 0, "text": text, "finish_reason": finish, "logprobs": None}

    def _cut_at_stop(self, text: str, body: dict) -> tuple[str, str]:
        stops = body.get("stop") or []
        stops = [stops] if isinstance(stops, str) else stops
        cut = min((text.find(s) for s in stops if s and s in text), default=-1)
        if cut >= 0:
            return text[:cut], "stop"
        return text, "stop"

    async def _send_whole(self, writer, kind: str, text: str, reply: dict, body: dict) -> bool:
        text, finish = self._cut_at_stop(text, body)
        finish = reply.get("finish_reason", finish)
        if kind == "infill":
            payload = {
                "content": text,
                "stop": True,
                "tokens_predicted": len(text) // 4,
                "stop_type": "word" if finish == "stop" else "limit",
            }
        else:
            payload = {
                "id": "mock",
                "object": "text_completion",
                "created": int(time.time()),
                "model": body.get("model"),
                "system_fingerprint": "mock",
                "choices": [self._choice(kind, text, finish, False)],
                "usage": self._usage(reply, body, text),
            }
        head = "\n" * int(reply.get("keepalive", 0))
        return await self._send_raw(
            writer,
            200,
            "application/json",
            head + json.dumps(payload),
            keepalive_gap=reply.get("keepalive_gap", 0.02),
        )

    async def _send_stream(self, writer, kind: str, text: str, reply: dict, body: dict) -> bool:
        text, finish = self._cut_at_stop(text, body)
        finish = reply.get("finish_reason", finish)
        writer.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
            b"Cache-Control: no-cache\r\nTransfer-Encoding: chunked\r\n\r\n"
        )
        for _ in range(int(reply.get("keepalive", 0))):
            await self._chunk(writer, b": keep-alive\n\n")
            await asyncio.sleep(reply.get("keepalive_gap", 0.02))
        pieces = _pieces(text, int(reply.get("chunk_size", 8)))
        for i, piece in enumerate(pieces):
            last = i == len(pieces) - 1
            if kind == "infill":
                event = {"content": piece, "stop": last}
                if last:
                    event["stop_type"] = "word" if finish == "stop" else "limit"
            else:
                event = {
                    "id": "mock",
                    "object": "text_completion",
                    "model": body.get("model"),
                    "choices": [self._choice(kind, piece, finish if last else None, True)],
                }
            await self._chunk(writer, b"data: " + json.dumps(event).encode() + b"\n\n")
            if reply.get("chunk_delay"):
                await asyncio.sleep(reply["chunk_delay"])
        if kind != "infill":
            usage = {"id": "mock", "choices": [], "usage": self._usage(reply, body, text)}
            await self._chunk(writer, b"data: " + json.dumps(usage).encode() + b"\n\n")
            await self._chunk(writer, b"data: [DONE]\n\n")
        writer.write(b"0\r\n\r\n")
        await writer.drain()
        return True

    @staticmethod
    async def _chunk(writer, data: bytes) -> None:
        writer.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        await writer.drain()

    async def _send_json(self, writer, status: int, payload: Any, extra=None) -> bool:
        return await self._send_raw(writer, status, "application/json", json.dumps(payload), extra)

    async def _send_raw(
        self, writer, status: int, ctype: str, body: str, extra=None, keepalive_gap: float = 0.0
    ) -> bool:
        data = body.encode()
        head = f"HTTP/1.1 {status} {_REASONS.get(status, 'Status')}\r\nContent-Type: {ctype}\r\n"
        for k, v in (extra or {}).items():
            head += f"{k}: {v}\r\n"
        head += f"Content-Length: {len(data)}\r\n\r\n"
        writer.write(head.encode())
        lead = len(body) - len(body.lstrip("\n"))
        if keepalive_gap and lead:
            for _ in range(lead):  # keep-alive blank lines trickle in, as DeepSeek sends them
                writer.write(b"\n")
                await writer.drain()
                await asyncio.sleep(keepalive_gap)
            data = data[lead:]
        writer.write(data)
        await writer.drain()
        return True


_REASONS = {
    200: "OK",
    400: "Bad Request",
    401: "Unauthorized",
    402: "Payment Required",
    404: "Not Found",
    422: "Unprocessable Entity",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


async def _hung_up_within(reader: asyncio.StreamReader, seconds: float) -> bool:
    """Wait `seconds`; True as soon as the client closes the connection (HTTP/1.1 clients
    send nothing else on a connection while they wait for its answer)."""
    try:
        data = await asyncio.wait_for(reader.read(1), seconds)
    except TimeoutError:
        return False
    return data == b""


NEXT_EDIT_START = "<|editable_region_start|>"
NEXT_EDIT_CURSOR = "<|user_cursor_is_here|>"
NEXT_EDIT_END = "<|editable_region_end|>"


def _messages(body: Any) -> list[dict]:
    messages = body.get("messages") if isinstance(body, dict) else None
    return [m for m in messages if isinstance(m, dict)] if isinstance(messages, list) else []


def next_edit_region(body: Any) -> str | None:
    """The editable region of a next-edit chat request (cursor marker removed), or None."""
    users = [str(m.get("content", "")) for m in _messages(body) if m.get("role") == "user"]
    text = users[-1] if users else ""
    start = text.find(NEXT_EDIT_START + "\n")
    end = text.find("\n" + NEXT_EDIT_END, start)
    if start < 0 or end < 0:
        return None
    return text[start + len(NEXT_EDIT_START) + 1 : end].replace(NEXT_EDIT_CURSOR, "")


def is_next_edit(body: Any) -> bool:
    return next_edit_region(body) is not None


def rewrite(region: str, rules: list) -> str:
    """Every `old` of each (old, new) rule replaced by `new`: as a whole word when `old` is
    one (so `price` does not touch `prices`), else as plain text."""
    for old, new in rules:
        if re.fullmatch(r"\w+", old):
            region = re.sub(rf"\b{re.escape(old)}\b", lambda _m, n=new: n, region)
        else:
            region = region.replace(old, new)
    return region


def next_edit_answer(body: Any, rules: list) -> str:
    """What a model that follows `rules` writes after the assistant's opening: the region
    rewritten, the end marker and the closing fence (the request's stops cut them)."""
    region = next_edit_region(body) or ""
    return rewrite(region, rules) + "\n" + NEXT_EDIT_END + "\n```"


def _pieces(text: str, size: int) -> list[str]:
    if not text:
        return [""]
    return [text[i : i + size] for i in range(0, len(text), size)]


def predict(source: str, body: dict, lines: int = 1, wrong: Imperfect | None = None) -> str:
    """A model that knows `source`: continue the prompt with the rest of its line and `lines`
    more lines (0 = just the rest of the line); `wrong`: the imperfect model's version.

    The prompt may open with lines the file lacks (a path header, other files' context):
    whole lines are dropped from the start of its last 300 characters until the rest is
    found. A rest that starts a line of the file is looked up where the file continues the
    typed text, so a short prompt ("imp") is not matched to a later line.
    """
    prompt = str(body.get("prompt", body.get("input_prefix", "")))
    tail = prompt[-300:]
    at = _locate(source, tail)
    while at < 0:
        nl = tail.find("\n")
        if nl < 0:
            return ""
        tail = tail[nl + 1 :]
        at = _locate(source, tail)
    start = at + len(tail)
    if wrong is not None:
        return wrong.continuation(start, lines)
    end = start
    for _ in range(lines + 1):
        nl = source.find("\n", end)
        if nl < 0:
            end = len(source)
            break
        end = nl + 1
    return source[start:end].rstrip("\n")


KEYWORDS = frozenset(  # of Python, TypeScript and Go, never written wrong
    word
    for words in (
        "and as async await break case catch class const continue def default defer del elif",
        "else except export extends false finally for from func function go if implements",
        "import in interface is let map new nil none not null of or package pass private",
        "public raise readonly return self static struct super switch this throw true try",
        "type var void while with yield",
    )
    for word in words.split()
)
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass
class Imperfect:
    """The imperfect model: it knows `source`, but on a fixed (seeded) half of the non-blank
    lines it writes one identifier wrong, mid-line (another identifier of the file, so the
    same shape), until the user has typed past that point; then it is right again.

    So typing through its suggestion breaks mid-line on those lines, and whatever was asked
    on the strength of the wrong text (the next line) does not match what the user types.
    """

    source: str
    seed: int = 7
    diverge: dict[int, int] = field(init=False)  # wrong line -> column where it goes wrong
    wrong_lines: list[str] = field(init=False)

    def __post_init__(self) -> None:
        rng = random.Random(self.seed)
        lines = self.source.split("\n")
        names = sorted(
            {m.group(0) for m in IDENTIFIER.finditer(self.source)} - KEYWORDS,
            key=lambda n: (len(n), n),
        )
        names = [n for n in names if len(n) >= 3]
        spots = {n: _spots(line) for n, line in enumerate(lines)}
        nonblank = [n for n, line in enumerate(lines) if line.strip()]
        chosen = rng.sample([n for n in nonblank if spots[n]], len(nonblank) // 2)
        self.wrong_lines, self.diverge = list(lines), {}
        for n in sorted(chosen):
            m = rng.choice(spots[n])
            others = [x for x in names if x[0] != m.group(0)[0]]
            line = lines[n]
            self.wrong_lines[n] = line[: m.start()] + rng.choice(others) + line[m.end() :]
            self.diverge[n] = m.start()

    def right_on(self, line: int) -> bool:
        """Whether the model writes this line of the file right from its start."""
        return line not in self.diverge

    def continuation(self, offset: int, lines: int) -> str:
        """What it writes after `offset` of the file: the rest of the line and `lines` more."""
        row = self.source.count("\n", 0, offset)
        column = offset - (self.source.rfind("\n", 0, offset) + 1)
        real = self.source.split("\n")
        current = self.wrong_lines[row] if column <= self.diverge.get(row, -1) else real[row]
        out = [current[column:], *self.wrong_lines[row + 1 : row + 1 + lines]]
        return "\n".join(out).rstrip("\n")


def _spots(line: str) -> list[re.Match[str]]:
    """Identifiers of a line that can be written wrong: not a keyword, not the line's first
    word (so some of the line is right before it goes wrong)."""
    found = [m for m in IDENTIFIER.finditer(line) if m.group(0) not in KEYWORDS]
    first = len(line) - len(line.lstrip())
    return [m for m in found if m.start() > first]


def _locate(source: str, tail: str) -> int:
    if source.startswith(tail):
        return 0
    return source.rfind(tail)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--port-file", help="write the bound port here once listening")
    parser.add_argument("--fim-text", default="fim_text()")
    parser.add_argument("--chat-text", default="print('hello')\n```")
    parser.add_argument("--predict-file", help="continue prompts with this file's next lines")
    parser.add_argument("--predict-lines", type=int, default=1)
    parser.add_argument(
        "--imperfect-seed",
        type=int,
        help="predict the file wrong on a half of its lines chosen with this seed",
    )
    parser.add_argument("--latency", type=float, default=0.0, help="seconds before each answer")
    parser.add_argument(
        "--next-edit-rule",
        action="append",
        default=[],
        metavar="OLD=>NEW",
        help="answer next-edit requests with OLD replaced by NEW in the region (repeatable)",
    )
    parser.add_argument("--log-file", help="append each request as a JSON line")
    args = parser.parse_args(argv)
    predict_text = None
    if args.predict_file:
        with open(args.predict_file, encoding="utf-8") as fh:
            predict_text = fh.read()
    mock = MockDeepSeek(
        fim_text=args.fim_text,
        chat_text=args.chat_text,
        predict_text=predict_text,
        predict_lines=args.predict_lines,
        imperfect_seed=args.imperfect_seed,
        next_edit_rules=[
            tuple(rule.split("=>", 1)) for rule in args.next_edit_rule if "=>" in rule
        ],
        latency=args.latency,
        log_file=args.log_file,
        port=args.port,
    ).start()
    if args.port_file:
        with open(args.port_file + ".tmp", "w") as fh:
            fh.write(str(mock.port))
        import os

        os.replace(args.port_file + ".tmp", args.port_file)
    print(f"mock DeepSeek on {mock.url}", file=sys.stderr, flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        mock.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

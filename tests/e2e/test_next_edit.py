"""Next edit suggestions through the real server (stdio) against the mock DeepSeek: the user's
edits go in as didChange, `textDocument/copilotInlineEdit` asks, and the returned edit is
applied to the client's copy of the document, which must read as expected. Then what
crossed the socket: the chat request, what never goes upstream, cancels and supersedes, the
code action, usage, and the recent edits in FIM prompts."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types

from ds_lsp.documents import DocumentStore
from ds_lsp.nextedit.textdiff import common_ends
from tests.e2e import lsp_wire
from tests.e2e.conftest import open_doc, wait_until
from tests.mock_deepseek import NEXT_EDIT_CURSOR, NEXT_EDIT_END, NEXT_EDIT_START, MockDeepSeek
from tests.unit.nextedit_helpers import position

METHOD = "textDocument/copilotInlineEdit"
NEXT_EDIT = {"nextEditDebounceMs": 0}


def plain(value: Any) -> Any:
    """pygls gives results of unknown methods as namedtuple-like Objects: plain JSON."""
    if hasattr(value, "_asdict"):
        return {k: plain(v) for k, v in value._asdict().items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


class Editor:
    """The client's copy of one document: it sends the user's edits and applies the server's."""

    def __init__(self, client: Any, uri: str, text: str, language: str) -> None:
        self.client, self.uri, self.text, self.version = client, uri, text, 1
        open_doc(client, uri, text, language)

    def replace(self, old: str, new: str) -> int:
        """The user replaces the first `old` by `new` (the part that differs, as editors
        send it); returns the cursor's offset after it."""
        at = self.text.index(old)
        prefix, suffix = common_ends(old, new)
        start, end = at + prefix, at + len(old) - suffix
        typed = new[prefix : len(new) - suffix]
        self._send(start, end, typed)
        return start + len(typed)

    def _send(self, start: int, end: int, new: str) -> None:
        rng = types.Range(
            start=types.Position(**position(self.text, start)),
            end=types.Position(**position(self.text, end)),
        )
        self.text = self.text[:start] + new + self.text[end:]
        self.version += 1
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(
                    uri=self.uri, version=self.version
                ),
                content_changes=[types.TextDocumentContentChangePartial(range=rng, text=new)],
            )
        )

    def ask(self, offset: int, invoked: bool = True, msg_id: str | None = None) -> asyncio.Future:
        where = position(self.text, offset)
        params: dict[str, Any] = {
            "textDocument": {"uri": self.uri, "version": self.version},
            "position": where,
        }
        if invoked:
            params["context"] = {"triggerKind": 1}
        sent = self.client.protocol.send_request(METHOD, params, msg_id=msg_id)
        return asyncio.wrap_future(sent)

    async def next_edit(self, offset: int, invoked: bool = True) -> list[dict[str, Any]]:
        return plain(await self.ask(offset, invoked))["edits"]

    def apply(self, edit: dict[str, Any]) -> str:
        """Apply an edit as an editor does (through ds-lsp's own position conversion)."""
        doc = DocumentStore().open(self.uri, "", self.version, self.text)
        doc.apply_change({"range": edit["range"], "text": edit["text"]})
        start = self._offset(edit["range"]["start"])
        end = self._offset(edit["range"]["end"])
        self._send(start, end, edit["text"])
        assert self.text == doc.text.full()
        return self.text

    def _offset(self, pos: dict[str, int]) -> int:
        lines = self.text.split("\n")
        head = sum(len(t) + 1 for t in lines[: pos["line"]])
        line = lines[pos["line"]]
        units = 0
        for i, ch in enumerate(line):
            if units >= pos["character"]:
                return head + i
            units += 2 if ord(ch) > 0xFFFF else 1
        return head + len(line)


@dataclass(frozen=True)
class Sequence:
    id: str
    language: str
    name: str
    text: str
    edits: list[tuple[str, str]]
    rules: list[tuple[str, str]]
    after: str


SEQUENCES = [
    Sequence(
        "python: rename a parameter, then its uses",
        "python",
        "shop.py",
        "def total(price, qty):\n    subtotal = price * qty\n    return subtotal\n",
        [("total(price", "total(cost")],
        [("price", "cost")],
        "def total(cost, qty):\n    subtotal = cost * qty\n    return subtotal\n",
    ),
    Sequence(
        "python: add an argument, then the call sites",
        "python",
        "rooms.py",
        "def area(w, h):\n    return w * h\n\n\nprint(area(2, 3), area(4, 5))\n",
        [("area(w, h)", "area(w, h, floors)"), ("w * h\n", "w * h * floors\n")],
        [("area(2, 3)", "area(2, 3, 1)"), ("area(4, 5)", "area(4, 5, 1)")],
        "def area(w, h, floors):\n    return w * h * floors\n\n\n"
        "print(area(2, 3, 1), area(4, 5, 1))\n",
    ),
    Sequence(
        "python: change a type, then the literal",
        "python",
        "config.py",
        "class Config:\n    port: int = 8080\n    host: str = 'localhost'\n",
        [("port: int", "port: str")],
        [("= 8080", '= "8080"')],
        "class Config:\n    port: str = \"8080\"\n    host: str = 'localhost'\n",
    ),
    Sequence(
        "python: add a field, then the constructor",
        "python",
        "user.py",
        "class User:\n    def __init__(self, name):\n        self.name = name\n",
        [("(self, name)", "(self, name, email)")],
        [("self.name = name\n", "self.name = name\n        self.email = email\n")],
        "class User:\n    def __init__(self, name, email):\n        self.name = name\n"
        "        self.email = email\n",
    ),
    Sequence(
        "typescript: rename a parameter, then its uses",
        "typescript",
        "price.ts",
        "export function fmt(amount: number): string {\n  return amount.toFixed(2);\n}\n",
        [("amount: number", "value: number")],
        [("amount", "value")],
        "export function fmt(value: number): string {\n  return value.toFixed(2);\n}\n",
    ),
    Sequence(
        "typescript: add an argument, then the call sites",
        "typescript",
        "log.ts",
        "function log(msg: string) {\n  console.log(msg);\n}\n\nlog('a');\nlog('b');\n",
        [("log(msg: string)", "log(msg: string, level: string)")],
        [("log('a')", "log('a', 'info')"), ("log('b')", "log('b', 'info')")],
        "function log(msg: string, level: string) {\n  console.log(msg);\n}\n\n"
        "log('a', 'info');\nlog('b', 'info');\n",
    ),
    Sequence(
        "typescript: change a type, then the literal",
        "typescript",
        "retry.ts",
        "let retries: number = 3;\nexport const label = 'x';\n",
        [("retries: number", "retries: string")],
        [("= 3;", "= '3';")],
        "let retries: string = '3';\nexport const label = 'x';\n",
    ),
    Sequence(
        "typescript: add a property to the interface, then to the object",
        "typescript",
        "options.ts",
        "interface Options {\n  retries: number;\n}\n\nconst defaults: Options = {\n"
        "  retries: 3,\n};\n",
        [("  retries: number;\n", "  retries: number;\n  verbose: boolean;\n")],
        [("  retries: 3,\n", "  retries: 3,\n  verbose: false,\n")],
        "interface Options {\n  retries: number;\n  verbose: boolean;\n}\n\n"
        "const defaults: Options = {\n  retries: 3,\n  verbose: false,\n};\n",
    ),
    Sequence(
        "go: rename a parameter, then its uses",
        "go",
        "shop.go",
        "package shop\n\nfunc Net(price float64) float64 {\n\treturn price * 0.8\n}\n",
        [("price float64", "amount float64")],
        [("price", "amount")],
        "package shop\n\nfunc Net(amount float64) float64 {\n\treturn amount * 0.8\n}\n",
    ),
    Sequence(
        "go: add an argument, then the call site",
        "go",
        "greet.go",
        'package main\n\nfunc greet(name string) string {\n\treturn "hi " + name\n}\n\n'
        'func main() {\n\tprintln(greet("ann"))\n}\n',
        [("greet(name string)", "greet(name string, loud bool)")],
        [('greet("ann")', 'greet("ann", false)')],
        'package main\n\nfunc greet(name string, loud bool) string {\n\treturn "hi " + name\n}\n'
        '\nfunc main() {\n\tprintln(greet("ann", false))\n}\n',
    ),
    Sequence(
        "go: change a type, then the literal",
        "go",
        "client.go",
        'package client\n\nimport "time"\n\nvar Timeout int = 30\n',
        [("Timeout int", "Timeout time.Duration")],
        [("= 30", "= 30 * time.Second")],
        'package client\n\nimport "time"\n\nvar Timeout time.Duration = 30 * time.Second\n',
    ),
    Sequence(
        "go: add a struct field, then the constructor",
        "go",
        "user.go",
        "package users\n\ntype User struct {\n\tName string\n}\n\n"
        "func New(name, email string) *User {\n\treturn &User{Name: name}\n}\n",
        [("\tName string\n}", "\tName string\n\tEmail string\n}")],
        [("&User{Name: name}", "&User{Name: name, Email: email}")],
        "package users\n\ntype User struct {\n\tName string\n\tEmail string\n}\n\n"
        "func New(name, email string) *User {\n\treturn &User{Name: name, Email: email}\n}\n",
    ),
]


@pytest.mark.parametrize("case", SEQUENCES, ids=lambda c: c.id)
async def test_edit_sequences_give_the_right_document(
    case: Sequence, start: Any, mock: MockDeepSeek, tmp_path: Path
) -> None:
    mock.next_edit_rules = case.rules
    client = await start(init=NEXT_EDIT)
    editor = Editor(client, (tmp_path / case.name).as_uri(), case.text, case.language)
    cursor = 0
    for old, new in case.edits:
        cursor = editor.replace(old, new)
    edits = await editor.next_edit(cursor)
    assert len(edits) == 1, edits
    assert editor.apply(edits[0]) == case.after
    assert edits[0]["textDocument"] == {"uri": editor.uri, "version": editor.version - 1}


async def test_the_chat_request_holds_the_diffs_and_the_marked_region(
    start: Any, mock: MockDeepSeek, tmp_path: Path
) -> None:
    mock.next_edit_rules = [("price", "cost")]
    client = await start(init=NEXT_EDIT)
    editor = Editor(client, (tmp_path / "shop.py").as_uri(), SEQUENCES[0].text, "python")
    cursor = editor.replace("total(price", "total(cost")
    assert await editor.next_edit(cursor)
    [request] = mock.next_edit_requests()
    body = request.body
    assert request.path == "/beta/chat/completions"
    system, user, assistant = body["messages"]
    assert system["role"] == "system" and "next edit" in system["content"]
    assert "--- a/shop.py\n+++ b/shop.py\n" in user["content"]
    assert "-def total(price, qty):\n+def total(cost, qty):\n" in user["content"]
    assert (
        f"{NEXT_EDIT_START}\ndef total(cost{NEXT_EDIT_CURSOR}, qty):\n"
        f"    subtotal = price * qty\n    return subtotal\n\n{NEXT_EDIT_END}"
    ) in user["content"]
    assert assistant == {
        "role": "assistant",
        "content": f"```python\n{NEXT_EDIT_START}\n",
        "prefix": True,
    }
    assert body["thinking"] == {"type": "disabled"}
    assert body["model"] == "deepseek-flash"  # resolved from GET /models
    assert NEXT_EDIT_END in body["stop"] and 64 <= body["max_tokens"] <= 1024
    assert body["temperature"] == 0


async def test_excluded_files_never_appear(start: Any, mock: MockDeepSeek, tmp_path: Path) -> None:
    mock.next_edit_rules = [("price", "cost")]
    client = await start(init=NEXT_EDIT)
    secret = Editor(client, (tmp_path / ".env").as_uri(), "TOKEN=abc123\n", "dotenv")
    cursor = secret.replace("abc123", "zzz999")
    assert await secret.next_edit(cursor) == []
    assert mock.next_edit_requests() == []
    code = Editor(client, (tmp_path / "shop.py").as_uri(), SEQUENCES[0].text, "python")
    cursor = code.replace("total(price", "total(cost")
    assert await code.next_edit(cursor)
    sent = json.dumps([r.body for r in mock.requests])
    assert "zzz999" not in sent and "abc123" not in sent and ".env" not in sent


async def test_next_edit_false_sends_nothing(
    start: Any, mock: MockDeepSeek, tmp_path: Path
) -> None:
    client = await start(init={**NEXT_EDIT, "nextEdit": False})
    editor = Editor(client, (tmp_path / "shop.py").as_uri(), SEQUENCES[0].text, "python")
    cursor = editor.replace("total(price", "total(cost")
    assert await editor.next_edit(cursor) == []
    assert await editor.next_edit(cursor, invoked=False) == []
    assert mock.requests_to("/chat/completions") == []


async def test_a_backend_without_chat_answers_nothing(
    start: Any, mock: MockDeepSeek, tmp_path: Path
) -> None:
    client = await start(init={**NEXT_EDIT, "backend": "llama-cpp", "llamaCppBaseUrl": mock.url})
    editor = Editor(client, (tmp_path / "shop.py").as_uri(), SEQUENCES[0].text, "python")
    cursor = editor.replace("total(price", "total(cost")
    assert await editor.next_edit(cursor) == []
    assert mock.requests_to("/chat/completions") == []


async def test_cancel_aborts_the_http_call(start: Any, mock: MockDeepSeek, tmp_path: Path) -> None:
    mock.script({"delay": 30, "rewrite": [["price", "cost"]]}, path="chat/completions")
    client = await start(init=NEXT_EDIT)
    editor = Editor(client, (tmp_path / "shop.py").as_uri(), SEQUENCES[0].text, "python")
    cursor = editor.replace("total(price", "total(cost")
    pending = editor.ask(cursor, msg_id="nes-1")
    await wait_until(lambda: mock.next_edit_requests())
    client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id="nes-1"))
    try:
        answer = plain(await asyncio.wait_for(pending, 20))
        assert answer == {"edits": []}
    except Exception as exc:  # RequestCancelled is the other allowed answer
        assert "cancel" in str(exc).lower()
    await wait_until(lambda: mock.aborted == 1)  # the server hung up on the slow answer
    assert mock.answered == 0


async def test_a_newer_request_supersedes_and_aborts_the_older(
    start: Any, mock: MockDeepSeek, tmp_path: Path
) -> None:
    mock.next_edit_rules = [("price", "cost")]
    mock.script({"delay": 30, "rewrite": []}, path="chat/completions")
    client = await start(init=NEXT_EDIT)
    editor = Editor(client, (tmp_path / "shop.py").as_uri(), SEQUENCES[0].text, "python")
    cursor = editor.replace("total(price", "total(cost")
    older = editor.ask(cursor)
    await wait_until(lambda: mock.next_edit_requests())
    newer = await editor.next_edit(cursor - 1)
    assert newer and newer[0]["text"] == "cost"
    assert plain(await older) == {"edits": []}
    await wait_until(lambda: mock.aborted == 1)


async def test_automatic_requests_wait_out_the_debounce_and_only_the_last_goes_upstream(
    start: Any, mock: MockDeepSeek, tmp_path: Path
) -> None:
    mock.next_edit_rules = [("price", "cost")]
    client = await start(init={"nextEditDebounceMs": 300})
    editor = Editor(client, (tmp_path / "shop.py").as_uri(), SEQUENCES[0].text, "python")
    cursor = editor.replace("total(price", "total(cost")
    asked = [editor.ask(cursor - k, invoked=False) for k in range(3)]  # a client asking per key
    answers = [plain(await a)["edits"] for a in asked]
    assert answers[:2] == [[], []] and answers[2]
    assert len(mock.next_edit_requests()) == 1


async def test_shown_and_accepted_count_in_usage_and_a_dismissed_edit_is_not_offered_again(
    start: Any, mock: MockDeepSeek, tmp_path: Path
) -> None:
    mock.next_edit_rules = [("price", "cost")]
    client = await start(init=NEXT_EDIT)
    editor = Editor(client, (tmp_path / "shop.py").as_uri(), SEQUENCES[0].text, "python")
    cursor = editor.replace("total(price", "total(cost")
    [edit] = await editor.next_edit(cursor)
    client.protocol.notify("textDocument/didShowInlineEdit", {"item": edit})
    editor.apply(edit)
    command = edit["command"]
    await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command=command["command"], arguments=command["arguments"])
    )
    usage = await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="ds-lsp.showUsage", arguments=[])
    )
    session = plain(usage)["session"]
    assert (session["next_edits"], session["next_edits_shown"], session["next_edits_accepted"]) == (
        1,
        1,
        1,
    )
    # another document: the model offers the same rename, the user dismisses it
    other = Editor(client, (tmp_path / "other.py").as_uri(), SEQUENCES[0].text, "python")
    cursor = other.replace("total(price", "total(cost")
    [edit] = await other.next_edit(cursor)
    await client.workspace_execute_command_async(
        types.ExecuteCommandParams(
            command="ds-lsp.dismissedNextEdit", arguments=edit["command"]["arguments"]
        )
    )
    assert await other.next_edit(cursor) == []


async def test_upstream_problems_answer_no_edits_and_tell_once(
    start: Any, mock: MockDeepSeek, tmp_path: Path
) -> None:
    mock.script({"status": 402}, {"status": 402}, path="chat/completions")
    client = await start(init=NEXT_EDIT)
    editor = Editor(client, (tmp_path / "shop.py").as_uri(), SEQUENCES[0].text, "python")
    cursor = editor.replace("total(price", "total(cost")
    assert await editor.next_edit(cursor) == []
    cursor = editor.replace("qty)", "n)")
    assert await editor.next_edit(cursor) == []
    await wait_until(lambda: client.messages)
    assert len([m for m in client.messages if "balance" in m.message.lower()]) == 1


def code_action(
    msg_id: str, uri: str, line: int, trigger: int | None, only: list[str] | None = None
) -> dict[str, Any]:
    point = {"line": line, "character": 0}
    context: dict[str, Any] = {"diagnostics": []}
    if trigger is not None:
        context["triggerKind"] = trigger
    if only is not None:
        context["only"] = only
    params = {"textDocument": {"uri": uri}, "range": {"start": point, "end": point}}
    return {
        "jsonrpc": "2.0",
        "id": msg_id,
        "method": "textDocument/codeAction",
        "params": {**params, "context": context},
    }


def test_the_code_action_applies_the_predicted_edit(mock: MockDeepSeek, tmp_path: Path) -> None:
    """Over the raw wire, as Helix and eglot read it (lsprotocol's client would take a code
    action with a command for a Command)."""
    mock.next_edit_rules = [("price", "cost")]
    proc, wire = lsp_wire.start_stdio(mock)
    try:
        wire.send(lsp_wire.initialize("init", {**NEXT_EDIT}))
        wire.answer("init")
        wire.send(lsp_wire.notification("initialized"))
        uri = (tmp_path / "shop.py").as_uri()
        wire.send(lsp_wire.did_open(uri, SEQUENCES[0].text))
        renamed = {"start": {"line": 0, "character": 10}, "end": {"line": 0, "character": 15}}
        wire.send(
            lsp_wire.notification(
                "textDocument/didChange",
                {
                    "textDocument": {"uri": uri, "version": 2},
                    "contentChanges": [{"range": renamed, "text": "cost"}],
                },
            )
        )
        wire.send(code_action("auto", uri, 1, 2))
        assert not _predicted(wire.answer("auto")["result"])
        assert mock.next_edit_requests() == []  # nothing ready, nothing asked automatically
        wire.send(code_action("asked", uri, 1, 1))
        [action] = _predicted(wire.answer("asked")["result"])
        assert action["kind"] == "quickfix" and action["isPreferred"] is True
        assert action["command"]["command"] == "ds-lsp.acceptedNextEdit"
        [change] = action["edit"]["changes"][uri]
        doc = DocumentStore().open(uri, "python", 2, SEQUENCES[0].text.replace("(price", "(cost"))
        doc.apply_change({"range": change["range"], "text": change["newText"]})
        assert doc.text.full() == SEQUENCES[0].after
        wire.send(code_action("ready", uri, 2, 2))  # automatic, the edit is ready: offered
        assert _predicted(wire.answer("ready")["result"]) == [action]
        wire.send(code_action("quickfix", uri, 2, 1, ["quickfix"]))  # eglot-code-action-quickfix
        assert _predicted(wire.answer("quickfix")["result"]) == [action]
        wire.send(code_action("imports", uri, 2, 1, ["source.organizeImports"]))
        assert _predicted(wire.answer("imports")["result"]) == []
        assert len(mock.next_edit_requests()) == 1
    finally:
        lsp_wire.stop(proc)


def _predicted(actions: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    return [a for a in actions or [] if a["title"].startswith("Apply predicted edit (DeepSeek)")]


async def test_fim_prompts_hold_the_recent_edits(
    start: Any, mock: MockDeepSeek, tmp_path: Path
) -> None:
    client = await start(init={"contextFiles": True, "nextEdit": False})
    text = "def total(price, qty):\n    return price * qty\n\n\n\n\n\nresult = \n"
    editor = Editor(client, (tmp_path / "shop.py").as_uri(), text, "python")
    editor.replace("total(price", "total(cost")
    editor.replace("return price", "return cost")
    cursor = editor.replace("result = ", "result = t")  # elsewhere: the rename is finished
    where = position(editor.text, cursor)
    await client.text_document_inline_completion_async(
        types.InlineCompletionParams(
            text_document=types.TextDocumentIdentifier(uri=editor.uri),
            position=types.Position(**where),
            context=types.InlineCompletionContext(
                trigger_kind=types.InlineCompletionTriggerKind.Invoked
            ),
        )
    )
    prompt = mock.fim_requests()[-1].body["prompt"]
    assert "# -def total(price, qty):\n" in prompt and "# +def total(cost, qty):\n" in prompt
    assert "# +    return cost * qty\n" in prompt
    assert prompt.index("Recent edits") < prompt.index("result = t")

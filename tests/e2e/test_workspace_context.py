"""Workspace context through the real server: definitions read from disk under the
workspace root reach the prompt, excluded files never do, and the opening only grows by
appends while the user types in one place."""

from __future__ import annotations

import asyncio
import itertools
import json
from pathlib import Path

import pytest

from tests.e2e.conftest import change, inline, open_doc

ROUTING = '''"""URL building."""


def url_for(
    endpoint: str,
    *,
    _external: bool = False,
    **values,
) -> str:
    return "/" + endpoint


def redirect(location: str, code: int = 302):
    return location
'''


def project(root: Path) -> Path:
    (root / "pyproject.toml").write_text("[project]\nname = 'web'\n")
    (root / "web").mkdir()
    (root / "web" / "__init__.py").write_text("")
    (root / "web" / "routing.py").write_text(ROUTING)
    (root / "web" / "secrets.py").write_text("def token_for(service):\n    return 'sk-disk'\n")
    return root / "web" / "views.py"


async def test_definition_read_from_disk_reaches_the_prompt(start, mock, tmp_path):
    views = project(tmp_path)
    client = await start(init={"promptHeader": True, "contextFiles": True})
    text = "from web.routing import url_for\nfrom web.secrets import token_for\n\nurl_for("
    open_doc(client, views.as_uri(), text)
    await inline(client, views.as_uri(), 3, 8)
    prompt = mock.fim_requests()[0].body["prompt"]
    assert prompt.startswith("# web/routing.py\n")
    assert "def url_for(endpoint: str, *, _external: bool = False, **values) -> str:" in prompt
    assert prompt.index("def url_for") < prompt.index("# Path: web/views.py (python)")


async def test_excluded_file_on_disk_is_never_sent(start, mock, tmp_path):
    views = project(tmp_path)
    client = await start(
        init={
            "promptHeader": True,
            "contextFiles": True,
            "exclude": ["**/secrets.py", "secrets.py"],
        }
    )
    text = "from web.secrets import token_for\n\ntoken_for("
    open_doc(client, views.as_uri(), text)
    await inline(client, views.as_uri(), 2, 10)
    prompt = mock.fim_requests()[0].body["prompt"]
    assert "sk-disk" not in prompt and "def token_for" not in prompt


async def test_opening_only_grows_while_typing_a_call(start, mock, tmp_path):
    views = project(tmp_path)
    client = await start(init={"promptHeader": True, "contextFiles": True})
    uri = views.as_uri()
    open_doc(client, uri, "from web import routing\n\nx = routing.url_for('a')\n")
    version = 1
    for col, ch in enumerate("y = routing.redirect("):
        version += 1
        change(client, uri, version, 3, col, ch)
        mock.fim_text = f"v{version}"
        await inline(client, uri, 3, col + 1)
    openings = [r.body["prompt"].split("# Path:")[0] for r in mock.fim_requests()]
    for earlier, later in itertools.pairwise(openings):
        assert later.startswith(earlier)
    assert "def redirect" not in openings[0]
    assert "def redirect(location: str, code: int = 302):" in openings[-1]


async def test_an_added_workspace_folder_is_read_and_a_removed_one_is_not(start, mock, tmp_path):
    from lsprotocol import types

    other = tmp_path.parent / f"{tmp_path.name}-other"
    other.mkdir()
    views = project(other)  # a second project, not yet a workspace folder
    client = await start(init={"contextFiles": True})
    text = "from web.routing import url_for\n\nlink = url_for("
    open_doc(client, views.as_uri(), text)
    await inline(client, views.as_uri(), 2, len("link = url_for("))
    assert "_external" not in mock.fim_requests()[-1].body["prompt"]

    folder = types.WorkspaceFolder(uri=other.as_uri(), name="other")

    def folders(added: list, removed: list) -> None:
        client.workspace_did_change_workspace_folders(
            types.DidChangeWorkspaceFoldersParams(
                event=types.WorkspaceFoldersChangeEvent(added=added, removed=removed)
            )
        )

    folders([folder], [])
    change(client, views.as_uri(), 2, 2, len("link = url_for("), " ")
    await inline(client, views.as_uri(), 2, len("link = url_for( "))
    assert "_external: bool = False" in mock.fim_requests()[-1].body["prompt"]

    folders([], [folder])
    change(client, views.as_uri(), 3, 2, len("link = url_for( "), " ")
    await inline(client, views.as_uri(), 2, len("link = url_for(  "))
    assert "_external" not in mock.fim_requests()[-1].body["prompt"]


SETTINGS = """SECRET_KEY = "django-insecure-0123456789abcdef"
DB_PASSWORD: str = "hunter2-db-secret"
DATABASES = {"default": {"PASSWORD": "dict-held-secret"}}
TIMEOUT = 30
"""


async def test_values_of_assignments_in_a_file_never_opened_are_not_sent(start, mock, tmp_path):
    views = project(tmp_path)
    (tmp_path / "web" / "settings.py").write_text(SETTINGS)
    client = await start(init={"contextFiles": True})
    text = (
        "from web.settings import SECRET_KEY, DB_PASSWORD, DATABASES, TIMEOUT\n\n"
        "conn = connect(SECRET_KEY, DB_PASSWORD, DATABASES, TIMEOUT, "
    )
    open_doc(client, views.as_uri(), text)
    await inline(client, views.as_uri(), 2, len(text.split("\n")[2]))
    body = json.dumps(mock.fim_requests()[0].body)
    for secret in ("django-insecure", "hunter2-db-secret", "dict-held-secret"):
        assert secret not in body
    prompt = mock.fim_requests()[0].body["prompt"]
    assert "SECRET_KEY: str = ..." in prompt and "DB_PASSWORD: str = ..." in prompt
    assert "TIMEOUT = 30" in prompt


HOSTILE_LINES = [
    pytest.param("x = " + "Q" * 60_000 + " + url_for(", id="60000-character-word"),
    pytest.param('x = url_for("' + "\\" * 80, id="backslashes-in-an-unterminated-string"),
]


@pytest.mark.parametrize("line", HOSTILE_LINES)
async def test_a_hostile_cursor_line_is_answered(start, mock, tmp_path, line: str):
    views = project(tmp_path)
    client = await start(init={"contextFiles": True})
    open_doc(client, views.as_uri(), f"from web.routing import url_for\n\n{line}")
    # backtracking regexes took minutes to hours on these lines; the scan is one pass now
    await asyncio.wait_for(inline(client, views.as_uri(), 2, len(line)), 30)
    assert len(mock.fim_requests()) == 1


async def test_a_big_tsconfig_with_an_unterminated_comment_is_parsed_once(start, mock, tmp_path):
    (tmp_path / "package.json").write_text('{"name": "web"}')
    (tmp_path / "tsconfig.json").write_text(
        '{"compilerOptions": {"baseUrl": ".", "paths": {"@/*": ["src/*"]}}}\n/* ' + "/* x " * 12_600
    )
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "dates.ts").write_text(
        "export function formatDate(d: Date, pattern = 'yyyy'): string {\n  return '';\n}\n"
    )
    log = tmp_path / "server.log"
    client = await start(init={"contextFiles": True}, log_file=log)
    uri = (tmp_path / "src" / "app.ts").as_uri()
    lines = [
        'import { formatDate } from "@/dates";',
        *[f"const d{i} = formatDate(" for i in range(3)],
    ]
    open_doc(client, uri, "\n".join(lines), "typescript")
    for row in range(1, 4):  # the window's start moves: three rebuilt context blocks
        mock.fim_text = f"d{row}"
        await inline(client, uri, row, len(lines[row]))
    prompts = [r.body["prompt"] for r in mock.fim_requests()]
    assert all(
        "export function formatDate(d: Date, pattern = 'yyyy'): string" in p for p in prompts
    )
    python = (tmp_path / "main.py").as_uri()
    open_doc(client, python, "x = 1\ny = ")
    await inline(client, python, 1, 4)
    assert len(mock.fim_requests()) == 4
    assert log.read_text().count("tsconfig.json (") == 1

"""Workspace context through the real server: definitions read from disk under the
workspace root reach the prompt, excluded files never do, and the opening only grows by
appends while the user types in one place."""

from __future__ import annotations

import itertools
from pathlib import Path

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

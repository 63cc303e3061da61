"""Smoke: initialize, open, one inline completion against the mock."""

from tests.e2e.conftest import inline, open_doc


async def test_inline_completion_reaches_mock(start, mock, tmp_path):
    client = await start()
    uri = (tmp_path / "a.py").as_uri()
    open_doc(client, uri, "def add(a, b):\n    \n")
    items = await inline(client, uri, 1, 4)
    assert [i.insert_text for i in items] == ["return a + b"]
    fim = mock.fim_requests()
    assert len(fim) == 1
    assert fim[0].body["prompt"] == "def add(a, b):\n    "

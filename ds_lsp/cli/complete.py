"""`ds-lsp complete FILE:LINE:COL`: one completion through the server's own pipeline."""

from __future__ import annotations

import sys
from pathlib import Path

from ds_lsp import config
from ds_lsp.completion.pipeline import CompletionPipeline
from ds_lsp.documents import UTF32, DocumentStore
from ds_lsp.languages import language_of
from ds_lsp.upstream.session import UpstreamSession


async def complete_at(target: str) -> int:
    """Print the suggestion at a 1-based line and column (code points) to stdout."""
    try:
        path, line, col = target.rsplit(":", 2)
        line_no, col_no = int(line), int(col)
        text = Path(path).read_text(encoding="utf-8")
    except (ValueError, OSError) as exc:
        print(f"ds-lsp complete: {exc} (expected FILE:LINE:COL, 1-based)", file=sys.stderr)
        return 2
    settings, report = config.resolve()
    for problem in report.invalid:
        print(f"ds-lsp complete: setting {problem}", file=sys.stderr)
    docs = DocumentStore()
    docs.encoding = UTF32
    uri = Path(path).resolve().as_uri()
    docs.open(uri, language_of(path), 0, text)
    session = UpstreamSession(settings)
    pipeline = CompletionPipeline(settings, docs, session, root_path=str(Path.cwd()))
    try:
        sugg = await pipeline.complete(uri, line_no - 1, col_no - 1, invoked=True)
    finally:
        await session.close()
    if sugg is None:
        print("ds-lsp complete: no suggestion (see the log above)", file=sys.stderr)
        return 1
    sys.stdout.write(sugg.text + "\n")
    return 0

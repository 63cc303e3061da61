"""Command line: the LSP server (stdio or TCP), `check`, `complete FILE:LINE:COL`.

Logging goes to stderr or --log-file, never to stdout (stdout is the LSP pipe in stdio mode).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import sys
from pathlib import Path

from ds_lsp import __version__, redact

LANGUAGES = {
    ".py": "python", ".pyi": "python", ".js": "javascript", ".jsx": "javascriptreact",
    ".ts": "typescript", ".tsx": "typescriptreact", ".go": "go", ".rs": "rust", ".c": "c",
    ".h": "c", ".cc": "cpp", ".cpp": "cpp", ".hpp": "cpp", ".java": "java", ".kt": "kotlin",
    ".lua": "lua", ".rb": "ruby", ".php": "php", ".sh": "shellscript", ".cs": "csharp",
    ".swift": "swift", ".scala": "scala", ".el": "emacs-lisp", ".md": "markdown",
    ".html": "html", ".css": "css", ".json": "json", ".yaml": "yaml", ".yml": "yaml",
    ".toml": "toml", ".sql": "sql", ".zig": "zig", ".hs": "haskell", ".ex": "elixir",
}


def language_of(path: str) -> str:
    return LANGUAGES.get(Path(path).suffix.lower(), "plaintext")


def setup_logging(level: str, log_file: str | None) -> None:
    handler: logging.Handler = (
        logging.FileHandler(log_file, encoding="utf-8") if log_file
        else logging.StreamHandler(sys.stderr)
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(redact.RedactingFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(getattr(logging, level.upper(), logging.INFO))
    quiet = logging.DEBUG if level.upper() == "DEBUG" else logging.WARNING
    for name in ("pygls", "httpx", "httpcore"):
        logging.getLogger(name).setLevel(quiet)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ds-lsp", description="DeepSeek fill-in-the-middle completion language server.")
    parser.add_argument("--version", action="version", version=f"ds-lsp {__version__}")
    parser.add_argument("--tcp", action="store_true", help="serve LSP over TCP, not stdio")
    parser.add_argument("--stdio", action="store_true",
                        help="serve LSP over stdio (the default; accepted as clients pass it)")
    parser.add_argument("--host", default="127.0.0.1", help="TCP host (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=2087, help="TCP port (default 2087)")
    parser.add_argument("--log-file", help="write the log here instead of stderr")
    parser.add_argument("--log-level", default="INFO", help="DEBUG, INFO, WARNING, ERROR")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("check", help="check key, endpoint, model and balance")
    sub.add_parser("usage", help="requests, suggestions, tokens and estimated cost per day")
    complete = sub.add_parser("complete", help="print one completion at FILE:LINE:COL")
    complete.add_argument("target", help="FILE:LINE:COL, 1-based")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    setup_logging(args.log_level, args.log_file)
    redact.register(os.environ.get("DEEPSEEK_API_KEY"))
    if args.command == "check":
        from ds_lsp.check import run_check

        return asyncio.run(run_check())
    if args.command == "complete":
        return asyncio.run(complete_at(args.target))
    if args.command == "usage":
        return print_usage()
    return serve(args)


def serve(args: argparse.Namespace) -> int:
    from ds_lsp import fastinit, transport


    async def run_stdio() -> None:
        reader, writer = await transport.stdin_reader(), transport.StdoutWriter()
        first = await transport.read_frame(reader)
        early = fastinit.early_answer(first)
        if early is not None:  # answer initialize before the slow import of pygls
            writer.write(early[1])
        from ds_lsp.server import create_server

        server = create_server()
        server.protocol.set_writer(writer)
        if first:
            transport.handle_body(server.protocol, first, server.fast_handlers(),
                                  answered=early[0] if early else None)
        await transport.serve(reader, server.protocol, server.fast_handlers())

    async def run_tcp() -> None:
        from ds_lsp.server import create_server

        server = create_server()

        async def connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
            server.protocol.set_writer(writer)  # type: ignore[arg-type]
            await transport.serve(reader, server.protocol, server.fast_handlers())
            tcp.close()

        tcp = await asyncio.start_server(connection, args.host, args.port)
        logging.getLogger(__name__).info("listening on %s:%d", args.host, args.port)
        async with tcp:
            with contextlib.suppress(asyncio.CancelledError):
                await tcp.serve_forever()

    logging.getLogger(__name__).info("ds-lsp %s starting", __version__)
    try:
        asyncio.run(run_tcp() if args.tcp else run_stdio())
    except KeyboardInterrupt:
        return 0
    except BrokenPipeError:
        logging.getLogger(__name__).info("client went away")
        return 0
    return 0


def print_usage() -> int:
    """What the servers recorded per day in the state folder, with the estimated cost."""
    from ds_lsp import config, usage

    settings, _ = config.resolve()
    days = usage.load_days()
    prices = {"cache_hit": settings.price_cache_hit, "cache_miss": settings.price_cache_miss,
              "output": settings.price_output}
    print(f"Usage recorded in {usage.state_file()}")
    if not days:
        print("No completions recorded yet.")
        return 0
    for line in usage.report_lines(None, days, prices):
        print(line)
    return 0


async def complete_at(target: str) -> int:
    """One completion through the server's own pipeline, printed to stdout."""
    from ds_lsp import config
    from ds_lsp.documents import UTF32, DocumentStore
    from ds_lsp.engine import UI, Engine

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
    engine = Engine(settings, docs, UI(), root_path=str(Path.cwd()))
    try:
        sugg = await engine.complete(uri, line_no - 1, col_no - 1, invoked=True)
    finally:
        await engine.close()
    if sugg is None:
        print("ds-lsp complete: no suggestion (see the log above)", file=sys.stderr)
        return 1
    sys.stdout.write(sugg.text + "\n")
    return 0

"""`ds-lsp` arguments, logging, and which command runs.

Logging goes to stderr or --log-file, never to stdout (stdout is the LSP pipe in stdio mode).
At DEBUG the log holds code and suggestions, so --log-file is created 0600, never through a
symbolic link, and an existing file is appended to only when it is the user's own regular
file (made 0600); otherwise the log goes to stderr, with a line saying why.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import socket
import stat
import sys
from typing import TextIO

from ds_lsp import __version__, config, masking, redact

log = logging.getLogger(__name__)
SECRET_ENVIRONMENT = ("DEEPSEEK_API_KEY", "DS_LSP_TOKEN")


class LogFileRefused(Exception):
    """--log-file names something ds-lsp will not write its log to."""


def open_log_file(path: str) -> TextIO:
    """`path` for appending, created 0600; refused when it is a symbolic link, not a regular
    file, or another user's."""
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NONBLOCK  # a FIFO must not block
    flags |= getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags, 0o600)
    except OSError as exc:
        raise LogFileRefused(_why_not(path, exc)) from None
    try:
        _check_own_regular_file(fd)
    except LogFileRefused:
        os.close(fd)
        raise
    os.set_blocking(fd, True)
    return os.fdopen(fd, "a", encoding="utf-8", errors="backslashreplace")


def _why_not(path: str, exc: OSError) -> str:
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return exc.strerror or str(exc)
    if stat.S_ISLNK(mode):
        return "it is a symbolic link"
    return "it is not a regular file" if not stat.S_ISREG(mode) else exc.strerror or str(exc)


def _check_own_regular_file(fd: int) -> None:
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        raise LogFileRefused("it is not a regular file")
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        raise LogFileRefused("it belongs to another user")


def setup_logging(level: str, log_file: str | None) -> None:
    said = None
    stream: TextIO = sys.stderr
    if log_file:
        try:
            stream = open_log_file(log_file)
        except LogFileRefused as exc:
            said = f"--log-file {log_file}: not used, {exc}; logging to stderr"
        else:
            if os.fstat(stream.fileno()).st_mode & 0o077 and level.upper() == "DEBUG":
                said = f"--log-file {log_file} is readable by other users; at DEBUG it holds code"
    handler = _stderr_handler() if stream is sys.stderr else logging.StreamHandler(stream)
    handler.setFormatter(
        masking.RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(getattr(logging, level.upper(), logging.INFO))
    quiet = logging.DEBUG if level.upper() == "DEBUG" else logging.WARNING
    for name in ("pygls", "httpx", "httpcore"):
        logging.getLogger(name).setLevel(quiet)
    if said:
        log.warning("%s", said)


def _stderr_handler() -> logging.Handler:
    """Log lines to stderr, unless stderr is the LSP socket itself (inetd): then nowhere."""
    from ds_lsp.lsp.serve import stderr_shares_stdout

    if stderr_shares_stdout():
        return logging.NullHandler()
    return logging.StreamHandler(sys.stderr)


def logging_flags(default: object) -> argparse.ArgumentParser:
    """--log-file and --log-level, accepted before and after a subcommand."""
    flags = argparse.ArgumentParser(add_help=False)
    flags.add_argument("--log-file", default=default, help="write the log here, not stderr")
    flags.add_argument("--log-level", default=default, help="DEBUG, INFO, WARNING, ERROR")
    return flags


def register_environment_secrets() -> None:
    """Every backend's key (and the TCP token) from the environment, masked in all output."""
    keys = [f.metadata["env"] for f in config.FIELDS.values() if f.metadata["role"] == "key"]
    for name in (*SECRET_ENVIRONMENT, *keys):
        if name:
            redact.register(os.environ.get(name))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ds-lsp",
        description="DeepSeek fill-in-the-middle completion language server. Your editor "
        "starts it (LSP over stdio); `ds-lsp check` tells whether key, endpoint and model work.",
        parents=[logging_flags(None)],
    )
    parser.add_argument("--version", action="version", version=f"ds-lsp {__version__}")
    parser.add_argument("--tcp", action="store_true", help="serve LSP over TCP, not stdio")
    parser.add_argument(
        "--stdio",
        action="store_true",
        help="serve LSP over stdio (the default; accepted as clients pass it)",
    )
    parser.add_argument("--host", default="127.0.0.1", help="TCP host (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=2087, help="TCP port (default 2087)")
    parser.add_argument(
        "--socket", metavar="PATH", help="serve LSP on a Unix socket (mode 0600), not stdio"
    )
    parser.add_argument(
        "--token",
        default=os.environ.get("DS_LSP_TOKEN") or None,
        help="TCP/socket: the initialize request must carry this as "
        "initializationOptions.token (default $DS_LSP_TOKEN; prefer the variable: "
        "arguments show in ps)",
    )
    parser.add_argument(
        "--allow-remote",
        action="store_true",
        help="let --host name a non-loopback address (anyone who reaches it spends your key)",
    )
    sub = parser.add_subparsers(dest="command")
    later = [logging_flags(argparse.SUPPRESS)]  # do not reset what was given before
    sub.add_parser("check", help="check key, endpoint, model and balance", parents=later)
    sub.add_parser(
        "usage", help="requests, suggestions, tokens and estimated cost per day", parents=later
    )
    complete = sub.add_parser(
        "complete", help="print one completion at FILE:LINE:COL (1-based)", parents=later
    )
    complete.add_argument("target", metavar="FILE:LINE:COL", help="1-based line and column")
    complete.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a setting for this run, e.g. --set maxLines=3 (repeatable)",
    )
    complete.add_argument(
        "--show-prompt", action="store_true", help="print the prompt instead of asking upstream"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    register_environment_secrets()
    level = args.log_level or ("WARNING" if args.command in ("check", "usage") else "INFO")
    setup_logging(level, args.log_file)
    if args.command == "check":
        from ds_lsp.cli.check import run_check

        return asyncio.run(run_check())
    if args.command == "complete":
        from ds_lsp.cli.complete import complete_at

        return asyncio.run(complete_at(args.target, args.set, args.show_prompt))
    if args.command == "usage":
        from ds_lsp.cli.usage import print_usage

        return print_usage()
    return serve(args)


def serve(args: argparse.Namespace) -> int:
    """The language server until its client goes away."""
    from ds_lsp.lsp import serve as lsp_serve

    if not (args.tcp or args.socket) and sys.stdin.isatty():
        print(
            "ds-lsp is a language server: your editor starts it and talks LSP on stdin/stdout. "
            "Try `ds-lsp check`, `ds-lsp --help`, or see editors/README.md. (Ctrl-D to quit)",
            file=sys.stderr,
        )
    if args.tcp and args.socket:
        print("ds-lsp: use --tcp or --socket, not both", file=sys.stderr)
        return 2
    if args.socket and not hasattr(socket, "AF_UNIX"):
        print("ds-lsp: --socket needs Unix sockets; use --tcp here", file=sys.stderr)
        return 2
    if args.tcp and not lsp_serve.is_loopback_host(args.host):
        if not args.allow_remote:
            print(
                f"ds-lsp: --host {args.host} is reachable from other machines, and whoever "
                "connects completes code on your API key. Add --allow-remote to mean it "
                "(with --token), or use 127.0.0.1.",
                file=sys.stderr,
            )
            return 2
        warning = f"WARNING: ds-lsp listens on {args.host}, reachable from other machines"
        if not args.token:
            warning += ", without a token: anyone who connects spends your API key"
        print(warning, file=sys.stderr)
        log.warning("%s", warning)
    redact.register(args.token)
    log.info("ds-lsp %s starting", __version__)
    if args.token and not (args.tcp or args.socket):
        log.info("--token/DS_LSP_TOKEN applies to --tcp and --socket; stdio ignores it")
    if args.socket:
        work = lsp_serve.run_unix(args.socket, args.token)
    elif args.tcp:
        work = lsp_serve.run_tcp(args.host, args.port, args.token)
    else:
        work = lsp_serve.run_stdio()
    try:
        asyncio.run(work)
    except KeyboardInterrupt:
        return 0
    except BrokenPipeError:
        log.info("client went away")
        return 0
    return 0

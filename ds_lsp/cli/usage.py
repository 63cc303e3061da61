"""`ds-lsp usage`: what the servers recorded per day, with the estimated cost."""

from __future__ import annotations

from ds_lsp import config, usage


def print_usage() -> int:
    settings, _ = config.resolve()
    print(f"Usage recorded in {usage.state_file()}")
    try:
        days, problem = usage.read_days()
    except usage.Unreadable as exc:
        print(f"ds-lsp usage: {exc}")
        return 1
    if problem:
        print(f"The usage file is {problem}; the next save moves it aside and starts anew.")
    if not days:
        print("No completions recorded yet.")
        return 0
    for line in usage.report_lines(None, days, usage.prices(settings)):
        print(line)
    return 0

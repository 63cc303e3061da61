"""`ds-lsp usage`: what the servers recorded per day, with the estimated cost."""

from __future__ import annotations

from ds_lsp import config, usage


def print_usage() -> int:
    settings, _ = config.resolve()
    days = usage.load_days()
    print(f"Usage recorded in {usage.state_file()}")
    if not days:
        print("No completions recorded yet.")
        return 0
    for line in usage.report_lines(None, days, usage.prices(settings)):
        print(line)
    return 0

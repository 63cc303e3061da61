"""tests/mock_deepseek.py run as a process, with a "model" that tolerates prompt openings.

The mock's `predict` continues a prompt by finding its last 300 characters in the known file.
ds-lsp may open a prompt with lines the file lacks (a path header, other files' context);
for a short prompt those lines fall inside the 300 characters and nothing is found. This
`predict` drops whole lines from the start of the tail until the rest is found, so the
model knows the file whatever the prompt opens with.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests import mock_deepseek


def predict(source: str, body: dict, lines: int = 1) -> str:
    prompt = str(body.get("prompt", body.get("input_prefix", "")))
    tail = prompt[-300:]
    at = source.rfind(tail)
    while at < 0:
        nl = tail.find("\n")
        if nl < 0:
            return ""
        tail = tail[nl + 1 :]
        at = source.rfind(tail)
    end = start = at + len(tail)
    for _ in range(lines + 1):
        nl = source.find("\n", end)
        if nl < 0:
            end = len(source)
            break
        end = nl + 1
    return source[start:end].rstrip("\n")


mock_deepseek.predict = predict

if __name__ == "__main__":
    raise SystemExit(mock_deepseek.main())

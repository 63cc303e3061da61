"""ds-lsp.generateCodeBlock: write a block of code from an instruction (chat prefix completion).

Placeholder until the generate feature lands: answers without touching the document.
"""

from __future__ import annotations

from typing import Any


async def execute(ls: Any, args: list[Any]) -> dict[str, Any]:
    return {"applied": False, "text": ""}


def code_actions(ls: Any, params: Any) -> list[Any]:
    return []

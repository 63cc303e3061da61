"""Waiting on events in tests: poll a condition the test cannot await directly."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any


async def wait_until(predicate: Callable[[], Any], timeout: float = 10.0) -> None:
    """Return as soon as `predicate()` holds; fail after `timeout` seconds.

    For conditions that arrive from another process or task without an awaitable of their
    own (a notification the client stored, a request the mock server recorded).
    """
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not predicate():
        if loop.time() > end:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.005)


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float = 10.0) -> None:
    """Repeat an async `check` (one that itself talks to the server) until it holds.

    For effects with no signal of their own, such as settings the server pulls through a
    `workspace/configuration` round trip of its own timing.
    """
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not await check():
        if loop.time() > end:
            raise AssertionError("condition not met in time")

"""The frame reader: well-formed frames, every kind of wrong Content-Length, and resync."""

from __future__ import annotations

import asyncio
import json

import pytest

from ds_lsp.lsp.frames import FrameError, FrameReader, too_deep


def body(msg_id: int) -> bytes:
    return json.dumps({"jsonrpc": "2.0", "id": msg_id, "method": "shutdown"}).encode()


def frame(data: bytes, length: int | str | None = None) -> bytes:
    declared = len(data) if length is None else length
    return b"Content-Length: %s\r\n\r\n" % str(declared).encode() + data


async def read_all(data: bytes, **options: float) -> list[bytes | FrameError]:
    stream = asyncio.StreamReader()
    stream.feed_data(data)
    stream.feed_eof()
    reader = FrameReader(stream, **options)  # type: ignore[arg-type]
    out: list[bytes | FrameError] = []
    while (item := await reader.next()) is not None:
        out.append(item)
    return out


async def test_well_formed_frames_come_out_whole() -> None:
    data = frame(body(1)) + b"Content-Type: application/vscode-jsonrpc\r\n" + frame(body(2))
    assert await read_all(data) == [body(1), body(2)]


async def test_blank_lines_between_frames_and_bare_newlines_are_accepted() -> None:
    data = b"\r\n\r\n" + b"Content-Length: %d\n\n" % len(body(1)) + body(1) + b"\n" + frame(body(2))
    assert await read_all(data) == [body(1), body(2)]


async def test_too_small_gives_the_cut_body_then_resyncs_on_the_next_frame() -> None:
    out = await read_all(frame(body(1), len(body(1)) - 5) + frame(body(2)))
    assert out == [body(1)[:-5], body(2)]


async def test_too_large_is_answered_with_its_id_and_the_next_frame_is_served() -> None:
    out = await read_all(frame(body(1), len(body(1)) + 500) + frame(body(2)) + frame(body(3)))
    assert isinstance(out[0], FrameError) and out[0].msg_id == 1
    assert "larger than the body" in out[0].message
    assert out[1:] == [body(2), body(3)]


async def test_too_large_when_the_following_frames_fill_it_still_resyncs() -> None:
    out = await read_all(frame(body(1), len(body(1)) + 30) + frame(body(2)) + frame(body(3)))
    assert isinstance(out[0], FrameError) and out[0].msg_id == 1
    assert out[1:] == [body(2), body(3)]


async def test_too_large_with_nothing_after_it_is_answered_once_input_stalls() -> None:
    stream = asyncio.StreamReader()
    stream.feed_data(frame(body(1), len(body(1)) + 500))
    reader = FrameReader(stream, stall=0.05)
    first = await reader.next()
    assert isinstance(first, FrameError) and first.msg_id == 1
    stream.feed_data(frame(body(2)))
    assert await reader.next() == body(2)


@pytest.mark.parametrize(
    "header",
    [
        b"Content-Type: application/json\r\n\r\n",  # missing
        b"Content-Length: -5\r\n\r\n",
        b"Content-Length: abc\r\n\r\n",
        b"Content-Length: 12abc\r\n\r\n",
        b"Content-Length: \r\n\r\n",
        b"Content-Length: 99999999999999999999999\r\n\r\n",
        b"Content-Length: 5\r\nContent-Length: 6\r\n\r\n",
    ],
    ids=["missing", "negative", "word", "trailing-junk", "empty", "huge-number", "conflicting"],
)
async def test_a_bad_content_length_is_answered_and_the_next_frame_served(header: bytes) -> None:
    out = await read_all(header + body(1) + frame(body(2)))
    assert len(out) == 2 and isinstance(out[0], FrameError)
    assert out[1] == body(2)


async def test_a_cut_tail_that_looks_like_a_header_still_resyncs() -> None:
    text = json.dumps({"jsonrpc": "2.0", "method": "x", "params": {"t": "abc note: hi"}})
    cut = text.index("note")
    out = await read_all(frame(text.encode(), cut) + frame(body(2)))
    assert out == [text.encode()[:cut], body(2)]


async def test_garbage_between_frames_is_skipped() -> None:
    out = await read_all(frame(body(1)) + b'hello there}\r\n{"x": 1}' + frame(body(2)))
    assert out == [body(1), body(2)]


async def test_a_header_that_never_ends_is_dropped() -> None:
    out = await read_all(b"X" * 20000 + frame(body(2)))
    assert out == [body(2)]


async def test_an_oversized_frame_is_answered_then_dropped_without_buffering_it() -> None:
    stream = asyncio.StreamReader()
    reader = FrameReader(stream, max_frame=1000)
    stream.feed_data(b"Content-Length: 300000\r\n\r\n")
    first = await reader.next()
    assert isinstance(first, FrameError) and "over the 1000 byte limit" in first.message
    peak = 0

    async def feed() -> None:
        nonlocal peak
        for _ in range(30):
            stream.feed_data(b"x" * 10000)
            await asyncio.sleep(0)
            peak = max(peak, reader.buffered)
        stream.feed_data(frame(body(2)))

    feeding = asyncio.ensure_future(feed())
    assert await reader.next() == body(2)
    await feeding
    assert peak <= 70_000  # a chunk and a short tail, never the frame


async def test_an_oversized_length_that_lies_stops_at_the_next_header() -> None:
    out = await read_all(b"Content-Length: 999999999999\r\n\r\n" + body(1) + frame(body(2)))
    assert isinstance(out[0], FrameError) and out[1:] == [body(2)]


async def test_end_of_input_inside_a_body_ends_the_frames() -> None:
    assert await read_all(frame(body(1))[:-3]) == []


def test_nesting_depth_is_measured_without_recursion() -> None:
    deep: list = []
    for _ in range(100_000):
        deep = [deep]
    assert too_deep(deep)
    assert not too_deep({"params": {"a": [1, {"b": 2}]}})

"""A small asyncio HTTP/1.1 client for the benchmarks: keep-alive when the server allows it,
fixed concurrency (closed loop) or a fixed arrival rate (open loop), per-request latency."""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass
class Reply:
    """One request's outcome; status 0 means the connection failed."""

    status: int
    headers: dict[str, str]
    body: bytes
    header_bytes: int
    started: float
    finished: float
    error: str = ""

    @property
    def latency(self) -> float:
        return self.finished - self.started


@dataclass
class Run:
    """The replies of one load run and how long it took from first send to last reply."""

    replies: list[Reply] = field(default_factory=list)
    elapsed: float = 0.0
    stopped_early: bool = False

    @property
    def throughput(self) -> float:
        return len(self.replies) / self.elapsed if self.elapsed else 0.0


def build_request(
    method: str, path: str, host: str, headers: dict[str, str] | None = None, body: bytes = b""
) -> bytes:
    """The bytes of an HTTP/1.1 request."""
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}"]
    for name, value in (headers or {}).items():
        lines.append(f"{name}: {value}")
    if body or method in ("POST", "PUT", "PATCH"):
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


async def read_reply(
    reader: asyncio.StreamReader, method: str = "GET"
) -> tuple[int, dict[str, str], bytes, int]:
    """(status, lower-cased headers, raw body as sent, header byte count) of one response."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if not line:
            continue
        name, _, value = line.partition(":")
        name = name.strip().lower()
        value = value.strip()
        # Set-Cookie may repeat; keep every one, separated by a newline.
        headers[name] = f"{headers[name]}\n{value}" if name in headers else value
    if method == "HEAD" or status in (204, 304) or 100 <= status < 200:
        body = b""
    elif "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        parts = []
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                await reader.readuntil(b"\r\n")
                break
            parts.append(await reader.readexactly(size))
            await reader.readexactly(2)
        body = b"".join(parts)
    else:
        body = await reader.read()
    return status, headers, body, len(head)


class Connection:
    """One client connection that reconnects when the server closes it (gunicorn's sync workers
    close after every response, so there each request pays for its own TCP connect)."""

    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port = port
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            with contextlib.suppress(OSError):
                await self._writer.wait_closed()
        self._reader = self._writer = None

    async def request(self, raw: bytes, method: str = "POST") -> Reply:
        started = time.perf_counter()
        for attempt in (1, 2):
            reused = self._writer is not None
            try:
                if self._writer is None:
                    self._reader, self._writer = await asyncio.open_connection(self.host, self.port)
                assert self._reader is not None
                self._writer.write(raw)
                await self._writer.drain()
                status, headers, body, header_bytes = await read_reply(self._reader, method)
            except (OSError, asyncio.IncompleteReadError, ValueError) as problem:
                await self.close()
                if reused and attempt == 1:
                    continue  # a kept-alive connection the server had already closed
                return Reply(0, {}, b"", 0, started, time.perf_counter(), repr(problem))
            finished = time.perf_counter()
            if headers.get("connection", "").lower() == "close":
                await self.close()
            return Reply(status, headers, body, header_bytes, started, finished)
        raise AssertionError("unreachable")


async def fetch(
    host: str,
    port: int,
    method: str,
    path: str,
    headers: dict[str, str] | None = None,
    body: bytes = b"",
) -> Reply:
    """One request on a fresh connection."""
    connection = Connection(host, port)
    try:
        raw = build_request(method, path, f"{host}:{port}", headers, body)
        return await connection.request(raw, method)
    finally:
        await connection.close()


async def closed_loop(
    host: str, port: int, requests: Sequence[bytes], concurrency: int, time_limit: float
) -> Run:
    """Send requests over `concurrency` connections, each sending its next request as soon as
    the previous reply arrives; stop handing out new ones after time_limit seconds."""
    run = Run()
    next_index = 0
    start = time.perf_counter()
    deadline = start + time_limit

    async def connection_loop() -> None:
        nonlocal next_index
        connection = Connection(host, port)
        try:
            while next_index < len(requests):
                if time.perf_counter() > deadline:
                    run.stopped_early = True
                    return
                raw = requests[next_index]
                next_index += 1
                run.replies.append(await connection.request(raw))
        finally:
            await connection.close()

    await asyncio.gather(*(connection_loop() for _ in range(concurrency)))
    run.elapsed = time.perf_counter() - start
    return run


async def open_loop(host: str, port: int, requests: Sequence[bytes], rate: float) -> Run:
    """Send request i at start + i/rate on its own connection, whether or not earlier replies
    have arrived (so a slow server cannot slow the arrivals down)."""
    run = Run()
    start = time.perf_counter()
    tasks = []

    async def one(raw: bytes) -> None:
        connection = Connection(host, port)
        try:
            run.replies.append(await connection.request(raw))
        finally:
            await connection.close()

    for index, raw in enumerate(requests):
        delay = start + index / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(raw)))
    await asyncio.gather(*tasks)
    run.elapsed = time.perf_counter() - start
    return run


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile (fraction in 0..1) of values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(fraction * len(ordered))))
    return ordered[rank - 1]

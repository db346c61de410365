"""A TCP proxy that makes loopback behave like a real network: one-way delay and a bandwidth cap.

It sits in front of the sandbox (or any TCP server on 127.0.0.1) and forwards bytes both ways,
each chunk released `delay` seconds after it arrived, in order, so a request/answer exchange
costs one round trip of 2 x delay. Opening a connection costs one round trip too (the TCP
handshake a real network has): the first bytes a client sends on a new connection reach the
server one round trip later than on an open connection (TLS would add one more; not modelled).
With `rate` (bytes per second), each direction is a shared link of that capacity (a token bucket
across all connections), as the one uplink of a CI runner is. With `tls` (a server SSLContext),
the proxy ends TLS behind the delay, as Marketplace's edge does: the client speaks https to the
proxy, every handshake record takes the delay, and the sandbox behind it stays plain http.

Used by the benchmarks only; it runs its own event loop on a helper thread:

    with LatencyProxy(("127.0.0.1", sandbox_port), delay=0.05) as proxy:
        url = f"http://127.0.0.1:{proxy.port}"
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

CHUNK = 64 * 1024


@dataclass
class _Link:
    """One direction's capacity, shared by every connection (None: unlimited)."""

    rate: float | None
    _free_at: float = field(default=0.0)

    async def pass_bytes(self, size: int) -> None:
        if not self.rate:
            return
        now = time.monotonic()
        start = max(now, self._free_at)
        self._free_at = start + size / self.rate
        await asyncio.sleep(self._free_at - now)


@dataclass
class Counters:
    connections: int = 0
    opened: list[float] = field(default_factory=list)  # time.time() of each accept (for traces)
    upstream_bytes: int = 0
    downstream_bytes: int = 0


class LatencyProxy:
    def __init__(
        self,
        target: tuple[str, int],
        *,
        delay: float = 0.05,
        rate: float | None = None,
        handshake: bool = True,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        self.target = target
        self.tls = tls
        self._upstream = target  # where the delayed bytes go: the target, or the TLS end
        self.delay = delay
        self.handshake = handshake
        self.port = 0
        self.counters = Counters()
        self._up = _Link(rate)
        self._down = _Link(rate)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: asyncio.base_events.Server | None = None
        self._tls_end: asyncio.base_events.Server | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._serving: set[asyncio.Task[Any]] = set()

    def __enter__(self) -> LatencyProxy:
        self._thread.start()
        self.port = self._call(self._start())
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._call(self._stop())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)

    def _call(self, coroutine: Awaitable[Any]) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout=30)  # type: ignore[arg-type]

    async def _start(self) -> int:
        if self.tls is not None:
            self._tls_end = await asyncio.start_server(self._end_tls, "127.0.0.1", 0, ssl=self.tls)
            self._upstream = ("127.0.0.1", int(self._tls_end.sockets[0].getsockname()[1]))
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        return int(self._server.sockets[0].getsockname()[1])

    async def _stop(self) -> None:
        for server in (self._server, self._tls_end):
            if server is not None:
                server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await asyncio.gather(*self._serving, return_exceptions=True)

    async def _serve(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        self.counters.connections += 1
        self.counters.opened.append(time.time())
        # TCP's handshake: the client's first byte leaves one round trip after its SYN, and then
        # takes the one-way delay like any other: 3 x delay after the connection was opened.
        first_due = time.monotonic() + (3 * self.delay if self.handshake else 0.0)
        await self._relay(
            client_w,
            self._upstream,
            lambda server_r, server_w: (
                self._pump(client_r, server_w, self._up, first_due, "up"),
                self._pump(server_r, client_w, self._down, 0.0, "down"),
            ),
        )

    async def _end_tls(
        self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter
    ) -> None:
        """Behind the delay: the TLS handshake is done (asyncio did it); plain bytes to the target,
        no delay of their own."""
        await self._relay(
            client_w,
            self.target,
            lambda server_r, server_w: (_copy(client_r, server_w), _copy(server_r, client_w)),
        )

    async def _relay(
        self,
        client_w: asyncio.StreamWriter,
        target: tuple[str, int],
        pumps_for: Callable[
            [asyncio.StreamReader, asyncio.StreamWriter], tuple[Awaitable[None], Awaitable[None]]
        ],
    ) -> None:
        """Connect to `target` and run both directions' pumps until both end; waited for at stop
        (its pumps are cancelled), so none is left pending."""
        current = asyncio.current_task()
        if current is not None:
            self._serving.add(current)
        try:
            try:
                server_r, server_w = await asyncio.open_connection(*target)
            except OSError:
                client_w.close()
                return
            pumps = [asyncio.ensure_future(pump) for pump in pumps_for(server_r, server_w)]
            self._tasks.update(pumps)
            try:
                await asyncio.gather(*pumps, return_exceptions=True)
            finally:
                self._tasks.difference_update(pumps)
                for writer in (client_w, server_w):
                    with contextlib.suppress(Exception):
                        writer.close()
        finally:
            if current is not None:
                self._serving.discard(current)

    async def _pump(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        link: _Link,
        not_before: float,
        direction: str,
    ) -> None:
        queue: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()

        async def receive() -> None:
            while True:
                data = await reader.read(CHUNK)
                await queue.put((time.monotonic() + self.delay, data))
                if not data:
                    return

        receiving = asyncio.ensure_future(receive())
        try:
            while True:
                due, data = await queue.get()
                wait = max(due, not_before) - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
                if not data:
                    with contextlib.suppress(OSError):
                        writer.write_eof()
                    return
                await link.pass_bytes(len(data))
                if direction == "up":
                    self.counters.upstream_bytes += len(data)
                else:
                    self.counters.downstream_bytes += len(data)
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            return
        finally:
            receiving.cancel()


async def _copy(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(CHUNK):
            writer.write(data)
            await writer.drain()
        with contextlib.suppress(OSError, RuntimeError):  # RuntimeError: TLS has no half-close
            writer.write_eof()
    except (ConnectionError, OSError):
        return

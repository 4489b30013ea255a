"""uvicorn's server for the tests' servers on a thread, stopped as soon as it is asked.

uvicorn's main loop looks at ``should_exit`` every 0.1 s; a test suite stops hundreds of
servers, and each waited for that poll with nothing to do. ``PromptServer.stop()`` wakes the
loop at once; the shutdown itself is uvicorn's own (connections closed, lifespan shutdown).
"""

from __future__ import annotations

import asyncio
import contextlib

import uvicorn

TICK_S = 0.1  # uvicorn's own tick: the date header and the should_exit check


class PromptServer(uvicorn.Server):
    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.Event | None = None

    async def main_loop(self) -> None:
        """uvicorn's loop (``on_tick`` every 0.1 s), also woken by ``stop()``."""
        self._wake = asyncio.Event()
        self._loop = asyncio.get_running_loop()
        counter = 0
        while not await self.on_tick(counter):
            counter = (counter + 1) % 864_000
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=TICK_S)

    def stop(self) -> None:
        """Ask the server to shut down, from any thread."""
        self.should_exit = True
        loop, wake = self._loop, self._wake
        if loop is not None and wake is not None:
            with contextlib.suppress(RuntimeError):  # the loop has already ended
                loop.call_soon_threadsafe(wake.set)

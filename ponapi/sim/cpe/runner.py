"""Many CPEs in one process (one asyncio task each), cloned from dumps, and a thread-hosted
runner for synchronous callers (tests, benchmarks)."""

from __future__ import annotations

import asyncio
import concurrent.futures
import copy
import threading
from collections.abc import Awaitable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

from ponapi.sim.cpe.cpe import Cpe, Knobs
from ponapi.sim.cpe.model import DataModel, load_document

T = TypeVar("T")


def clone_serial(serial: str, index: int) -> str:
    """The dump's own serial for index 0; else its last 4 characters become the index in hex
    (``48575443A94196A5`` -> ``48575443A9410001``), which keeps vendor serials valid."""
    if index == 0:
        return serial
    return f"{serial[:-4]}{index:04X}"


class Fleet:
    def __init__(self, acs_url: str, knobs: Knobs | None = None, host: str = "127.0.0.1") -> None:
        self.acs_url = acs_url
        self.knobs = knobs or Knobs()
        self.host = host
        self.cpes: list[Cpe] = []

    def add(self, doc: dict[str, Any], serial: str | None = None) -> Cpe:
        knobs = copy.deepcopy(self.knobs)
        cpe = Cpe(DataModel(doc, serial), self.acs_url, knobs, self.host)
        self.cpes.append(cpe)
        return cpe

    def add_files(self, paths: list[Path], count: int = 1) -> list[Cpe]:
        out = []
        for path in paths:
            doc = load_document(path)
            base = str((doc.get("_deviceId") or {}).get("_SerialNumber") or "")
            for i in range(count):
                out.append(self.add(doc, clone_serial(base, i)))
        return out

    def by_serial(self, serial: str) -> Cpe:
        for cpe in self.cpes:
            if cpe.model.serial == serial:
                return cpe
        raise KeyError(serial)

    async def start(self, first_events: tuple[str, ...] = ("0 BOOTSTRAP", "1 BOOT")) -> None:
        for cpe in self.cpes:
            await cpe.start(first_events)

    async def stop(self) -> None:
        await asyncio.gather(*(cpe.stop() for cpe in self.cpes), return_exceptions=True)


class ThreadedLoop:
    """An event loop in a daemon thread: synchronous code runs coroutines on it with ``call``."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()

    def call(self, coro: Coroutine[Any, Any, T] | Awaitable[T], timeout: float = 60.0) -> T:
        future: concurrent.futures.Future[T] = asyncio.run_coroutine_threadsafe(
            coro,  # type: ignore[arg-type]
            self.loop,
        )
        return future.result(timeout)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)
        self.loop.close()

"""Password hashing with argon2id (argon2-cffi's recommended defaults).

A hash or a check costs tens of milliseconds of CPU: done on the event loop it stalls every
other request. ``PasswordWorkers`` runs them in a small thread pool of their own (argon2-cffi
releases the GIL while hashing) and bounds how many may run or wait at once, so a burst of
logins neither stalls the process nor piles up without limit.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
# Verified against when the user does not exist, so an unknown user costs as much as a known one.
_DUMMY_HASH = _hasher.hash("ponapi-timing-equaliser")

MIN_PASSWORD_LENGTH = 8
T = TypeVar("T")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


class PasswordWorkersBusy(Exception):
    """Every place for a password check is taken and none freed up in time."""


class PasswordWorkers:
    """``threads`` hashing threads; at most ``queue`` hashes running or waiting; a caller waits
    up to ``wait`` seconds for a place, then gets ``PasswordWorkersBusy``."""

    def __init__(self, threads: int, queue: int, wait: float) -> None:
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="argon2")
        self._slots = asyncio.Semaphore(max(queue, threads))
        self._wait = wait
        self.running = 0  # hashes running or waiting for a thread (a gauge for tests, metrics)

    async def _run(self, fn: Callable[..., T], *args: str | None) -> T:
        try:
            async with asyncio.timeout(self._wait):
                await self._slots.acquire()
        except TimeoutError as exc:
            raise PasswordWorkersBusy from exc
        self.running += 1
        try:
            return await asyncio.get_running_loop().run_in_executor(self._pool, fn, *args)
        finally:
            self.running -= 1
            self._slots.release()

    async def verify(self, password_hash: str | None, password: str) -> bool:
        return await self._run(verify_password, password_hash, password)

    async def hash(self, password: str) -> str:
        return await self._run(hash_password, password)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

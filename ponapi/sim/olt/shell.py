"""What every simulated vendor CLI shares: the connection's line I/O, the login prompts and the
command loop, the pager, and the fault knobs (``drop``, ``stall``, ``no_prompt``,
``endless_pager``)."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ponapi.sim.olt.server import OltSim


class Closed(Exception):
    pass


class Io:
    def __init__(self, read: Any, write: Any, close: Any) -> None:
        self._read, self._write, self.close = read, write, close
        self._pending = ""

    def write(self, text: str) -> None:
        self._write(text.replace("\n", "\r\n"))

    async def char(self) -> str:
        if not self._pending:
            data = await self._read(1024)
            if not data:
                raise Closed
            self._pending = data if isinstance(data, str) else data.decode("latin-1")
        c, self._pending = self._pending[0], self._pending[1:]
        return c

    async def line(self) -> str:
        out: list[str] = []
        while True:
            c = await self.char()
            if c in "\r\n":
                if c == "\r" and self._pending[:1] in ("\n", "\x00"):
                    self._pending = self._pending[1:]
                return "".join(out)
            if c == "\x00":
                continue
            out.append(c)


class Shell:
    user_prompt = "Username:"
    pass_prompt = "Password:"
    bad_login = "Bad password or username."
    limit_text = "Too many users"
    pager_erase = ""  # written after the pager's key (Huawei erases its pager line)

    def __init__(self, sim: OltSim, io: Io) -> None:
        self.sim, self.io = sim, io
        self.paging = True
        self.mode = ""

    async def run(self, authenticated: bool) -> None:
        sim = self.sim
        if not authenticated:
            for _ in range(3):
                self.io.write(self.user_prompt)
                user = await self.io.line()
                self.io.write("\n" + self.pass_prompt)
                password = await self.io.line()
                self.io.write("\n")
                if sim.login_delay:
                    await asyncio.sleep(sim.login_delay)
                if user == sim.username and password == sim.password:
                    break
                sim.failed_logins += 1
                self.io.write(self.bad_login + "\n")
            else:
                return
        if sim.active >= sim.max_sessions:
            self.io.write(self.limit_text + "\n")
            return
        sim.active += 1
        sim.logins += 1
        try:
            self.banner()
            while True:
                self.io.write(self.prompt())
                command = (await self.io.line()).strip()
                self.io.write(command + "\n")  # echo
                if not command:
                    continue
                sim.commands.append(command)
                if sim.fault == "stall":
                    await asyncio.sleep(3600)
                if sim.command_delay:
                    await asyncio.sleep(sim.command_delay)
                if not await self.handle(command):
                    return
        finally:
            sim.active -= 1

    def banner(self) -> None:
        raise NotImplementedError

    def prompt(self) -> str:
        raise NotImplementedError

    async def handle(self, command: str) -> bool:
        raise NotImplementedError

    async def emit(self, text: str, pager: str) -> None:
        """Write command output, paging if paging is on, honouring the fault knobs."""
        lines = text.split("\n")
        if self.sim.fault == "drop":
            self.io.write("\n".join(lines[: len(lines) // 2]) + "\n")
            await asyncio.sleep(0.01)
            raise Closed
        page = 20
        i = 0
        while i < len(lines):
            chunk = lines[i : i + page]
            self.io.write("\n".join(chunk) + "\n")
            i += page
            if (self.paging and i < len(lines)) or self.sim.fault == "endless_pager":
                self.io.write(pager)
                key = await self.io.char()
                if self.pager_erase:
                    self.io.write(self.pager_erase)
                if key in "qQ":
                    break
                if self.sim.fault == "endless_pager":
                    i = 0
        if self.sim.fault == "no_prompt":
            await asyncio.sleep(3600)

"""A CLI mode block (``InMode``) on a pooled session: entered level by level, left as many
levels as were entered, whatever the commands inside answered."""

from __future__ import annotations

import time

from ponapi.olt.errors import CommandFailed
from ponapi.olt.platforms.runner import InMode, flat_size
from ponapi.olt.pool import OltPool
from ponapi.olt.session import Target


class FakeSession:
    def __init__(self, refuse: set[str]) -> None:
        self.refuse = refuse
        self.sent: list[str] = []
        self.closed = False

    async def run(self, command: str, time_limit: float | None = None) -> str:
        self.sent.append(command)
        if command in self.refuse:
            raise CommandFailed(f"The OLT rejected '{command}'", "  Failure: no")
        return f"out of {command}"

    def close(self) -> None:
        self.closed = True


BLOCK = InMode(("config", "interface gpon 0/9"), ("display a", "display b"), "quit")


def pool() -> OltPool:
    return OltPool(Target("127.0.0.1", 1, "telnet", "u", "p", "huawei"))


async def test_a_mode_block_is_entered_run_and_left():
    session = FakeSession(refuse={"display a"})
    out = await pool()._commands(session, ["display x", BLOCK], time.monotonic() + 5)  # type: ignore[arg-type]
    assert len(out) == flat_size(["display x", BLOCK]) == 3
    assert out[0] == "out of display x" and isinstance(out[1], CommandFailed)
    assert out[2] == "out of display b"
    assert session.sent[1:] == [
        "config",
        "interface gpon 0/9",
        "display a",
        "display b",
        "quit",
        "quit",
    ]
    assert not session.closed


async def test_a_level_that_cannot_be_entered_skips_the_commands_and_leaves_only_what_was_entered():
    session = FakeSession(refuse={"interface gpon 0/9"})
    out = await pool()._commands(session, [BLOCK], time.monotonic() + 5)  # type: ignore[arg-type]
    assert all(isinstance(o, CommandFailed) for o in out) and len(out) == 2
    assert session.sent == ["config", "interface gpon 0/9", "quit"]  # back to privileged
    assert not session.closed


async def test_a_mode_that_cannot_be_left_drops_the_session():
    session = FakeSession(refuse={"quit"})
    out = await pool()._commands(session, [BLOCK], time.monotonic() + 5)  # type: ignore[arg-type]
    assert out == ["out of display a", "out of display b"]
    assert session.closed and session.sent.count("quit") == 1

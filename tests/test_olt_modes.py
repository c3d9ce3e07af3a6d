"""A CLI mode block (``InMode``) on a pooled session: entered level by level, left as many
levels as were entered, whatever the commands inside answered."""

from __future__ import annotations

import time

import pytest

from ponapi.errors import UpstreamTimeout
from ponapi.olt.errors import CommandFailed
from ponapi.olt.platforms import dialect_for
from ponapi.olt.platforms.runner import InMode
from ponapi.olt.pool import OltPool
from ponapi.olt.session import CliSession, Target
from ponapi.sim.olt import OltSim, demo_onus


def flat_size(commands) -> int:
    """How many outputs a runner returns: one per plain command, one per command in a mode."""
    return sum(len(c.commands) if isinstance(c, InMode) else 1 for c in commands)


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


# --- on the simulated Huawei OLT ----------------------------------------------------------------


@pytest.fixture
async def huawei():
    sim = OltSim(brand="huawei", model="MA5800-X7", password="pw", onus=demo_onus("huawei", 2))
    port = await sim.start_telnet()
    session = CliSession(
        Target("127.0.0.1", port, "telnet", "noc", "pw", "huawei"),
        dialect_for("huawei"),
        login_timeout=5,
        command_timeout=1.5,
    )
    await session.open()
    yield sim, session
    session.close()
    await sim.stop()


async def test_a_question_to_log_out_is_answered_no_at_once(huawei):
    """One ``quit`` too many asks "Are you sure to log out? (y/n)[n]:": answered no, the
    command ends at once (not after the caller's whole budget) and the session, whose mode was
    not the one meant, is closed."""
    sim, session = huawei
    start = time.monotonic()
    with pytest.raises(CommandFailed, match="asked to log out after 'quit'"):
        await session.run("quit", time_limit=60)
    assert time.monotonic() - start < 1.0
    assert not session.alive
    assert sim.commands[-1] == "quit"


async def test_each_command_waits_the_command_timeout_not_the_budget(huawei):
    sim, session = huawei
    sim.fault = "stall"
    start = time.monotonic()
    with pytest.raises(UpstreamTimeout):
        await session.run("display board 0", time_limit=60)
    assert time.monotonic() - start < 3.0  # the 1.5 s command timeout

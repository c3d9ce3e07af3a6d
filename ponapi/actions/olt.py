"""OLT CLI actions on one ONU: the flow of disable / enable (admin state) and reboot.

The vendor knowledge is the platform's (``ponapi.olt.platforms``, one module per vendor, with
the evidence for each command): the command that shows the ONU's state and its parser, the
commands that change it and the CLI mode each runs in, the questions they ask. The dialect
says whether the OLT rejected a command (its failure patterns) and how a mode is left. This
module keeps the order: read the state (and check that the ONU the OLT has at the registered
place is the one the action names: else nothing is sent), enter the mode level by level, run
the command, leave exactly the levels entered (none when the first could not be entered), read
the state again.

Commands are built only from the registry's integers (:class:`Location` refuses anything that
is not an integer in range), so no typed text can reach an OLT.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from ponapi.errors import ApiError, ErrorCode, UpstreamError
from ponapi.olt.dialect import Confirm, Dialect, ModeCommand
from ponapi.olt.location import Location
from ponapi.olt.platforms import Platform
from ponapi.olt.platforms.runner import AdminState, OnuState
from ponapi.serials import Serial


class Answer(StrEnum):
    OK = "ok"
    ALREADY = "already"
    OFFLINE = "offline"
    ERROR = "error"


FAILED = (Answer.ERROR, Answer.OFFLINE)


@dataclass(frozen=True)
class StepResult:
    answer: Answer
    detail: str = ""


@dataclass(frozen=True)
class Reply:
    """A command's output, and the line saying the OLT rejected it (None when it did not)."""

    text: str
    failure: str | None = None


class OltCli(Protocol):
    """One CLI session from the pool, in privileged mode. ``run`` sends one line (waiting at
    most the command timeout), answers ``confirm`` when its question appears, and returns the
    output with the dialect's verdict: a rejected command is a :class:`Reply` with its failure
    line, not an exception."""

    @property
    def dialect(self) -> Dialect: ...

    async def run(self, command: str, *, confirm: Confirm | None = None) -> Reply: ...


class ModeNotLeft(UpstreamError):
    """The OLT refused a line that leaves a mode: the session's mode is unknown (its caller
    closes it). The action's own outcome is named first."""


_ALREADY = re.compile(r"already|repeated", re.I)
_OFFLINE = re.compile(r"not online|is offline|offline", re.I)


def outcome(reply: Reply, *, offline: bool = False) -> StepResult:
    """The dialect's verdict, with "already in that state" (and, for commands that reach the
    ONU, "it is offline") told apart from a real error."""
    line = reply.failure
    if line is None:
        return StepResult(Answer.OK)
    if _ALREADY.search(line):
        return StepResult(Answer.ALREADY, line)
    if offline and _OFFLINE.search(line):
        return StepResult(Answer.OFFLINE, line)
    return StepResult(Answer.ERROR, line)


async def in_mode(cli: OltCli, block: ModeCommand, *, offline: bool = False) -> StepResult:
    """Enter ``block``'s mode level by level, run its command unless a level was refused, then
    leave the levels entered, once each (the dialect's way). Raises :class:`ModeNotLeft` when
    the OLT refuses to leave."""
    entered = 0
    result: StepResult | None = None
    for line in block.enter:
        step = outcome(await cli.run(line))
        if step.answer is not Answer.OK:
            result = StepResult(Answer.ERROR, step.detail)
            break
        entered += 1
    if result is None:
        result = outcome(await cli.run(block.command, confirm=block.confirm), offline=offline)
    for line in cli.dialect.leave(entered):
        reply = await cli.run(line)
        if reply.failure is not None:
            first = f"'{block.command}' answered: {result.detail}; " if result.detail else ""
            raise ModeNotLeft(
                f"{first}the OLT refused '{line}' ({reply.failure}); the CLI session was closed."
            )
    return result


class WrongOnu(ApiError):
    """The OLT has another ONU (or none) at the registered place: nothing was sent."""

    def __init__(self, where: Location, expect: Serial, found: Serial | None) -> None:
        place = f"{where.frame}/{where.slot}/{where.port} ONT {where.ont_id}"
        shown = f"ONU {found.canonical}" if found else "no ONU it can name"
        super().__init__(
            ErrorCode.CONFLICT,
            f"The OLT has {shown} at {place}, not {expect.canonical}; nothing was sent. The "
            "registry's place for this ONU is wrong: run a discovery or fix its registration.",
            message="Another ONU at this place on the OLT",
        )


def checked(reply: Reply, state: OnuState, where: Location, expect: Serial | None) -> OnuState:
    """``state`` when the OLT shows the expected serial at ``where`` (or none is expected).
    Refused when it shows another serial, or answers without one it can name; when the OLT
    rejected the read (a wrong slot or ONT id, or an OLT too busy to answer), nothing is sent
    either: the OLT's own line is the answer (a 502), since the serial was not verified."""
    if expect is None or state.serial == expect:
        return state
    if state.serial is None and reply.failure is not None:
        place = f"{where.frame}/{where.slot}/{where.port} ONT {where.ont_id}"
        raise UpstreamError(
            f"The OLT refused to show the ONU at {place} ({reply.failure}); nothing was sent, "
            f"since it could not be checked to be {expect.canonical}.",
            message="The OLT refused the command",
        )
    raise WrongOnu(where, expect, state.serial)


async def read_state(
    cli: OltCli, platform: Platform, where: Location, expect: Serial | None
) -> OnuState:
    """The ONU's state at ``where``, refused (:class:`WrongOnu`) when the OLT has another."""
    reply = await cli.run(platform.onu_state(where))
    return checked(reply, platform.parse_onu_state(reply.text), where, expect)


@dataclass(frozen=True)
class AdminChange:
    previous_state: AdminState | None
    new_state: AdminState | None
    answer: Answer
    detail: str = ""


async def change_admin_state(
    cli: OltCli,
    platform: Platform,
    where: Location,
    enable: bool,
    expect: Serial | None = None,
) -> AdminChange:
    """Read the state (the ONU there must be ``expect``), change it unless already there,
    read it again (the OLT's view)."""
    want: AdminState = "enabled" if enable else "disabled"
    block = platform.set_admin_state(where, enable)  # refuses unsupported platforms first
    reader = platform.onu_state(where)
    before = await read_state(cli, platform, where, expect)
    if before.admin == want:
        return AdminChange(before.admin, before.admin, Answer.ALREADY)
    result = await in_mode(cli, block)
    after = platform.parse_onu_state((await cli.run(reader)).text)
    if result.answer in FAILED:
        return AdminChange(before.admin, after.admin, result.answer, result.detail)
    if after.admin != want:
        return AdminChange(
            before.admin, after.admin, Answer.ERROR, f"the OLT still shows {after.raw_admin}"
        )
    return AdminChange(before.admin, after.admin, Answer.OK)


async def reboot(
    cli: OltCli, platform: Platform, where: Location, expect: Serial | None = None
) -> StepResult:
    """Reboot the ONU (answering the OLT's question) once the OLT shows ``expect`` there;
    OFFLINE when the OLT says it is."""
    block = platform.reboot(where)
    if expect is not None:
        await read_state(cli, platform, where, expect)
    return await in_mode(cli, block, offline=True)

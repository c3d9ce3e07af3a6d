"""OLT CLI actions on one ONU: disable / enable (admin state) and reboot, per platform.

Commands are built only from the registry's integers (:class:`OnuAddress` refuses anything that
is not a plain ``int`` in range), so no typed text can reach an OLT. Each :class:`Step` carries
its exact command line, the confirmation it may ask for and the parser of its answer (ok,
already in that state, ONU offline, error). Config mode is always left: the exit steps run even
when an action step failed (:func:`execute`).

Evidence (research notes "actions.md" §6, "olt-cli.md"; real captures in tests/fixtures/cli):

- Huawei: ``config`` -> ``interface gpon F/S`` (prompt ``(config-if-gpon-F/S)#``) and ``quit``
  to leave each level (``exit`` is not a command): **real captures** (EA5800 session log,
  ``error-unknown-command__1.txt``). ``ont activate P ID`` printing nothing on success: **real
  capture** (EA5800, conext-noc). ``ont deactivate P ID``: third-party tools only, no capture of
  its output. ``ont reset P ID`` and its ``(y/n)[n]:`` question, ``Failure: The ONT is not
  online``: third-party scripts only. ``display ont info F S P ID`` with ``Control flag :
  active|deactive`` and ``Run state``: **real captures** (``display-ont-info__*.txt``).
- ZTE C300/C320: ``show gpon onu detail-info gpon-onu_R/S/P:ID`` with ``Admin state`` and
  ``Phase state``: **real captures** (``show-gpon-onu-detail-info__*.txt``).
  ``configure terminal`` / ``end``: operator notes and tools. ``interface gpon-olt_R/S/P`` ->
  ``onu ID state disable|enable``: third-party code only (go-api-c320). ``pon-onu-mng
  gpon-onu_R/S/P:ID`` -> ``reboot`` with a ``[yes/no]`` question: third-party code (ONMT) and
  notes; the question's text was never captured.
- ZTE C600/C620/C650 (TITAN): ``pon-onu-mng gpon_onu-R/S/P:ID`` (prompt
  ``(config-gpon-onu-mng)#``, errors ``%Error 1403xx``): **real capture** of the mode and its
  help listing ``reboot``; the confirmation is unconfirmed. Disable/enable: **no source found**,
  so they are refused as not supported rather than guessed.

No vendor command reference was found for any of the action commands.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal, Protocol

from ponapi.actions.errors import NotSupportedError


class Platform(StrEnum):
    HUAWEI = "huawei"
    ZTE_C300 = "zte-c300"  # C300 / C320 ("ZXAN"), gpon-onu_R/S/P:ID
    ZTE_C600 = "zte-c600"  # C600 / C620 / C650 ("TITAN"), gpon_onu-R/S/P:ID


def platform_for(brand: str, model: str = "") -> Platform:
    """The registry's brand and model -> the CLI platform (the read drivers' rule)."""
    if brand.lower() == "huawei":
        return Platform.HUAWEI
    if brand.lower() == "zte":
        return Platform.ZTE_C600 if model.upper().startswith(("C6", "TITAN")) else Platform.ZTE_C300
    raise NotSupportedError("olt", f"no CLI actions for OLT brand {brand!r}")


_LIMITS = (("frame", 15), ("slot", 63), ("port", 127), ("onu_id", 255))


@dataclass(frozen=True)
class OnuAddress:
    """Where the ONU is, from the registry. Plain ints only (not bool, not str, not subclasses)."""

    frame: int
    slot: int
    port: int
    onu_id: int

    def __post_init__(self) -> None:
        for name, hi in _LIMITS:
            value = getattr(self, name)
            if type(value) is not int or not 0 <= value <= hi:
                raise ValueError(f"{name} must be an integer 0..{hi}")


class Answer(StrEnum):
    OK = "ok"
    ALREADY = "already"
    OFFLINE = "offline"
    ERROR = "error"


@dataclass(frozen=True)
class StepResult:
    answer: Answer
    detail: str = ""


@dataclass(frozen=True)
class Confirm:
    """A question the OLT may ask after the command, and what to answer."""

    question: re.Pattern[str]
    answer: str


@dataclass(frozen=True)
class Step:
    command: str
    parse: Callable[[str], StepResult]
    confirm: Confirm | None = None
    exit: bool = False  # leaves a mode: runs even after a failed step


_HUAWEI_FAIL = re.compile(
    r"^\s*(Failure:.*|%.*|The required ONT does not exist.*|Error:.*)$", re.M | re.I
)
_ZTE_FAIL = re.compile(r"^\s*(%Error \d+.*|% ?Invalid input.*|%Code \d+-\w+ ?:.*)$", re.M)
_ALREADY = re.compile(r"already|repeated", re.I)
_OFFLINE = re.compile(r"not online|is offline|offline", re.I)


def _parser(fail: re.Pattern[str], *, offline: bool = False) -> Callable[[str], StepResult]:
    def parse(text: str) -> StepResult:
        m = fail.search(text)
        if m is None:
            return StepResult(Answer.OK)
        line = m.group(1).strip()
        if _ALREADY.search(line):
            return StepResult(Answer.ALREADY, line)
        if offline and _OFFLINE.search(line):
            return StepResult(Answer.OFFLINE, line)
        return StepResult(Answer.ERROR, line)

    return parse


_HW = _parser(_HUAWEI_FAIL)
_HW_RESET = _parser(_HUAWEI_FAIL, offline=True)
_ZT = _parser(_ZTE_FAIL)
_ZT_REBOOT = _parser(_ZTE_FAIL, offline=True)
HUAWEI_RESET_CONFIRM = Confirm(re.compile(r"\(y/n\)(\[[yn]\])?:?\s*$", re.I), "y")
ZTE_CONFIRM = Confirm(re.compile(r"\[yes/no\]:?\s*$", re.I), "yes")


def _zte_onu(platform: Platform, a: OnuAddress) -> str:
    if platform is Platform.ZTE_C600:
        return f"gpon_onu-{a.frame}/{a.slot}/{a.port}:{a.onu_id}"
    return f"gpon-onu_{a.frame}/{a.slot}/{a.port}:{a.onu_id}"


def _huawei_in_port(a: OnuAddress, command: Step) -> list[Step]:
    return [
        Step("config", _HW),
        Step(f"interface gpon {a.frame}/{a.slot}", _HW),
        command,
        Step("quit", _HW, exit=True),  # interface -> config
        Step("quit", _HW, exit=True),  # config -> privileged
    ]


def read_state(platform: Platform, a: OnuAddress) -> Step:
    """The command that shows the ONU's admin and run state (privileged mode)."""
    if platform is Platform.HUAWEI:
        return Step(f"display ont info {a.frame} {a.slot} {a.port} {a.onu_id}", _HW)
    return Step(f"show gpon onu detail-info {_zte_onu(platform, a)}", _ZT)


AdminState = Literal["enabled", "disabled"]


@dataclass(frozen=True)
class OnuState:
    admin: AdminState | None
    online: bool | None
    raw_admin: str
    raw_run: str


def _field(text: str, label: str) -> str:
    m = re.search(rf"^\s*{label}\s*:\s*(\S+)", text, re.M | re.I)
    return m.group(1) if m else ""


def parse_state(platform: Platform, text: str) -> OnuState:
    """Huawei ``Control flag : active|deactive`` / ``Run state : online|offline``; ZTE
    ``Admin state: enable|disable`` / ``Phase state: working|LOS|DyingGasp|OffLine...``."""
    text = text.replace("\r", "")
    if platform is Platform.HUAWEI:
        flag, run = _field(text, "Control flag"), _field(text, "Run state")
        admin = {"active": "enabled", "deactive": "disabled", "deactivated": "disabled"}.get(
            flag.lower()
        )
        online = {"online": True, "offline": False}.get(run.lower())
    else:
        flag, run = _field(text, "Admin state"), _field(text, "Phase state")
        admin = {"enable": "enabled", "disable": "disabled"}.get(flag.lower())
        online = (run.lower() == "working") if run else None
    return OnuState(admin, online, flag, run)  # type: ignore[arg-type]


def set_admin_state(platform: Platform, a: OnuAddress, enable: bool) -> list[Step]:
    """Disable (suspend the ONU's service on the PON) or enable it again."""
    if platform is Platform.HUAWEI:
        verb = "activate" if enable else "deactivate"
        return _huawei_in_port(a, Step(f"ont {verb} {a.port} {a.onu_id}", _HW))
    if platform is Platform.ZTE_C300:
        word = "enable" if enable else "disable"
        return [
            Step("configure terminal", _ZT),
            Step(f"interface gpon-olt_{a.frame}/{a.slot}/{a.port}", _ZT),
            Step(f"onu {a.onu_id} state {word}", _ZT),
            Step("end", _ZT, exit=True),
        ]
    raise NotSupportedError(
        "disable" if not enable else "enable",
        "no confirmed command to change an ONU's admin state on ZTE C600/C650",
    )


def reboot(platform: Platform, a: OnuAddress) -> list[Step]:
    if platform is Platform.HUAWEI:
        step = Step(f"ont reset {a.port} {a.onu_id}", _HW_RESET, HUAWEI_RESET_CONFIRM)
        return _huawei_in_port(a, step)
    return [
        Step("configure terminal", _ZT),
        Step(f"pon-onu-mng {_zte_onu(platform, a)}", _ZT),
        Step("reboot", _ZT_REBOOT, ZTE_CONFIRM),
        Step("end", _ZT, exit=True),
    ]


class OltCli(Protocol):
    """One CLI session from the pool, in privileged mode. ``run`` sends one line, answers
    ``confirm`` when its question appears, and returns the output (a failure's text too:
    an adapter over ``CliSession.run`` returns ``CommandFailed.output`` instead of raising)."""

    async def run(self, command: str, *, confirm: Confirm | None = None) -> str: ...


async def execute(cli: OltCli, steps: Sequence[Step]) -> list[StepResult]:
    """Run ``steps`` in order. After the first step that fails (error or offline) the rest are
    skipped except the exit steps, so the session always returns to privileged mode."""
    results: list[StepResult] = []
    failed = False
    for step in steps:
        if failed and not step.exit:
            continue
        result = step.parse(await cli.run(step.command, confirm=step.confirm))
        results.append(result)
        if result.answer in (Answer.ERROR, Answer.OFFLINE) and not step.exit:
            failed = True
    return results


@dataclass(frozen=True)
class AdminChange:
    previous_state: AdminState | None
    new_state: AdminState | None
    answer: Answer
    detail: str = ""


async def change_admin_state(
    cli: OltCli, platform: Platform, a: OnuAddress, enable: bool
) -> AdminChange:
    """Read the state, change it unless already there, read it again (the OLT's view)."""
    want: AdminState = "enabled" if enable else "disabled"
    steps = set_admin_state(platform, a, enable)  # refuses unsupported platforms first
    reader = read_state(platform, a)
    before = parse_state(platform, await cli.run(reader.command))
    if before.admin == want:
        return AdminChange(before.admin, before.admin, Answer.ALREADY)
    results = await execute(cli, steps)
    bad = next((r for r in results if r.answer in (Answer.ERROR, Answer.OFFLINE)), None)
    after = parse_state(platform, await cli.run(reader.command))
    if bad is not None:
        return AdminChange(before.admin, after.admin, bad.answer, bad.detail)
    if after.admin != want:
        return AdminChange(
            before.admin, after.admin, Answer.ERROR, f"the OLT still shows {after.raw_admin}"
        )
    return AdminChange(before.admin, after.admin, Answer.OK)

"""OLT CLI actions: exact command sequences per platform (built by the platform modules, run
by the flow), answers classified from the dialects' failure patterns, states read from real
captures, a mode left once per level entered, and no typed text able to reach a command."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ponapi.actions import olt
from ponapi.actions.cli_flow import platform as action_platform
from ponapi.errors import NotSupported
from ponapi.olt.location import Location
from ponapi.olt.platforms import huawei, platform_for, zte
from tests.fixtures import CLI

A = Location(0, 3, 5, 56)
HW = platform_for("huawei", "MA5800-X7")
C300 = platform_for("zte", "C320")
C600 = platform_for("zte", "C600")
PLATFORMS = (HW, C300, C600)


class FakeCli:
    """The flow's view of a session: each command answers its text, judged by the dialect."""

    def __init__(self, platform, answers=None):
        self.dialect = platform.dialect
        self.answers = answers or {}
        self.sent = []

    async def run(self, command, *, confirm=None):
        self.sent.append((command, confirm.answer if confirm else None))
        answer = self.answers.get(command, "")
        text = answer.pop(0) if isinstance(answer, list) else answer
        failure = self.dialect.failure_line(text) or self.dialect.empty_line(text)
        return olt.Reply(text, failure)

    @property
    def commands(self):
        return [c for c, _ in self.sent]


async def sequence(platform, block, answers=None, **kw):
    cli = FakeCli(platform, answers)
    result = await olt.in_mode(cli, block, **kw)
    return cli, result


async def test_huawei_sequences():
    cli, _ = await sequence(HW, HW.set_admin_state(A, enable=False))
    assert cli.commands == ["config", "interface gpon 0/3", "ont deactivate 5 56", "quit", "quit"]
    assert HW.set_admin_state(A, enable=True).command == "ont activate 5 56"
    cli, _ = await sequence(HW, HW.reboot(A))
    assert cli.commands == ["config", "interface gpon 0/3", "ont reset 5 56", "quit", "quit"]
    confirm = HW.reboot(A).confirm
    assert confirm is huawei.RESET_CONFIRM and confirm.answer == "y"
    assert ("ont reset 5 56", "y") in cli.sent
    assert confirm.question.search("  Are you sure to reset the ONT(s)? (y/n)[n]:")
    assert HW.onu_state(A) == "display ont info 0 3 5 56"


async def test_zte_c300_sequences():
    cli, _ = await sequence(C300, C300.set_admin_state(A, enable=False))
    assert cli.commands == [
        "configure terminal",
        "interface gpon-olt_0/3/5",
        "onu 56 state disable",
        "end",
    ]
    assert C300.set_admin_state(A, enable=True).command == "onu 56 state enable"
    cli, _ = await sequence(C300, C300.reboot(A))
    assert cli.commands == ["configure terminal", "pon-onu-mng gpon-onu_0/3/5:56", "reboot", "end"]
    assert C300.reboot(A).confirm is zte.REBOOT_CONFIRM and zte.REBOOT_CONFIRM.answer == "yes"
    assert C300.onu_state(A) == "show gpon onu detail-info gpon-onu_0/3/5:56"


async def test_zte_c600_sequences_and_unconfirmed_disable():
    cli, _ = await sequence(C600, C600.reboot(Location(1, 2, 16, 26)))
    assert cli.commands == ["configure terminal", "pon-onu-mng gpon_onu-1/2/16:26", "reboot", "end"]
    assert C600.onu_state(A) == "show gpon onu detail-info gpon_onu-0/3/5:56"
    for enable in (True, False):
        with pytest.raises(NotSupported):
            C600.set_admin_state(A, enable=enable)


@pytest.mark.parametrize(
    ("brand", "model", "titan"),
    [("zte", "C320", False), ("zte", "C600", True), ("zte", "C650", True), ("zte", "", False)],
)
def test_actions_use_the_read_platforms(brand, model, titan):
    assert action_platform(brand, model).titan is titan
    assert isinstance(action_platform("huawei", "MA5800-X7"), huawei.HuaweiPlatform)


def test_unknown_brand_is_not_supported():
    with pytest.raises(NotSupported, match="no CLI actions for OLT brand 'fiberhome'"):
        action_platform("fiberhome", "AN5516")


# --- answers --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("", olt.Answer.OK),  # ont activate prints nothing (EA5800 capture)
        ("\n", olt.Answer.OK),
        ("  Failure: The ONT is not online\n", olt.Answer.OFFLINE),
        ("  Failure: The ONT does not exist\n", olt.Answer.ERROR),
        ("  % Parameter error, the error locates at '^'\n", olt.Answer.ERROR),
        ("  Failure: The ONT is already in this state\n", olt.Answer.ALREADY),
    ],
)
async def test_huawei_reset_answers(text, answer):
    _, result = await sequence(HW, HW.reboot(A), {"ont reset 5 56": text}, offline=True)
    assert result.answer is answer


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("", olt.Answer.OK),
        ("%Error 140303: Invalid input detected at '^' marker.\n", olt.Answer.ERROR),
        ("%Code 32310-GPONSRV : The ONU is offline.\n", olt.Answer.OFFLINE),
    ],
)
async def test_zte_reboot_answers(text, answer):
    _, result = await sequence(C300, C300.reboot(A), {"reboot": text}, offline=True)
    assert result.answer is answer


async def test_error_detail_is_the_devices_line():
    answers = {"interface gpon-olt_0/3/5": "%Error 140305: Incomplete command.\n"}
    _, result = await sequence(C300, C300.set_admin_state(A, enable=False), answers)
    assert result == olt.StepResult(olt.Answer.ERROR, "%Error 140305: Incomplete command.")


async def test_zte_no_such_onu_is_an_error_not_an_empty_answer():
    """``No related information`` is an empty read for the stats, but a missing ONU here."""
    answers = {
        "pon-onu-mng gpon-onu_0/3/5:56": "%Code 32310-GPONSRV : No related information to show.\n"
    }
    cli, result = await sequence(C300, C300.reboot(A), answers, offline=True)
    assert result.answer is olt.Answer.ERROR and "No related information" in result.detail
    assert cli.commands == ["configure terminal", "pon-onu-mng gpon-onu_0/3/5:56", "end"]


@pytest.mark.parametrize(
    ("name", "admin", "online"),
    [
        ("display-ont-info__1.txt", "enabled", None),
        ("display-ont-info__4.txt", "enabled", True),
        ("display-ont-info__5.txt", None, None),
    ],
)
def test_huawei_state_from_real_captures(name, admin, online):
    text = (CLI / "huawei" / name).read_text(errors="replace")
    flag = re.search(r"Control flag\s*:\s*(\S+)", text)
    run = re.search(r"Run state\s*:\s*(\S+)", text)
    state = HW.parse_onu_state(text)
    assert state.raw_admin == (flag.group(1) if flag else "")
    expected_admin = {"active": "enabled", "deactive": "disabled"}.get(state.raw_admin.lower())
    assert state.admin == expected_admin
    assert state.online == {"online": True, "offline": False}.get(
        run.group(1).lower() if run else ""
    )
    if admin:
        assert state.admin == admin
    if online is not None:
        assert state.online is online


@pytest.mark.parametrize(
    ("name", "online"),
    [
        ("show-gpon-onu-detail-info__1.txt", True),
        ("show-gpon-onu-detail-info__3.txt", False),
    ],
)
def test_zte_state_from_real_captures(name, online):
    state = C300.parse_onu_state((CLI / "zte" / name).read_text())
    assert state.admin == "enabled" and state.online is online


def test_deactivated_huawei_ont_reads_disabled():
    text = (CLI / "huawei" / "display-ont-info__4.txt").read_text(errors="replace")
    text = text.replace("Control flag            : active", "Control flag            : deactive")
    assert HW.parse_onu_state(text).admin == "disabled"


# --- modes: entered level by level, left once per level entered ------------------------------


async def test_a_failed_step_still_leaves_config_mode():
    cli, result = await sequence(
        HW, HW.reboot(A), {"ont reset 5 56": "  Failure: The ONT is not online\n"}, offline=True
    )
    assert cli.commands == ["config", "interface gpon 0/3", "ont reset 5 56", "quit", "quit"]
    assert result.answer is olt.Answer.OFFLINE


async def test_a_level_that_cannot_be_entered_is_not_left():
    """A refused ``interface gpon F/S`` (a wrong slot): one ``quit`` for ``config``, not two
    (the second would ask "Are you sure to log out?")."""
    answers = {"interface gpon 0/3": "  % Parameter error, the error locates at '^'\n"}
    cli, result = await sequence(HW, HW.set_admin_state(A, enable=False), answers)
    assert cli.commands == ["config", "interface gpon 0/3", "quit"]
    assert result == olt.StepResult(olt.Answer.ERROR, "% Parameter error, the error locates at '^'")


async def test_a_refused_config_mode_is_not_left_at_all():
    for platform, enter in ((HW, "config"), (C300, "configure terminal")):
        answers = {enter: "  % Unknown command, the error locates at '^'\n"}
        if platform is C300:
            answers = {enter: "%Error 20200: Invalid command\n"}
        cli, result = await sequence(platform, platform.reboot(A), answers)
        assert cli.commands == [enter] and result.answer is olt.Answer.ERROR


async def test_a_failed_mode_step_skips_the_action():
    answers = {"interface gpon-olt_0/3/5": "%Error 140303: Invalid input detected at '^' marker."}
    cli, _ = await sequence(C300, C300.set_admin_state(A, enable=False), answers)
    assert cli.commands == ["configure terminal", "interface gpon-olt_0/3/5", "end"]


async def test_a_mode_the_olt_will_not_leave_is_an_error_naming_both_answers():
    answers = {
        "ont reset 5 56": "  Failure: The ONT does not exist\n",
        "quit": ["", "  % Unknown command, the error locates at '^'\n"],
    }
    with pytest.raises(olt.ModeNotLeft) as caught:
        await sequence(HW, HW.reboot(A), answers, offline=True)
    assert "The ONT does not exist" in caught.value.details
    assert "refused 'quit' (% Unknown command" in caught.value.details


def _hw_info(flag):
    text = (CLI / "huawei" / "display-ont-info__4.txt").read_text(errors="replace")
    return text.replace("Control flag            : active", f"Control flag            : {flag}")


async def test_disable_reads_changes_and_reads_back():
    cli = FakeCli(HW, {"display ont info 0 3 5 56": [_hw_info("active"), _hw_info("deactive")]})
    change = await olt.change_admin_state(cli, HW, A, enable=False)
    assert (change.previous_state, change.new_state, change.answer) == (
        "enabled",
        "disabled",
        olt.Answer.OK,
    )
    assert cli.commands == [
        "display ont info 0 3 5 56",
        "config",
        "interface gpon 0/3",
        "ont deactivate 5 56",
        "quit",
        "quit",
        "display ont info 0 3 5 56",
    ]


async def test_enable_of_an_enabled_onu_sends_nothing():
    cli = FakeCli(HW, {"display ont info 0 3 5 56": _hw_info("active")})
    change = await olt.change_admin_state(cli, HW, A, enable=True)
    assert change.answer is olt.Answer.ALREADY and change.new_state == "enabled"
    assert cli.commands == ["display ont info 0 3 5 56"]


async def test_a_change_the_olt_does_not_show_is_an_error():
    cli = FakeCli(HW, {"display ont info 0 3 5 56": _hw_info("active")})
    change = await olt.change_admin_state(cli, HW, A, enable=False)
    assert change.answer is olt.Answer.ERROR and change.new_state == "enabled"


async def test_disable_on_c600_is_refused_before_anything_is_sent():
    cli = FakeCli(C600)
    with pytest.raises(NotSupported):
        await olt.change_admin_state(cli, C600, A, enable=False)
    assert cli.sent == []


# --- only integers reach a command -------------------------------------------------------------

_NOT_INT = (
    st.text(max_size=20)
    | st.booleans()
    | st.floats()
    | st.none()
    | st.lists(st.integers(), max_size=2)
    | st.integers().map(str)
)


@settings(max_examples=300, deadline=None)
@given(bad=_NOT_INT, position=st.integers(0, 3), good=st.integers(0, 15))
def test_no_typed_text_is_accepted_as_an_address(bad, position, good):
    args = [good, good, good, good]
    args[position] = bad
    with pytest.raises(ValueError):
        Location(*args)


@settings(max_examples=200, deadline=None)
@given(value=st.integers().filter(lambda n: not 0 <= n <= 15))
def test_out_of_range_integers_are_refused(value):
    with pytest.raises(ValueError):
        Location(value, 0, 0, 0)


_TOKEN = re.compile(
    r"[a-z][a-z-]*|[0-9]+|[0-9]+/[0-9]+|gpon(-onu_|_onu-|-olt_)[0-9]+/[0-9]+/[0-9]+(:[0-9]+)?"
)


@settings(max_examples=300, deadline=None)
@given(
    frame=st.integers(0, 15),
    slot=st.integers(0, 63),
    port=st.integers(0, 127),
    onu=st.integers(0, 255),
    platform=st.sampled_from(PLATFORMS),
)
def test_commands_hold_only_keywords_and_the_registry_integers(frame, slot, port, onu, platform):
    a = Location(frame, slot, port, onu)
    blocks = [platform.reboot(a)]
    if platform is not C600:
        blocks += [platform.set_admin_state(a, True), platform.set_admin_state(a, False)]
    lines = [platform.onu_state(a)] + [line for b in blocks for line in (*b.enter, b.command)]
    for line in lines:
        assert all(_TOKEN.fullmatch(tok) for tok in line.split(" ")), line
        numbers = [int(n) for n in re.findall(r"[0-9]+", line)]
        assert set(numbers) <= {frame, slot, port, onu}

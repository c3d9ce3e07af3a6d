"""OLT CLI actions: exact command sequences per platform, answer parsers, states read from real
captures, config mode always left, and no typed text able to reach a command."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ponapi.actions import olt
from ponapi.actions.errors import NotSupportedError
from tests.fixtures import CLI

A = olt.OnuAddress(0, 3, 5, 56)
HW, C300, C600 = olt.Platform.HUAWEI, olt.Platform.ZTE_C300, olt.Platform.ZTE_C600


def commands(steps):
    return [s.command for s in steps]


def test_huawei_sequences():
    assert commands(olt.set_admin_state(HW, A, enable=False)) == [
        "config",
        "interface gpon 0/3",
        "ont deactivate 5 56",
        "quit",
        "quit",
    ]
    assert commands(olt.set_admin_state(HW, A, enable=True))[2] == "ont activate 5 56"
    steps = olt.reboot(HW, A)
    assert commands(steps) == ["config", "interface gpon 0/3", "ont reset 5 56", "quit", "quit"]
    assert steps[2].confirm is olt.HUAWEI_RESET_CONFIRM and steps[2].confirm.answer == "y"
    assert steps[2].confirm.question.search("  Are you sure to reset the ONT(s)? (y/n)[n]:")
    assert [s.exit for s in steps] == [False, False, False, True, True]
    assert olt.read_state(HW, A).command == "display ont info 0 3 5 56"


def test_zte_c300_sequences():
    assert commands(olt.set_admin_state(C300, A, enable=False)) == [
        "configure terminal",
        "interface gpon-olt_0/3/5",
        "onu 56 state disable",
        "end",
    ]
    assert commands(olt.set_admin_state(C300, A, enable=True))[2] == "onu 56 state enable"
    steps = olt.reboot(C300, A)
    assert commands(steps) == [
        "configure terminal",
        "pon-onu-mng gpon-onu_0/3/5:56",
        "reboot",
        "end",
    ]
    assert steps[2].confirm is olt.ZTE_CONFIRM and steps[2].confirm.answer == "yes"
    assert olt.read_state(C300, A).command == "show gpon onu detail-info gpon-onu_0/3/5:56"


def test_zte_c600_sequences_and_unconfirmed_disable():
    assert commands(olt.reboot(C600, olt.OnuAddress(1, 2, 16, 26))) == [
        "configure terminal",
        "pon-onu-mng gpon_onu-1/2/16:26",
        "reboot",
        "end",
    ]
    assert olt.read_state(C600, A).command == "show gpon onu detail-info gpon_onu-0/3/5:56"
    for enable in (True, False):
        with pytest.raises(NotSupportedError):
            olt.set_admin_state(C600, A, enable=enable)


@pytest.mark.parametrize(
    ("brand", "model", "platform"),
    [
        ("huawei", "MA5800-X7", HW),
        ("zte", "C320", C300),
        ("zte", "C600", C600),
        ("ZTE", "C650", C600),
    ],
)
def test_platform_from_the_registry(brand, model, platform):
    assert olt.platform_for(brand, model) is platform


def test_unknown_brand_is_not_supported():
    with pytest.raises(NotSupportedError):
        olt.platform_for("fiberhome", "AN5516")


# --- parsers --------------------------------------------------------------------------------


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
def test_huawei_reset_answers(text, answer):
    step = olt.reboot(HW, A)[2]
    assert step.parse(text).answer is answer


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("", olt.Answer.OK),
        ("%Error 140303: Invalid input detected at '^' marker.\n", olt.Answer.ERROR),
        ("%Code 32310-GPONSRV : The ONU is offline.\n", olt.Answer.OFFLINE),
    ],
)
def test_zte_reboot_answers(text, answer):
    assert olt.reboot(C300, A)[2].parse(text).answer is answer


def test_error_detail_is_the_devices_line():
    result = olt.set_admin_state(C300, A, enable=False)[1].parse(
        "%Error 140305: Incomplete command.\n"
    )
    assert result == olt.StepResult(olt.Answer.ERROR, "%Error 140305: Incomplete command.")


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
    state = olt.parse_state(HW, text)
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
    state = olt.parse_state(C300, (CLI / "zte" / name).read_text())
    assert state.admin == "enabled" and state.online is online


def test_deactivated_huawei_ont_reads_disabled():
    text = (CLI / "huawei" / "display-ont-info__4.txt").read_text(errors="replace")
    text = text.replace("Control flag            : active", "Control flag            : deactive")
    assert olt.parse_state(HW, text).admin == "disabled"


# --- running the steps on a session ------------------------------------------------------------


class FakeCli:
    def __init__(self, answers):
        self.answers = answers
        self.sent = []

    async def run(self, command, *, confirm=None):
        self.sent.append((command, confirm.answer if confirm else None))
        answer = self.answers.get(command, "")
        return answer.pop(0) if isinstance(answer, list) else answer


async def test_a_failed_step_still_leaves_config_mode():
    cli = FakeCli({"ont reset 5 56": "  Failure: The ONT is not online\n"})
    results = await olt.execute(cli, olt.reboot(HW, A))
    assert [c for c, _ in cli.sent] == [
        "config",
        "interface gpon 0/3",
        "ont reset 5 56",
        "quit",
        "quit",
    ]
    assert ("ont reset 5 56", "y") in cli.sent
    assert results[2].answer is olt.Answer.OFFLINE


async def test_a_failed_mode_step_skips_the_action():
    cli = FakeCli(
        {"interface gpon-olt_0/3/5": "%Error 140303: Invalid input detected at '^' marker."}
    )
    await olt.execute(cli, olt.set_admin_state(C300, A, enable=False))
    assert [c for c, _ in cli.sent] == ["configure terminal", "interface gpon-olt_0/3/5", "end"]


def _hw_info(flag):
    text = (CLI / "huawei" / "display-ont-info__4.txt").read_text(errors="replace")
    return text.replace("Control flag            : active", f"Control flag            : {flag}")


async def test_disable_reads_changes_and_reads_back():
    cli = FakeCli({"display ont info 0 3 5 56": [_hw_info("active"), _hw_info("deactive")]})
    change = await olt.change_admin_state(cli, HW, A, enable=False)
    assert (change.previous_state, change.new_state, change.answer) == (
        "enabled",
        "disabled",
        olt.Answer.OK,
    )
    assert [c for c, _ in cli.sent] == [
        "display ont info 0 3 5 56",
        "config",
        "interface gpon 0/3",
        "ont deactivate 5 56",
        "quit",
        "quit",
        "display ont info 0 3 5 56",
    ]


async def test_enable_of_an_enabled_onu_sends_nothing():
    cli = FakeCli({"display ont info 0 3 5 56": _hw_info("active")})
    change = await olt.change_admin_state(cli, HW, A, enable=True)
    assert change.answer is olt.Answer.ALREADY and change.new_state == "enabled"
    assert [c for c, _ in cli.sent] == ["display ont info 0 3 5 56"]


async def test_a_change_the_olt_does_not_show_is_an_error():
    cli = FakeCli({"display ont info 0 3 5 56": _hw_info("active")})
    change = await olt.change_admin_state(cli, HW, A, enable=False)
    assert change.answer is olt.Answer.ERROR and change.new_state == "enabled"


async def test_disable_on_c600_is_refused_before_anything_is_sent():
    cli = FakeCli({})
    with pytest.raises(NotSupportedError):
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
        olt.OnuAddress(*args)


@settings(max_examples=200, deadline=None)
@given(value=st.integers().filter(lambda n: not 0 <= n <= 15))
def test_out_of_range_integers_are_refused(value):
    with pytest.raises(ValueError):
        olt.OnuAddress(value, 0, 0, 0)


_TOKEN = re.compile(
    r"[a-z][a-z-]*|[0-9]+|[0-9]+/[0-9]+|gpon(-onu_|_onu-|-olt_)[0-9]+/[0-9]+/[0-9]+(:[0-9]+)?"
)


@settings(max_examples=300, deadline=None)
@given(
    frame=st.integers(0, 15),
    slot=st.integers(0, 63),
    port=st.integers(0, 127),
    onu=st.integers(0, 255),
    platform=st.sampled_from(list(olt.Platform)),
)
def test_commands_hold_only_keywords_and_the_registry_integers(frame, slot, port, onu, platform):
    a = olt.OnuAddress(frame, slot, port, onu)
    steps = [olt.read_state(platform, a), *olt.reboot(platform, a)]
    if platform is not olt.Platform.ZTE_C600:
        steps += olt.set_admin_state(platform, a, True) + olt.set_admin_state(platform, a, False)
    for step in steps:
        assert all(_TOKEN.fullmatch(tok) for tok in step.command.split(" ")), step.command
        numbers = [int(n) for n in re.findall(r"[0-9]+", step.command)]
        assert set(numbers) <= {frame, slot, port, onu}

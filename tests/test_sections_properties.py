"""Hypothesis on the screen's extra sections: arbitrary or corrupted trees never raise and always
map to schema-valid sections; the projection constants hold everything the sections read."""

import copy
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ponapi.tr069.document import iter_leaves
from ponapi.tr069.full_screen import FULL_SCREEN_SECTIONS, PROJECTION, map_full_screen
from tests.fixtures import all_csv, validate_stats
from tests.sections_support import NOW, UTC_ZONE, doc_of, envelope

SEGMENTS = [
    "InternetGatewayDevice",
    "Device",
    "DeviceInfo",
    "DeviceLog",
    "TemperatureStatus",
    "TemperatureSensor",
    "Value",
    "WANDevice",
    "WANConnectionDevice",
    "WANPPPConnection",
    "X_ALU-COM_WanAccessCfg",
    "X_GponInterafceConfig",
    "X_ALU_OntOpticalParam",
    "RXPower",
    "Optical",
    "Interface",
    "X_TP_GPON_Config",
    "LANDevice",
    "LANHostConfigManagement",
    "DHCPStaticAddress",
    "Chaddr",
    "LANEthernetInterfaceConfig",
    "Stats",
    "Hosts",
    "Host",
    "MACAddress",
    "Layer2Interface",
    "WLANConfiguration",
    "AssociatedDevice",
    "Services",
    "VoiceService",
    "VoiceProfile",
    "Line",
    "Time",
    "CurrentLocalTime",
    "X_HW_AppRemoteManage",
    "X_HW_Security",
    "AclServices",
    "DHCPv4",
    "Server",
    "Pool",
    "Ethernet",
    "Status",
    "Enable",
    "1",
    "2",
    "5",
    "_value",
    "_timestamp",
]
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**63), 2**63),
    st.floats(allow_nan=True),
    st.text(max_size=60),
)
leaf = st.fixed_dictionaries(
    {"_value": scalars},
    optional={
        "_type": st.sampled_from(["xsd:string", "xsd:int", "x"]),
        "_timestamp": st.one_of(scalars, st.just("2023-01-01T00:00:00Z")),
    },
)
trees = st.recursive(
    leaf | scalars,
    lambda children: st.dictionaries(st.sampled_from(SEGMENTS), children, max_size=6),
    max_leaves=60,
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(SEGMENTS), trees, max_size=4))
def test_arbitrary_trees_never_raise_and_validate(raw):
    sections = map_full_screen(raw, NOW, UTC_ZONE)
    assert set(sections) == set(FULL_SCREEN_SECTIONS)
    assert not [k for k, s in sections.items() if s.status == "error"]
    validate_stats(envelope(raw, sections))


DOCS = [doc_of(n) for n in all_csv()]
junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.text(max_size=40),
    st.floats(allow_nan=True, allow_infinity=True),
    st.just(""),
    st.just("0.0.0.0"),
    st.just("Auto_1000"),
    st.just("2023-01-01 00:00:00 [Error] Terminal:WEB(,Type:"),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(range(len(DOCS))), st.data())
def test_corrupted_real_dumps_map_without_errors_and_validate(index, data):
    doc = copy.deepcopy(DOCS[index])
    leaves = [node for _, node in iter_leaves(doc)]
    for node in data.draw(st.lists(st.sampled_from(leaves), max_size=60)):
        choice = data.draw(st.integers(0, 2))
        if choice == 0:
            node["_value"] = data.draw(junk)
        elif choice == 1:
            node["_timestamp"] = data.draw(junk)
        else:
            node.pop("_value", None)
    sections = map_full_screen(doc, NOW, UTC_ZONE)
    assert not [k for k, s in sections.items() if s.status == "error"]
    validate_stats(envelope(doc, sections))


@given(st.text(max_size=400))
def test_any_log_text_parses(text):
    from ponapi.tr069.areas.logs import parse_log

    entries, unparsed, total = parse_log(text)
    assert len(entries) + unparsed == total <= len(text.splitlines())
    assert parse_log(text, 2)[0] == entries[:2]


def prune(raw: dict[str, Any], paths: tuple[str, ...]) -> dict[str, Any]:
    """What a GenieACS NBI read with ``projection=<paths>`` returns of a document."""
    out: dict[str, Any] = {}
    for path in paths:
        src: Any = raw
        dst = out
        parts = path.split(".")
        for part in parts[:-1]:
            src = src.get(part) if isinstance(src, dict) else None
            if src is None:
                break
            dst = dst.setdefault(part, {})
        else:
            if isinstance(src, dict) and parts[-1] in src:
                dst[parts[-1]] = copy.deepcopy(src[parts[-1]])
    return out


@pytest.mark.parametrize("name", all_csv())
def test_the_projection_holds_everything_the_sections_read(name):
    """Mapping only the projected subtrees gives the same sections as the whole document."""
    raw = doc_of(name)
    whole = map_full_screen(raw, NOW, UTC_ZONE)
    projected = map_full_screen(prune(raw, PROJECTION), NOW, UTC_ZONE)
    for key in FULL_SCREEN_SECTIONS:
        assert (projected[key].data, projected[key].missing, projected[key].status) == (
            whole[key].data,
            whole[key].missing,
            whole[key].status,
        ), key
    assert len(PROJECTION) == len(set(PROJECTION))
    assert not [p for p in PROJECTION if any(p.startswith(q + ".") for q in PROJECTION)]

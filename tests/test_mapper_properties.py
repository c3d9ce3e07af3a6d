"""Hypothesis: whatever tree a device or ACS sends, the mapper answers (never raises), and a
real document with corrupted values still maps every section without an internal error."""

import copy
import json
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ponapi.acs.genieacs import GenieAcsClient
from ponapi.tr069.document import iter_leaves
from ponapi.tr069.mapper import map_device
from ponapi.tr069.sections import names
from tests.fixtures import all_json, nbi_json, validate_stats
from tests.test_mapper import envelope

SECTIONS = names()

NOW = datetime(2024, 1, 1, tzinfo=UTC)
TZ = ZoneInfo("UTC")

SEGMENTS = [
    "InternetGatewayDevice",
    "Device",
    "DeviceInfo",
    "WANDevice",
    "WANConnectionDevice",
    "WANIPConnection",
    "WANPPPConnection",
    "LANDevice",
    "WLANConfiguration",
    "WiFi",
    "NeighboringWiFiDiagnostic",
    "Result",
    "IP",
    "Interface",
    "PPP",
    "Radio",
    "SSID",
    "ManagementServer",
    "ConnectionRequestURL",
    "UpTime",
    "MemoryStatus",
    "Total",
    "Name",
    "LowerLayers",
    "Channel",
    "SignalStrength",
    "1",
    "2",
    "5",
    "X_HW_VLAN",
    "BeaconType",
    "Standard",
    "ExternalIPAddress",
    "_value",
    "_timestamp",
    "_id",
]
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**63), 2**63),
    st.floats(allow_nan=True),
    st.text(max_size=30),
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


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(SEGMENTS), trees, max_size=4))
def test_arbitrary_trees_never_raise(raw):
    m = map_device(raw, now=NOW, tz=TZ)
    assert set(m.sections) == set(SECTIONS)
    assert all(s.status != "error" for s in m.sections.values())


DOCS = [nbi_json(n) for n in all_json()]
# Real values replaced by what misbehaving devices send: wrong types, junk, huge numbers.
junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.text(max_size=40),
    st.floats(allow_nan=True, allow_infinity=True),
    st.just(""),
    st.just("0.0.0.0"),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(range(len(DOCS))) if DOCS else st.nothing(), st.data())
def test_corrupted_real_documents_map_without_internal_errors(index, data):
    doc = copy.deepcopy(DOCS[index])
    leaves = [node for _, node in iter_leaves(doc)]
    for node in data.draw(st.lists(st.sampled_from(leaves), max_size=40)):
        choice = data.draw(st.integers(0, 2))
        if choice == 0:
            node["_value"] = data.draw(junk)
        elif choice == 1:
            node["_timestamp"] = data.draw(junk)
        else:
            node.pop("_value", None)
    m = map_device(doc, now=NOW, tz=TZ)
    assert not [name for name, s in m.sections.items() if s.status == "error"]
    validate_stats(envelope(m))


# What an ACS can write in JSON: no NaN, but integers beyond 64 bits (GenieACS parses an
# xsd:unsignedInt a device overflowed as a JS number and writes it as 20 digits).
json_junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.text(max_size=40),
    st.floats(allow_nan=False, allow_infinity=False),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(range(len(DOCS))) if DOCS else st.nothing(), st.data())
def test_a_corrupted_answer_read_lazily_maps_as_the_whole_tree(index, data):
    """What a stats read maps (``read_document``: the ACS's answer parsed lazily) gives what
    the whole tree gives, junk values included (objects and arrays where a scalar belongs,
    integers no 64-bit parser takes), and nothing of it keeps a view on the parse."""
    doc = copy.deepcopy(DOCS[index])
    leaves = [node for _, node in iter_leaves(doc)]
    for node in data.draw(st.lists(st.sampled_from(leaves), max_size=40)):
        key = data.draw(st.sampled_from(["_value", "_timestamp", "_type"]))
        node[key] = data.draw(json_junk)
    body = json.dumps([doc]).encode()
    (lazy_doc,) = GenieAcsClient._devices(200, body, True)
    (whole_doc,) = GenieAcsClient._devices(200, body, False)
    lazy = map_device(lazy_doc, now=NOW, tz=TZ)
    assert lazy == map_device(whole_doc, now=NOW, tz=TZ)
    orjson.dumps([vars(s) for s in lazy.sections.values()])  # raises on a simdjson view

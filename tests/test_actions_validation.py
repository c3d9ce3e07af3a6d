"""Action requests: every validation rule with good and bad values, the field named in the
error, snake_case and camelCase keys, and validators that never raise anything else."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ponapi.actions import models as m
from ponapi.actions import validate as v
from ponapi.actions.errors import ActionValidationError


def fails(field, call, *args, **kwargs):
    with pytest.raises(ActionValidationError) as info:
        call(*args, **kwargs)
    assert info.value.field == field, info.value
    assert info.value.reason
    return info.value


@pytest.mark.parametrize(
    "value", ["a", "x" * 32, "Café da Ana", "🙂" * 8, "with space", "ünïcödé-näme"]
)
def test_ssid_accepts_1_to_32_utf8_bytes(value):
    assert v.ssid(value) == value


@pytest.mark.parametrize("value", ["", "x" * 33, "é" * 17, "🙂" * 9, "tab\there", None, 5])
def test_ssid_rejects_empty_long_control_and_non_text(value):
    fails("ssid", v.ssid, value)


@pytest.mark.parametrize(
    "char",
    "\x80 \x85 \x9b \x9f \u061c \u200b \u200e \u200f \u202a \u202e \u2066 \u2069 \u2028 "
    "\u2029 \ufeff \U000e0001 \U000e0041 \U000e007f".split(" "),
)
def test_ssid_rejects_invisible_and_direction_characters(char):
    fails("ssid", v.ssid, f"Casa{char}Ana")
    fails("ssid", m.parse, m.WirelessLanRequest, {"ssid": f"Casa{char}"})


@pytest.mark.parametrize("value", ["👨\u200d👩\u200d👧", "❤\ufe0f Casa", "☕\ufe0e"])
def test_ssid_keeps_zero_width_joiner_and_variation_selectors(value):
    assert v.ssid(value) == value


@pytest.mark.parametrize(
    "value", ["12345678", "x" * 63, "p@ss w0rd!~", "a" * 64, "0123456789abcdefABCDEF" + "0" * 42]
)
def test_passphrase_accepts_8_to_63_printable_ascii_or_64_hex(value):
    assert v.passphrase(value) == value


@pytest.mark.parametrize(
    "value", ["1234567", "x" * 64, "g" * 64, "senha\x01senha", "senhaçãosenha", "x" * 65, 12345678]
)
def test_passphrase_rejects_short_long_non_printable_and_non_hex_64(value):
    fails("password", v.passphrase, value)


@pytest.mark.parametrize(
    ("band", "country", "channel"),
    [
        ("2.4GHz", "BR", 13),
        ("2.4GHz", "US", 11),
        ("2.4GHz", "JP", 14),
        ("2.4GHz", None, 1),
        ("2.4GHz", "US", 0),
        ("5GHz", "US", 149),
        ("5GHz", "US", 144),
        ("5GHz", "DE", 100),
        ("5GHz", "BR", 165),
        ("5GHz", "CN", 36),
        ("5GHz", None, 0),
    ],
)
def test_channel_allowed_for_band_and_country(band, country, channel):
    assert v.channel(channel, band, country) == channel


@pytest.mark.parametrize(
    ("band", "country", "channel"),
    [
        ("2.4GHz", "US", 12),
        ("2.4GHz", "US", 13),
        ("2.4GHz", "BR", 14),
        ("2.4GHz", None, 14),
        ("2.4GHz", "DE", 36),
        ("5GHz", "DE", 149),
        ("5GHz", "DE", 144),
        ("5GHz", "CN", 100),
        ("5GHz", "US", 6),
        ("5GHz", "US", 37),
        ("5GHz", "US", 256),
        ("2.4GHz", "US", -1),
        ("2.4GHz", "US", True),
        ("2.4GHz", "US", "six"),
    ],
)
def test_channel_rejected_outside_the_band_and_country_plan(band, country, channel):
    fails("channel", v.channel, channel, band, country)


def test_channel_error_lists_the_allowed_channels():
    err = fails("channel", v.channel, 13, "2.4GHz", "US")
    assert "11" in err.reason and "13" not in err.reason.split("allowed:")[1]


@pytest.mark.parametrize(
    ("value", "code"), [("BR", "BR"), ("br", "BR"), ("US - United States", "US")]
)
def test_country_accepts_iso_codes_and_the_display_form(value, code):
    assert v.country(value) == code


@pytest.mark.parametrize("value", ["", "B", "BRA", "XX", "00", "1A", "Brazil", None, 55])
def test_country_rejects_anything_but_an_iso_alpha2_code(value):
    fails("country_domain", v.country, value)


def test_tx_power_must_be_among_the_supported_values():
    assert v.tx_power(60, [20, 40, 60, 80, 100]) == 60
    err = fails("tx_power", v.tx_power, 50, [20, 40, 60, 80, 100])
    assert "20, 40, 60, 80, 100" in err.reason
    assert v.tx_power(-1, [-1, 25, 50, 100]) == -1
    fails("tx_power", v.tx_power, -1, [])
    fails("tx_power", v.tx_power, 101, None)
    assert v.tx_power(70, None) == 70


@pytest.mark.parametrize(
    ("start", "end", "mask", "lan"),
    [
        ("192.168.1.100", "192.168.1.200", "255.255.255.0", "192.168.1.1"),
        ("192.168.1.2", "192.168.1.254", "255.255.255.0", "192.168.1.1"),
        ("10.0.0.2", "10.0.0.2", "255.255.255.0", "10.0.0.1"),
        ("192.168.6.64", "192.168.6.126", "255.255.255.128", "192.168.6.1"),
    ],
)
def test_dhcp_range_inside_the_subnet(start, end, mask, lan):
    assert v.dhcp_range(start, end, mask, lan) == (start, end, mask)


@pytest.mark.parametrize(
    ("start", "end", "mask", "lan", "field"),
    [
        ("192.168.2.10", "192.168.1.200", "255.255.255.0", "192.168.1.1", "start_address"),
        ("192.168.1.10", "192.168.2.20", "255.255.255.0", "192.168.1.1", "end_address"),
        ("192.168.1.200", "192.168.1.100", "255.255.255.0", "192.168.1.1", "end_address"),
        ("192.168.1.1", "192.168.1.100", "255.255.255.0", "192.168.1.1", "start_address"),
        ("192.168.1.0", "192.168.1.100", "255.255.255.0", "192.168.1.50", "start_address"),
        ("192.168.1.2", "192.168.1.255", "255.255.255.0", "192.168.1.1", "end_address"),
        ("192.168.6.100", "192.168.6.200", "255.255.255.128", "192.168.6.1", "end_address"),
        ("192.168.1.2", "192.168.1.9", "255.0.255.0", "192.168.1.1", "subnet_mask"),
        ("192.168.1.2", "192.168.1.3", "255.255.255.252", "192.168.1.1", "end_address"),
        ("192.168.1.2", "192.168.1.3", "255.255.255.255", "192.168.1.1", "subnet_mask"),
        ("192.168.1.x", "192.168.1.3", "255.255.255.0", "192.168.1.1", "start_address"),
        ("192.168.1.2", None, "255.255.255.0", "192.168.1.1", "end_address"),
    ],
)
def test_dhcp_range_rejected(start, end, mask, lan, field):
    fails(field, v.dhcp_range, start, end, mask, lan)


def test_dns_servers_are_ip_literals():
    assert v.dns_servers(["8.8.8.8", "2001:4860:4860::8888"]) == ["8.8.8.8", "2001:4860:4860::8888"]
    assert v.dns_servers("1.1.1.1,9.9.9.9") == ["1.1.1.1", "9.9.9.9"]
    for bad in (["dns.google"], [], ["1.1.1.1"] * 4, "8.8.8.8;rm", [8]):
        fails("dns_servers", v.dns_servers, bad)


@pytest.mark.parametrize(
    "value",
    [
        "fe80::1%x,6.6.6.6,7.7.7.7,9.9.9.9",
        ["fe80::1%x,6.6.6.6,7.7.7.7,9.9.9.9"],
        ["1.1.1.1,8.8.8.8", "9.9.9.9,6.6.6.6"],
        ["fe80::1%eth0"],
        ["1.1.1.1", ""],
    ],
)
def test_dns_servers_are_parsed_then_counted_without_zone_ids(value):
    fails("dns_servers", v.dns_servers, value)
    fails(
        "dns_servers",
        m.parse,
        m.LanDhcpRequest,
        {"dhcp_server_enable": False, "dns_servers": value},
    )


def test_an_ipv4_dhcp_pool_takes_ipv4_dns_servers_only():
    assert v.dns_servers(["1.1.1.1,8.8.8.8"], version=4) == ["1.1.1.1", "8.8.8.8"]
    body = {"dhcp_server_enable": False, "dns_servers": ["1.1.1.1", "2001:4860:4860::8888"]}
    fails("dns_servers", m.parse, m.LanDhcpRequest, body)
    body["dns_servers"] = ["1.1.1.1", "8.8.4.4"]
    assert m.parse(m.LanDhcpRequest, body).dns_servers == ["1.1.1.1", "8.8.4.4"]


@pytest.mark.parametrize(
    "value",
    ["8.8.8.8", "2001:db8::1", "example.com", "www.google.com.", "a-b.c0", "x" * 63 + ".io"],
)
def test_host_accepts_hostnames_and_ip_literals(value):
    assert v.host(value)


@pytest.mark.parametrize(
    "value",
    [
        "",
        "exa mple.com",
        "example.com;reboot",
        "$(reboot)",
        "`id`",
        "a|b",
        "host\nname",
        "-leading.com",
        "trailing-.com",
        "under_score.com",
        "x" * 64 + ".com",
        ("a" * 60 + ".") * 4 + "abcdefghij",
        "ex..ample",
        "1.2.3.999",
        "münchen.de",
        None,
        7,
    ],
)
def test_host_rejects_spaces_control_shell_characters_and_bad_labels(value):
    fails("host", v.host, value)


@pytest.mark.parametrize(
    "value",
    [
        "fe80::1%;reboot",
        "fe80::1%$(reboot)",
        "::1%`id`",
        "fe80::1%|sh",
        "::1%;reboot",
        "fe80::1%eth0",
        "fe80::1%1",
        "example.com\u2028reboot",
        "example.com\u2029",
        "example.com\x85reboot",
        "1.1.1.1\r\nreboot",
    ],
)
def test_host_rejects_zone_ids_and_line_separators(value):
    fails("host", v.host, value)
    for model in (m.PingRequest, m.TracerouteRequest):
        fails("host", m.parse, model, {"host": value})


# --- request models ---------------------------------------------------------------------------


def test_wireless_lan_accepts_snake_and_camel_keys():
    snake = m.parse(
        m.WirelessLanRequest,
        {
            "ssid": "Casa",
            "password": "segredo123",
            "auth_mode": "WPA2 PreSharedKey",
            "channel": 6,
            "tx_power": 100,
            "country_domain": "BR - Brazil",
            "ssid_advertisement_enabled": False,
        },
    )
    camel = m.parse(
        m.WirelessLanRequest,
        {
            "ssid": "Casa",
            "password": "segredo123",
            "authMode": "wpa2",
            "channel": 6,
            "txPower": 100,
            "countryDomain": "BR",
            "ssidAdvertisementEnabled": False,
        },
    )
    assert snake == camel
    assert snake.auth_mode is m.AuthMode.WPA2 and snake.country_domain == "BR"
    assert snake.band == "2.4GHz"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"ssid": ""}, "ssid"),
        ({"password": "short"}, "password"),
        ({"auth_mode": "wep"}, "auth_mode"),
        ({"channel": 13, "country_domain": "US"}, "channel"),
        ({"channel": 40, "band": "2.4GHz"}, "channel"),
        ({"channel": 300}, "channel"),
        ({"tx_power": 150}, "tx_power"),
        ({"countryDomain": "ZZ"}, "country_domain"),
        ({"band": "6GHz", "ssid": "x"}, "band"),
        ({"enable": "yes"}, "enable"),
        ({"ssidAdvertisementEnabled": 1}, "ssid_advertisement_enabled"),
        ({"ssid": "ok", "colour": "blue"}, "colour"),
        ({}, "ssid"),
        ({"band": "5GHz"}, "ssid"),
    ],
)
def test_wireless_lan_errors_name_the_field(body, field):
    fails(field, m.parse, m.WirelessLanRequest, body)


def test_wireless_lan_empty_password_means_unchanged():
    req = m.parse(m.WirelessLanRequest, {"ssid": "Casa", "password": ""})
    assert req.password is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"dhcp_server_enable": True}, "start_address"),
        ({"dhcp_server_enable": True, "start_address": "192.168.1.2"}, "end_address"),
        ({"dhcpServerEnable": "true"}, "dhcp_server_enable"),
        ({}, "dhcp_server_enable"),
        ({"dhcp_server_enable": False, "lease_time": 59}, "lease_time"),
        ({"dhcp_server_enable": False, "leaseTime": 7 * 86400 + 1}, "lease_time"),
        ({"dhcp_server_enable": False, "subnet_mask": "255.255.0.255"}, "subnet_mask"),
        ({"dhcp_server_enable": False, "dnsServers": ["x"]}, "dns_servers"),
        ({"dhcp_server_enable": False, "startAddress": "300.1.1.1"}, "start_address"),
    ],
)
def test_lan_dhcp_errors_name_the_field(body, field):
    fails(field, m.parse, m.LanDhcpRequest, body)


def test_lan_dhcp_lease_bounds_and_camel_keys():
    req = m.parse(
        m.LanDhcpRequest,
        {
            "dhcpServerEnable": True,
            "startAddress": "192.168.1.10",
            "endAddress": "192.168.1.20",
            "leaseTime": 60,
            "dns_servers": ["1.1.1.1"],
        },
    )
    assert req.lease_time == 60 and req.dns_servers == ["1.1.1.1"]
    assert m.parse(m.LanDhcpRequest, {"dhcp_server_enable": False, "lease_time": 604800})


@pytest.mark.parametrize(
    ("model", "body", "field"),
    [
        (m.PingRequest, {}, "host"),
        (m.PingRequest, {"host": "a b"}, "host"),
        (m.PingRequest, {"host": "x.com", "number_of_repetitions": 0}, "number_of_repetitions"),
        (m.PingRequest, {"host": "x.com", "numberOfRepetitions": 21}, "number_of_repetitions"),
        (m.PingRequest, {"host": "x.com", "timeout": 99}, "timeout"),
        (m.PingRequest, {"host": "x.com", "timeout": 10001}, "timeout"),
        (m.TracerouteRequest, {"host": "x.com", "maxHopCount": 65}, "max_hop_count"),
        (m.TracerouteRequest, {"host": "x.com", "max_hop_count": 0}, "max_hop_count"),
        (m.TracerouteRequest, {"host": "x;y"}, "host"),
        (m.SpeedtestRequest, {"direction": "sideways"}, "direction"),
        (m.ConfirmRequest, {}, "confirm"),
        (m.ConfirmRequest, {"confirm": False}, "confirm"),
        (m.ConfirmRequest, {"confirm": "true"}, "confirm"),
        (m.FactoryResetRequest, {"confirm": True}, "serial"),
        (m.FactoryResetRequest, {"confirm": True, "serial": "not-a-serial"}, "serial"),
        (m.FactoryResetRequest, {"serial": "HWTC25F08D9D"}, "confirm"),
        (m.ResyncRequest, {"x": 1}, "x"),
    ],
)
def test_diagnostic_and_confirmation_errors_name_the_field(model, body, field):
    fails(field, m.parse, model, body)


def test_diagnostic_defaults():
    ping = m.parse(m.PingRequest, {"host": "8.8.8.8"})
    assert (ping.number_of_repetitions, ping.timeout) == (4, 2000)
    trace = m.parse(m.TracerouteRequest, {"host": "example.com", "timeout": 3000})
    assert (trace.max_hop_count, trace.timeout) == (30, 3000)
    assert m.parse(m.SpeedtestRequest, None).direction == "download"
    assert m.parse(m.ResyncRequest, None) == m.ResyncRequest()


def test_factory_reset_serial_is_compared_canonically():
    req = m.parse(m.FactoryResetRequest, {"confirm": True, "onuSerial": "4857544325f08d9d"})
    req.check_serial("HWTC-25F08D9D")
    req.check_serial("hwtc25f08d9d")
    fails("serial", req.check_serial, "HWTC25F08D9E")
    fails("serial", req.check_serial, "garbage")


def test_non_object_body_is_a_validation_error():
    fails("body", m.parse, m.PingRequest, ["host"])


# --- property tests: nothing but ActionValidationError ------------------------------------------

_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=80),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=10,
)
_VALIDATORS = [
    lambda x: v.ssid(x),
    lambda x: v.passphrase(x),
    lambda x: v.country(x),
    lambda x: v.host(x),
    lambda x: v.band(x),
    lambda x: v.channel(x, "2.4GHz", "US"),
    lambda x: v.channel(x, "5GHz", None),
    lambda x: v.tx_power(x, [20, 40]),
    lambda x: v.dns_servers(x),
    lambda x: v.netmask(x),
    lambda x: v.dhcp_range(x, x, "255.255.255.0", "192.168.1.1"),
    lambda x: v.integer(x, "n", 0, 10),
    lambda x: m.auth_mode(x),
]


@settings(max_examples=300, deadline=None)
@given(value=_json | st.text(alphabet=st.characters(), max_size=300), which=st.integers(0, 12))
def test_validators_raise_only_the_validation_error(value, which):
    try:
        _VALIDATORS[which](value)
    except ActionValidationError as exc:
        assert exc.field and exc.reason


_MODELS = [
    m.WirelessLanRequest,
    m.LanDhcpRequest,
    m.PingRequest,
    m.TracerouteRequest,
    m.SpeedtestRequest,
    m.ConfirmRequest,
    m.FactoryResetRequest,
    m.ResyncRequest,
]
_KEYS = st.sampled_from(
    [
        "ssid",
        "password",
        "auth_mode",
        "authMode",
        "channel",
        "tx_power",
        "txPower",
        "country_domain",
        "band",
        "enable",
        "dhcp_server_enable",
        "start_address",
        "end_address",
        "subnet_mask",
        "dns_servers",
        "lease_time",
        "host",
        "timeout",
        "number_of_repetitions",
        "max_hop_count",
        "direction",
        "confirm",
        "serial",
    ]
)


@settings(max_examples=400, deadline=None)
@given(body=st.dictionaries(_KEYS, _json, max_size=8) | _json, which=st.integers(0, 7))
def test_request_parsing_raises_only_the_validation_error(body, which):
    try:
        m.parse(_MODELS[which], body)
    except ActionValidationError as exc:
        assert exc.field and exc.reason

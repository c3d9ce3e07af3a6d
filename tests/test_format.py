from datetime import UTC, datetime, timedelta

import pytest

from ponapi import display as fmt

T0 = datetime(2025, 11, 17, 21, 24, 50, tzinfo=UTC)


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (timedelta(hours=3, minutes=26, seconds=38), "3 hours, 26 minutes, 38 seconds ago"),
        (timedelta(hours=1, minutes=1, seconds=1), "1 hour, 1 minute, 1 second ago"),
        (timedelta(days=2, hours=1), "2 days, 1 hour, 0 minutes, 0 seconds ago"),
        (timedelta(days=1, seconds=5), "1 day, 0 hours, 0 minutes, 5 seconds ago"),
        (timedelta(seconds=-10), "0 hours, 0 minutes, 0 seconds ago"),
    ],
)
def test_ago(delta, text):
    assert fmt.ago(T0, T0 + delta) == text


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        ("11bgn", "802.11 b/g/n"),
        ("b,g,n", "802.11 b/g/n"),
        ("b/g/n", "802.11 b/g/n"),
        ("a,n,ac", "802.11 a/n/ac"),
        ("11ac", "802.11 ac"),
        ("n", "802.11 n"),
        ("g-only", "802.11 g"),
        ("b,g,n,ax", "802.11 b/g/n/ax"),
        ("weird", "weird"),
    ],
)
def test_wifi_standard(raw, text):
    assert fmt.wifi_standard(raw) == text


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        ("Auto", "Auto 20/40 MHz"),
        ("20/40MHz Coexistence", "Auto 20/40 MHz"),
        ("20MHz", "20 MHz"),
        ("40M", "40 MHz"),
        ("80Mhz", "80 MHz"),
        ("160MHz", "160 MHz"),
        ("20/40/80MHz", "Auto 20/40/80 MHz"),
    ],
)
def test_channel_width(raw, text):
    assert fmt.channel_width(raw) == text


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        ("TKIPandAESEncryption", "TKIP + AES"),
        ("AESEncryption", "AES"),
        ("TKIP,AES", "TKIP + AES"),
        ("TKIPEncryption", "TKIP"),
        ("WEPEncryption", "WEP"),
    ],
)
def test_encryption(raw, text):
    assert fmt.encryption(raw) == text


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        ("CN", "CN - China"),
        ("BRI", "BR - Brazil"),
        ("BR ", "BR - Brazil"),
        ("00", "00 - World"),
        ("gb", "GB - United Kingdom"),
        ("ZZ", "ZZ"),
    ],
)
def test_country(raw, text):
    assert fmt.country(raw) == text


def test_small_conversions():
    assert fmt.kib_to_mb(262144) == "256 MB" and fmt.kib_to_mb("120072") == "117 MB"
    assert fmt.percent(2) == "2%" and fmt.percent(150) is None
    assert fmt.dns_list("8.8.8.8, 0.0.0.0,1.1.1.1") == "8.8.8.8,1.1.1.1"
    assert fmt.dbm(-65) == "-65 dBm" and fmt.dbm("-80") == "-80 dBm" and fmt.dbm("x") is None
    assert fmt.to_bool("1") is True and fmt.to_bool(0) is False and fmt.to_bool("maybe") is None
    assert fmt.manufacturer("ALCL", "9075bc") == "Nokia (ALCL) (OUI: 9075BC)"
    assert fmt.connection_error("ERROR_NONE") == "no error"
    assert fmt.connection_error("ERROR_UNKNOWN") == "unknown"
    assert fmt.connection_error("ERROR_AUTHENTICATION_FAILURE") == "authentication failure"
    assert fmt.vlan(0) == "untagged" and fmt.vlan("69") == "69" and fmt.vlan(5000) is None
    assert fmt.auth_mode_tr098("WPAand11i", None, False) == "WPA/WPA2 PreSharedKey"
    assert fmt.auth_mode_tr098("11i", None, True) == "WPA2 Enterprise"
    assert fmt.auth_mode_tr098("Basic", "WEPEncryption", False) == "WEP"
    assert fmt.auth_mode_tr181("WPA-WPA2-Personal") == "WPA/WPA2 PreSharedKey"
    assert fmt.address("0.0.0.0") == "" and fmt.mac("90:75:bc:e4:63:27") == "90:75:BC:E4:63:27"

"""One WLAN choice for the ``wirelessLan`` sections and the Wi-Fi actions: on every real dump
the action changes the very SSID the stats section shows, whatever spelling the band has."""

from __future__ import annotations

import pytest

from ponapi.actions.errors import NotSupportedError
from ponapi.actions.locate import Device, wlan
from ponapi.tr069.areas.wifi import band_of
from ponapi.tr069.document import document_from_csv
from ponapi.tr069.full_screen import map_full_screen
from ponapi.tr069.mapper import map_device
from tests.fixtures import all_csv, csv_text
from tests.sections_support import NOW, STAMP, UTC_ZONE, doc_of, full

EX220 = "anlix-genieacs-sim_device-1C61B4-EX220-2226469000523.csv"
RADIO2_BAND = (
    "Device.WiFi.Radio.2.OperatingFrequencyBand,false,2023-05-25T21:04:24.895Z,true,"
    '2023-05-25T21:04:24.895Z,"5GHz"'
)


def _section_ssid(sections: dict[str, object], band: str) -> object:
    name = "wirelessLan" if band == "2.4GHz" else "wirelessLan5"
    data = sections[name].data  # type: ignore[attr-defined]
    return None if data is None else data["ssid"]


@pytest.mark.parametrize("name", all_csv())
@pytest.mark.parametrize("band", ["2.4GHz", "5GHz"])
def test_action_wlan_is_the_stats_sections_wlan(name, band):
    dev = Device(doc_of(name))
    five = map_device(doc_of(name), now=NOW, tz=UTC_ZONE).sections
    shown = _section_ssid({**five, **full(name)}, band)
    try:
        chosen = wlan(dev, band)
    except NotSupportedError:
        assert shown is None
        return
    assert shown is not None
    assert dev.value(f"{chosen.wlc}.SSID") == shown


def test_tr181_band_spelled_without_the_unit_is_one_choice():
    # The real EX220 dump with its 5 GHz radio reporting "5G": the stats section and the
    # action used different band tests (prefix vs exact), so only one of them found it.
    text = csv_text(EX220)
    assert RADIO2_BAND in text
    raw = document_from_csv(
        text.replace(RADIO2_BAND, RADIO2_BAND[:-6] + '"5G"'), default_timestamp=STAMP
    )
    from tests.sections_support import NOW, UTC_ZONE

    shown = map_full_screen(raw, NOW, UTC_ZONE)["wirelessLan5"].data
    chosen = wlan(Device(raw), "5GHz")
    assert shown is not None
    assert (chosen.wlc, Device(raw).value(f"{chosen.wlc}.SSID")) == (
        "Device.WiFi.SSID.3",
        shown["ssid"],
    )


@pytest.mark.parametrize(
    ("text", "band"),
    [
        ("2.4GHz", "2.4GHz"),
        ("2.4G", "2.4GHz"),
        (" 5GHz", "5GHz"),
        ("5G", "5GHz"),
        ("6GHz", "6GHz"),
        ("", None),
        (None, None),
    ],
)
def test_band_spellings(text, band):
    assert band_of(text) == band

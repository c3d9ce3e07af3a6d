import pytest
from hypothesis import given
from hypothesis import strategies as st

from ponapi.serials import InvalidSerialError, Serial, parse_serial

FORMS = [
    "HWTC25F08D9D",
    "HWTC-25F08D9D",
    "4857544325F08D9D",
    "hwtc25f08d9d",
    "hwtc-25f08d9d",
    "4857544325f08d9d",
]


@pytest.mark.parametrize("text", FORMS)
def test_every_operator_form_names_the_same_onu(text):
    s = parse_serial(text)
    assert s.canonical == "HWTC25F08D9D"
    assert s.hex == "4857544325F08D9D"
    assert s.dashed == "HWTC-25F08D9D"


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("ZTEGCCEC5655", "ZTEGCCEC5655"),  # ZTE detail-info fixture
        ("4857544300FFDC9B", "HWTC00FFDC9B"),  # Huawei by-sn fixture
        ("ALCLFC265D6F", "ALCLFC265D6F"),  # Nokia TR-069 dump
        ("48575443A94196A5", "HWTCA94196A5"),  # EG8145V5 TR-069 dump
    ],
)
def test_real_serials_from_fixtures(text, canonical):
    assert parse_serial(text).canonical == canonical


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "HWTC25F08D9",
        "HWTC25F08D9DA",
        "HWTC25F08D9G",
        "HWTC 25F08D9D",
        "HWTC1234\nreboot",
        "HWTC1234;quit",
        "HWTC25F08D9D\n",
        " HWTC25F08D9D",
        "48575443",
        "0000000025F08D9D",
        "1234ABCD5678",
        "HWTC--25F08D9D",
        "\uff28WTC25F08D9D",  # full-width H
        "\u0131WTC25F08D9D",  # dotless i upper-cases to I
        "x" * 10_000,
        "HWTC25F08D9D$(id)",
        "../HWTC25F08D9D",
    ],
)
def test_rejects_everything_else(bad):
    with pytest.raises(InvalidSerialError):
        parse_serial(bad)


@pytest.mark.parametrize("bad", [None, 12, b"HWTC25F08D9D", ["HWTC25F08D9D"]])
def test_non_strings_are_a_validation_error(bad):
    with pytest.raises(InvalidSerialError):
        parse_serial(bad)


vendors = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=4, max_size=4)
tails = st.text(alphabet="0123456789ABCDEF", min_size=8, max_size=8)


@given(vendors, tails)
def test_round_trip_between_forms(vendor, tail):
    s = Serial(vendor, tail)
    for form in (s.canonical, s.hex, s.dashed, s.canonical.lower(), s.hex.lower()):
        assert parse_serial(form) == s
    assert len(s.canonical) == 12
    assert len(s.hex) == 16


@given(st.text(max_size=80))
def test_arbitrary_text_raises_only_the_validation_error(text):
    try:
        s = parse_serial(text)
    except InvalidSerialError:
        return
    # Anything accepted is exactly a serial: safe to type into a CLI.
    assert s.canonical.isalnum() and s.canonical.isascii() and len(s.canonical) == 12


@given(st.binary(max_size=40))
def test_arbitrary_bytes_decoded_raise_only_the_validation_error(data):
    text = data.decode("latin-1")
    try:
        s = parse_serial(text)
    except InvalidSerialError:
        return
    assert s.canonical.isascii() and s.canonical.isalnum() and len(s.canonical) == 12

"""The platform table: brand and model family to the OLT platform; no guessing."""

import pytest

from ponapi.errors import ErrorCode, UnknownPlatform
from ponapi.olt.location import Location
from ponapi.olt.platforms import BRANDS, platform_for
from ponapi.olt.platforms.huawei import HuaweiPlatform
from ponapi.olt.platforms.zte import ZtePlatform


def test_an_unknown_brand_is_an_error_not_zte():
    with pytest.raises(UnknownPlatform) as caught:
        platform_for("nokia", "ISAM FX")
    assert caught.value.code is ErrorCode.INVALID_REQUEST
    assert "nokia" in caught.value.details and "huawei" in caught.value.details


@pytest.mark.parametrize(
    ("model", "iface"),
    [
        ("C320", "gpon-onu_1/2/3:4"),
        ("C300", "gpon-onu_1/2/3:4"),
        ("", "gpon-onu_1/2/3:4"),
        ("C600", "gpon_onu-1/2/3:4"),
        ("c650", "gpon_onu-1/2/3:4"),
        ("TITAN", "gpon_onu-1/2/3:4"),
    ],
)
def test_zte_model_families_name_onus_their_own_way(model, iface):
    platform = platform_for("zte", model)
    assert isinstance(platform, ZtePlatform)
    assert platform.read(Location(1, 2, 3, 4))[0].endswith(iface)


def test_every_brand_has_its_dialect():
    assert BRANDS == ("huawei", "zte")
    assert isinstance(platform_for("huawei", "MA5800-X7"), HuaweiPlatform)
    assert {platform_for(b).dialect.name for b in BRANDS} == {"huawei", "zte"}

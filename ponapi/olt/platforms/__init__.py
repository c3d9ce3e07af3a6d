"""One module per OLT platform, and the one table that maps a brand (and, where the CLI
differs, a model family) to it. An unknown brand is an error, never a guess.

Adding a platform: one module with a class shaped like ``Platform`` and one row in ``_TABLE``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from ponapi.errors import UnknownPlatform
from ponapi.olt.dialect import Dialect, ModeCommand
from ponapi.olt.location import Location
from ponapi.olt.platforms import huawei, zte
from ponapi.olt.platforms.runner import Command, Found, OnuState, Outputs, Runner
from ponapi.serials import Serial
from ponapi.tr069.fields import AnySection

__all__ = ["BRANDS", "Found", "Platform", "dialect_for", "platform_for"]


class Platform(Protocol):
    brand: str
    dialect: Dialect

    def locate(self, serial: Serial) -> list[str]: ...
    def location_from(self, outputs: Outputs) -> Location | None: ...
    def read(self, loc: Location) -> list[Command]: ...
    def raw_from(self, outputs: Outputs) -> dict[str, Any]: ...
    def reported_serial(self, raw: dict[str, Any]) -> str | None: ...
    def sections(
        self, raw: dict[str, Any], now: datetime, tz: ZoneInfo
    ) -> dict[str, AnySection]: ...
    async def discover(self, pool: Runner, deadline: float) -> list[Found]: ...

    # Device actions: the command that shows the ONU's state and its parser, and the commands
    # (with the CLI mode each runs in) that change the admin state or reboot the ONU.
    def onu_state(self, loc: Location) -> str: ...
    def parse_onu_state(self, text: str) -> OnuState: ...
    def set_admin_state(self, loc: Location, enable: bool) -> ModeCommand: ...
    def reboot(self, loc: Location) -> ModeCommand: ...


# (brand, model-family prefixes) -> the platform; the first row whose prefixes match the model
# (upper-cased) wins, and a row with no prefixes is the brand's default.
_TABLE: tuple[tuple[str, tuple[str, ...], Callable[[], Platform]], ...] = (
    ("huawei", (), huawei.HuaweiPlatform),
    ("zte", ("C6", "TITAN"), lambda: zte.ZtePlatform(titan=True)),  # C600/C620/C650
    ("zte", (), lambda: zte.ZtePlatform(titan=False)),  # C300/C320
)
BRANDS = tuple(dict.fromkeys(brand for brand, _, _ in _TABLE))


def platform_for(brand: str, model: str = "") -> Platform:
    """The platform of an OLT; ``UnknownPlatform`` when no row matches its brand."""
    family = model.strip().upper()
    for row_brand, prefixes, make in _TABLE:
        if row_brand == brand and (not prefixes or family.startswith(prefixes)):
            return make()
    raise UnknownPlatform(
        f"No OLT platform for brand {brand[:40]!r}; supported: {', '.join(BRANDS)}."
    )


def dialect_for(brand: str) -> Dialect:
    return platform_for(brand).dialect

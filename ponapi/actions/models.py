"""Request bodies of the device actions (pydantic v2).

Each model accepts the snake_case keys the app sends and their camelCase forms, rejects unknown
keys, and checks every field that can be checked without the device (see ``validate``).
:func:`parse` turns any failure into :class:`ActionValidationError` naming the field as the app
spelled it in snake_case, so the API answers ``400 INVALID_REQUEST`` with that field and reason.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal, TypeVar

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic import model_validator as _model_validator
from pydantic.alias_generators import to_camel

from ponapi.actions import validate as v
from ponapi.actions.errors import ActionValidationError
from ponapi.serials import InvalidSerialError, parse_serial


class _Body(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="forbid", frozen=True
    )


class AuthMode(StrEnum):
    OPEN = "open"
    WPA = "wpa"
    WPA2 = "wpa2"
    WPA_WPA2 = "wpa-wpa2"
    WPA3 = "wpa3"
    WPA2_WPA3 = "wpa2-wpa3"


# What the app may send: its own display labels (those of tr069-stats' authMode), TR-181
# ModeEnabled names, TR-098 BeaconType names, and short forms.
_AUTH_NAMES: dict[str, AuthMode] = {
    "open": AuthMode.OPEN,
    "none": AuthMode.OPEN,
    "basic": AuthMode.OPEN,
    "wpa": AuthMode.WPA,
    "wpa presharedkey": AuthMode.WPA,
    "wpa-personal": AuthMode.WPA,
    "wpa-psk": AuthMode.WPA,
    "wpa2": AuthMode.WPA2,
    "11i": AuthMode.WPA2,
    "wpa2 presharedkey": AuthMode.WPA2,
    "wpa2-personal": AuthMode.WPA2,
    "wpa2-psk": AuthMode.WPA2,
    "wpa-wpa2": AuthMode.WPA_WPA2,
    "wpa/wpa2": AuthMode.WPA_WPA2,
    "wpaand11i": AuthMode.WPA_WPA2,
    "wpa/wpa2 presharedkey": AuthMode.WPA_WPA2,
    "wpa-wpa2-personal": AuthMode.WPA_WPA2,
    "wpa3": AuthMode.WPA3,
    "wpa3 sae": AuthMode.WPA3,
    "wpa3-personal": AuthMode.WPA3,
    "wpa2-wpa3": AuthMode.WPA2_WPA3,
    "wpa2/wpa3": AuthMode.WPA2_WPA3,
    "wpa2/wpa3 pskandsae": AuthMode.WPA2_WPA3,
    "wpa3-personal-transition": AuthMode.WPA2_WPA3,
}


def auth_mode(value: Any, field: str = "auth_mode") -> AuthMode:
    if isinstance(value, AuthMode):
        return value
    if isinstance(value, str) and value.strip().lower() in _AUTH_NAMES:
        return _AUTH_NAMES[value.strip().lower()]
    raise ActionValidationError(
        field, "must be one of: open, wpa, wpa2, wpa-wpa2, wpa3, wpa2-wpa3 (or the app's labels)"
    )


class WirelessLanRequest(_Body):
    """``POST .../tr069/wireless-lan``. Every setting is optional (unset = unchanged), but at
    least one must be given. An empty ``password`` means "unchanged" (passphrases read back
    empty, so the app may echo an empty one), except that open networks need none."""

    ssid: str | None = None
    password: str | None = None
    auth_mode: AuthMode | None = None
    channel: int | None = None
    tx_power: int | None = None
    country_domain: str | None = None
    band: str = "2.4GHz"
    enable: bool | None = None
    ssid_advertisement_enabled: bool | None = None

    @field_validator("ssid", mode="before")
    @classmethod
    def _ssid(cls, value: Any) -> Any:
        return None if value is None else v.ssid(value)

    @field_validator("password", mode="before")
    @classmethod
    def _password(cls, value: Any) -> Any:
        if value is None or value == "":
            return None
        return v.passphrase(value)

    @field_validator("auth_mode", mode="before")
    @classmethod
    def _auth(cls, value: Any) -> Any:
        return None if value is None else auth_mode(value)

    @field_validator("channel", mode="before")
    @classmethod
    def _channel(cls, value: Any) -> Any:
        return None if value is None else v.integer(value, "channel", 0, 255)

    @field_validator("tx_power", mode="before")
    @classmethod
    def _tx(cls, value: Any) -> Any:
        return None if value is None else v.integer(value, "tx_power", -1, 100)

    @field_validator("country_domain", mode="before")
    @classmethod
    def _country(cls, value: Any) -> Any:
        if isinstance(value, str) and value.strip() == v.WORLD_DOMAIN:
            return v.WORLD_DOMAIN  # as the device reports it: kept, never set (see the planner)
        return None if value is None else v.country(value)

    @field_validator("band", mode="before")
    @classmethod
    def _band(cls, value: Any) -> Any:
        return v.band(value)

    @field_validator("enable", "ssid_advertisement_enabled", mode="before")
    @classmethod
    def _bool(cls, value: Any, info: Any) -> Any:
        return None if value is None else v.boolean(value, info.field_name)

    @_model_validator(mode="after")
    def _whole(self) -> WirelessLanRequest:
        if self.channel:  # the device's country is checked by the planner when none is given
            named = self.country_domain != v.WORLD_DOMAIN and self.country_domain
            v.channel(self.channel, self.band, named or "*")
        settings = self.model_dump(exclude={"band"}, exclude_none=True)
        if not settings:
            raise ActionValidationError("ssid", "nothing to change: give at least one setting")
        return self


class LanDhcpRequest(_Body):
    """``POST .../tr069/lan-dhcp``. When the server is enabled, the range is required; the mask
    defaults to the device's, the DNS servers and the lease time to unchanged."""

    dhcp_server_enable: bool
    start_address: str | None = None
    end_address: str | None = None
    subnet_mask: str | None = None
    dns_servers: list[str] | None = None
    lease_time: int | None = None

    @field_validator("dhcp_server_enable", mode="before")
    @classmethod
    def _enable(cls, value: Any) -> Any:
        return v.boolean(value, "dhcp_server_enable")

    @field_validator("start_address", "end_address", mode="before")
    @classmethod
    def _addr(cls, value: Any, info: Any) -> Any:
        return None if value is None else str(v.ipv4(value, info.field_name))

    @field_validator("subnet_mask", mode="before")
    @classmethod
    def _mask(cls, value: Any) -> Any:
        return None if value is None else str(v.netmask(value))

    @field_validator("dns_servers", mode="before")
    @classmethod
    def _dns(cls, value: Any) -> Any:
        # The LAN pool is IPv4: its clients are handed IPv4 servers only.
        return None if value is None else v.dns_servers(value, version=4)

    @field_validator("lease_time", mode="before")
    @classmethod
    def _lease(cls, value: Any) -> Any:
        return None if value is None else v.integer(value, "lease_time", v.LEASE_MIN, v.LEASE_MAX)

    @_model_validator(mode="after")
    def _whole(self) -> LanDhcpRequest:
        if self.dhcp_server_enable:
            for name in ("start_address", "end_address"):
                if getattr(self, name) is None:
                    raise ActionValidationError(name, "is required when the DHCP server is on")
        return self


class PingRequest(_Body):
    host: str
    number_of_repetitions: int = 4
    timeout: int = 2000  # ms, per reply

    @field_validator("host", mode="before")
    @classmethod
    def _host(cls, value: Any) -> Any:
        return v.host(value)

    @field_validator("number_of_repetitions", mode="before")
    @classmethod
    def _reps(cls, value: Any) -> Any:
        return v.integer(value, "number_of_repetitions", 1, 20)

    @field_validator("timeout", mode="before")
    @classmethod
    def _timeout(cls, value: Any) -> Any:
        return v.integer(value, "timeout", 100, 10_000)


class TracerouteRequest(_Body):
    host: str
    max_hop_count: int = 30
    timeout: int = 5000  # ms, per probe

    @field_validator("host", mode="before")
    @classmethod
    def _host(cls, value: Any) -> Any:
        return v.host(value)

    @field_validator("max_hop_count", mode="before")
    @classmethod
    def _hops(cls, value: Any) -> Any:
        return v.integer(value, "max_hop_count", 1, 64)

    @field_validator("timeout", mode="before")
    @classmethod
    def _timeout(cls, value: Any) -> Any:
        return v.integer(value, "timeout", 100, 10_000)


class SpeedtestRequest(_Body):
    direction: Literal["download", "upload"] = "download"


def _confirmed(value: Any) -> Any:
    if value is not True:
        raise ActionValidationError("confirm", "must be true to confirm this action")
    return value


class ConfirmRequest(_Body):
    """``POST reboot`` / ``disable`` / ``enable``: ``confirm: true``."""

    confirm: bool

    @field_validator("confirm", mode="before")
    @classmethod
    def _confirm(cls, value: Any) -> Any:
        return _confirmed(value)


class ResyncRequest(_Body):
    """``POST resync-config``: no body (an empty object is accepted)."""


class FactoryResetRequest(_Body):
    """``POST factory-reset``: ``confirm: true`` and the ONU's serial typed again (any accepted
    form; compared canonically with :meth:`check_serial`)."""

    confirm: bool
    serial: str = Field(
        validation_alias=AliasChoices(
            "serial", "onu_serial", "onuSerial", "confirm_serial", "confirmSerial"
        )
    )

    @field_validator("confirm", mode="before")
    @classmethod
    def _confirm(cls, value: Any) -> Any:
        return _confirmed(value)

    @field_validator("serial", mode="before")
    @classmethod
    def _serial(cls, value: Any) -> Any:
        try:
            return parse_serial(value).canonical
        except InvalidSerialError as exc:
            raise ActionValidationError("serial", str(exc)) from None

    def check_serial(self, onu_serial: str) -> None:
        """Raise unless the typed serial is the ONU's (``onu_serial`` in any accepted form)."""
        try:
            expected = parse_serial(onu_serial).canonical
        except InvalidSerialError:
            expected = ""
        if self.serial != expected:
            raise ActionValidationError("serial", "does not match the ONU's serial number")


M = TypeVar("M", bound=BaseModel)


def parse(model: type[M], body: Any) -> M:
    """Validate ``body`` (a JSON object, or None for no body) as ``model``; raise only
    :class:`ActionValidationError` on bad input."""
    if body is None:
        body = {}
    if not isinstance(body, dict):
        raise ActionValidationError("body", "must be a JSON object")
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        raise _first_error(model, exc) from None


def _first_error(model: type[BaseModel], exc: ValidationError) -> ActionValidationError:
    err = exc.errors()[0]
    original = (err.get("ctx") or {}).get("error")
    if isinstance(original, ActionValidationError):
        return original
    loc = err.get("loc") or ()
    name = str(loc[0]) if loc and str(loc[0]) else "body"
    for field_name, info in model.model_fields.items():
        if name in (info.alias, field_name):
            name = field_name
            break
    kind = err.get("type", "")
    if kind == "missing":
        return ActionValidationError(name, "is required")
    if kind == "extra_forbidden":
        return ActionValidationError(name, "is not a known field")
    return ActionValidationError(name, str(err.get("msg", "is invalid")))

"""The fields of the list sections that the OLT platforms build too (``hosts[]``, ``lanPorts[]``),
below both builders: the TR-069 areas and the OLT screen read them here, so neither imports the
other."""

from __future__ import annotations

HOST_FIELDS = ("macAddress", "ipAddress", "addressSource", "hostname", "port", "active")
PORT_FIELDS = (
    "name",
    "enable",
    "status",
    "speed",
    "duplex",
    "l3Enable",
    "speedMode",
    "duplexMode",
    "flowControl",
)

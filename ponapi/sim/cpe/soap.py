"""The CWMP SOAP envelope (TR-069 Amendment 6, section A.2/A.3): build with the stdlib's
ElementTree, parse the ACS's answers with defusedxml (they are untrusted input).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET  # building only; parsing goes through defusedxml
from dataclasses import dataclass, field
from datetime import UTC, datetime

from defusedxml.ElementTree import fromstring

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP_ENC = "http://schemas.xmlsoap.org/soap/encoding/"
XSD = "http://www.w3.org/2001/XMLSchema"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
CWMP = "urn:dslforum-org:cwmp-1-0"
_PREFIXES = {"soap-env": SOAP_ENV, "soap-enc": SOAP_ENC, "xsd": XSD, "xsi": XSI, "cwmp": CWMP}
for _prefix, _uri in _PREFIXES.items():
    ET.register_namespace(_prefix, _uri)

FAULT_STRINGS = {
    9000: "Method not supported",
    9002: "Internal error",
    9003: "Invalid arguments",
    9005: "Invalid parameter name",
    9006: "Invalid parameter type",
    9007: "Invalid parameter value",
    9008: "Attempt to set a non-writable parameter",
    9010: "File transfer failure: unable to contact file server",
    9016: "File transfer failure: unable to access file",
}


class CwmpFault(Exception):
    """A CWMP fault the CPE answers with (``SetParameterValuesFault`` entries optional)."""

    def __init__(
        self, code: int, message: str = "", params: list[tuple[str, int]] | None = None
    ) -> None:
        super().__init__(message or FAULT_STRINGS.get(code, "Fault"))
        self.code = code
        self.message = message or FAULT_STRINGS.get(code, "Fault")
        self.params = list(params or [])


@dataclass
class Message:
    """One parsed SOAP message from the ACS: the cwmp:ID and the RPC element (None = empty)."""

    id: str = ""
    method: str = ""
    body: ET.Element | None = None
    fault: tuple[str, str] | None = None
    extra: dict[str, str] = field(default_factory=dict)


def q(ns: str, tag: str) -> str:
    return f"{{{ns}}}{tag}"


def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, tag, attrs)
    if text is not None:
        el.text = text
    return el


def rpc(method: str) -> ET.Element:
    return ET.Element(q(CWMP, method))


def envelope(message_id: str, body: ET.Element) -> bytes:
    env = ET.Element(q(SOAP_ENV, "Envelope"))
    # ElementTree declares the prefixes it writes; ``xsd`` only appears inside attribute values
    # (xsi:type="xsd:string"), so it is declared by hand.
    env.set("xmlns:xsd", XSD)
    header = sub(env, q(SOAP_ENV, "Header"))
    sub(header, q(CWMP, "ID"), message_id, **{q(SOAP_ENV, "mustUnderstand"): "1"})
    sub(env, q(SOAP_ENV, "Body")).append(body)
    xml = ET.tostring(env, encoding="unicode")
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + xml.encode()


def typed_value(parent: ET.Element, value: str, xsd: str) -> ET.Element:
    return sub(parent, "Value", value, **{q(XSI, "type"): xsd})


def array(parent: ET.Element, tag: str, item_type: str, count: int) -> ET.Element:
    return sub(parent, tag, **{q(SOAP_ENC, "arrayType"): f"{item_type}[{count}]"})


def fault_body(fault: CwmpFault) -> ET.Element:
    f = ET.Element(q(SOAP_ENV, "Fault"))
    sub(f, "faultcode", "Client" if fault.code != 9002 else "Server")
    sub(f, "faultstring", "CWMP fault")
    detail = sub(f, "detail")
    cf = sub(detail, q(CWMP, "Fault"))
    sub(cf, "FaultCode", str(fault.code))
    sub(cf, "FaultString", fault.message)
    for name, code in fault.params:
        spf = sub(cf, "SetParameterValuesFault")
        sub(spf, "ParameterName", name)
        sub(spf, "FaultCode", str(code))
        sub(spf, "FaultString", FAULT_STRINGS.get(code, "Fault"))
    return f


def parse(data: bytes) -> Message:
    """The ACS's message; an empty body (the ACS has nothing more) is an empty Message."""
    if not data.strip():
        return Message()
    root = fromstring(data)
    if root.tag != q(SOAP_ENV, "Envelope"):
        raise ValueError(f"not a SOAP envelope: {root.tag}")
    msg = Message()
    id_el = root.find(f"{q(SOAP_ENV, 'Header')}/{q(CWMP, 'ID')}")
    if id_el is not None:
        msg.id = id_el.text or ""
    body = root.find(q(SOAP_ENV, "Body"))
    if body is None or len(body) == 0:
        return msg
    el = body[0]
    if el.tag == q(SOAP_ENV, "Fault"):
        code = el.findtext(f"detail/{q(CWMP, 'Fault')}/FaultCode") or ""
        text = el.findtext(f"detail/{q(CWMP, 'Fault')}/FaultString") or ""
        msg.fault = (code, text)
        msg.method = "Fault"
        return msg
    msg.method = el.tag.rsplit("}", 1)[-1]
    msg.body = el
    return msg


def text(el: ET.Element, tag: str, default: str = "") -> str:
    found = el.find(tag)
    return (found.text or "") if found is not None else default


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"

"""The CPE side of the ACS's RPCs (TR-069 Annex A.3.2 and A.4.1): each handler takes the request
element and returns the response element, or raises ``CwmpFault``. What must happen after the
session (reboot, factory reset, transfer complete, diagnostics) is queued in ``after_session``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET  # building only
from collections.abc import Callable
from dataclasses import dataclass, field

from ponapi.sim.cpe import diagnostics
from ponapi.sim.cpe.model import DataModel
from ponapi.sim.cpe.soap import FAULT_STRINGS, CwmpFault, array, rpc, sub, text, typed_value

METHODS = (
    "GetRPCMethods",
    "GetParameterNames",
    "GetParameterValues",
    "SetParameterValues",
    "GetParameterAttributes",
    "SetParameterAttributes",
    "AddObject",
    "DeleteObject",
    "Reboot",
    "FactoryReset",
    "Download",
)
_BOOL = {"true", "false", "0", "1"}


@dataclass
class AfterSession:
    reboot: str | None = None  # CommandKey
    factory_reset: bool = False
    downloads: list[tuple[str, str, str]] = field(default_factory=list)  # key, url, file type
    diagnostics: list[diagnostics.Requested] = field(default_factory=list)


def _valid(value: str, xsd: str) -> bool:
    if xsd == "xsd:boolean":
        return value.strip().lower() in _BOOL
    if xsd in ("xsd:int", "xsd:long"):
        return value.strip().lstrip("-").isdigit()
    if xsd in ("xsd:unsignedInt", "xsd:unsignedLong"):
        return value.strip().isdigit()
    return True


class RpcHandler:
    def __init__(self, model: DataModel) -> None:
        self.model = model
        self.after = AfterSession()
        self.forced_faults: dict[str, int] = {}  # method -> fault code (a knob)

    def handle(self, method: str, req: ET.Element) -> ET.Element:
        if method in self.forced_faults:
            raise CwmpFault(self.forced_faults[method])
        handler: Callable[[ET.Element], ET.Element] | None = getattr(self, f"_{method}", None)
        if method not in METHODS or handler is None:
            raise CwmpFault(9000)
        return handler(req)

    def _path(self, path: str) -> str:
        if not self.model.exists(path):
            raise CwmpFault(9005, f"Invalid parameter name: {path}")
        return path

    # --- RPCs ------------------------------------------------------------------------------

    def _GetRPCMethods(self, req: ET.Element) -> ET.Element:
        out = rpc("GetRPCMethodsResponse")
        lst = array(out, "MethodList", "xsd:string", len(METHODS))
        for m in METHODS:
            sub(lst, "string", m)
        return out

    def _GetParameterNames(self, req: ET.Element) -> ET.Element:
        path = self._path(text(req, "ParameterPath"))
        next_level = text(req, "NextLevel", "false").strip().lower() in ("true", "1")
        names = self.model.names_under(path, next_level)
        out = rpc("GetParameterNamesResponse")
        lst = array(out, "ParameterList", "cwmp:ParameterInfoStruct", len(names))
        for name, writable in names:
            s = sub(lst, "ParameterInfoStruct")
            sub(s, "Name", name)
            sub(s, "Writable", "true" if writable else "false")
        return out

    def _GetParameterValues(self, req: ET.Element) -> ET.Element:
        names: list[str] = []
        for el in req.iter("string"):
            names.extend(self.model.leaves_under(self._path(el.text or "")))
        out = rpc("GetParameterValuesResponse")
        lst = array(out, "ParameterList", "cwmp:ParameterValueStruct", len(names))
        for name in names:
            s = sub(lst, "ParameterValueStruct")
            sub(s, "Name", name)
            typed_value(s, self.model.value(name), self.model.params[name].type)
        return out

    def _SetParameterValues(self, req: ET.Element) -> ET.Element:
        changes: list[tuple[str, str]] = []
        errors: list[tuple[str, int]] = []
        for s in req.iter("ParameterValueStruct"):
            name = text(s, "Name")
            value = text(s, "Value")
            p = self.model.params.get(name)
            if p is None:
                errors.append((name, 9005))
            elif not p.writable:
                errors.append((name, 9008))
            elif not _valid(value, p.type):
                errors.append((name, 9007))
            else:
                changes.append((name, value))
        if errors:  # all or nothing (A.3.2.1); one kind of error is reported as itself
            codes = {code for _, code in errors}
            top = codes.pop() if len(codes) == 1 else 9003
            raise CwmpFault(top, f"{FAULT_STRINGS[top]}: {errors[0][0]}", errors)
        for name, value in changes:
            self.model.update(name, value=value)
            armed = diagnostics.requested(self.model, name, value)
            if armed:
                self.after.diagnostics.append(armed)
        key = f"{self.model.root}.ManagementServer.ParameterKey"
        self.model.put(key, text(req, "ParameterKey"), writable=False)
        out = rpc("SetParameterValuesResponse")
        sub(out, "Status", "0")
        return out

    def _GetParameterAttributes(self, req: ET.Element) -> ET.Element:
        names: list[str] = []
        for el in req.iter("string"):
            names.extend(self.model.leaves_under(self._path(el.text or "")))
        out = rpc("GetParameterAttributesResponse")
        lst = array(out, "ParameterList", "cwmp:ParameterAttributeStruct", len(names))
        for name in names:
            p = self.model.params[name]
            s = sub(lst, "ParameterAttributeStruct")
            sub(s, "Name", name)
            sub(s, "Notification", str(p.notification))
            acl = array(s, "AccessList", "xsd:string", len(p.access))
            for entry in p.access:
                sub(acl, "string", entry)
        return out

    def _SetParameterAttributes(self, req: ET.Element) -> ET.Element:
        updates = []
        for s in req.iter("SetParameterAttributesStruct"):
            names = self.model.leaves_under(self._path(text(s, "Name")))
            notify = text(s, "Notification")
            if text(s, "NotificationChange").strip().lower() in ("true", "1"):
                if notify not in ("0", "1", "2"):
                    raise CwmpFault(9007, f"Invalid notification {notify!r}")
            else:
                notify = ""
            access = None
            if text(s, "AccessListChange").strip().lower() in ("true", "1"):
                access = [el.text or "" for el in s.iter("string")]
            updates.append((names, notify, access))
        for names, notify, access in updates:
            for name in names:
                if notify:
                    self.model.update(name, notification=int(notify))
                if access is not None:
                    self.model.update(name, access=tuple(access))
        return rpc("SetParameterAttributesResponse")

    def _AddObject(self, req: ET.Element) -> ET.Element:
        path = text(req, "ObjectName")
        if not path.endswith(".") or path not in self.model.objects:
            raise CwmpFault(9005, f"Invalid object name: {path}")
        number = self.model.add_object(path)
        self._parameter_key(req)
        out = rpc("AddObjectResponse")
        sub(out, "InstanceNumber", str(number))
        sub(out, "Status", "0")
        return out

    def _DeleteObject(self, req: ET.Element) -> ET.Element:
        path = text(req, "ObjectName")
        last = path.rstrip(".").rsplit(".", 1)[-1]
        if not path.endswith(".") or path not in self.model.objects or not last.isdigit():
            raise CwmpFault(9005, f"Invalid object name: {path}")
        self.model.delete_object(path)
        self._parameter_key(req)
        out = rpc("DeleteObjectResponse")
        sub(out, "Status", "0")
        return out

    def _parameter_key(self, req: ET.Element) -> None:
        key = f"{self.model.root}.ManagementServer.ParameterKey"
        self.model.put(key, text(req, "ParameterKey"), writable=False)

    def _Reboot(self, req: ET.Element) -> ET.Element:
        self.after.reboot = text(req, "CommandKey")
        return rpc("RebootResponse")

    def _FactoryReset(self, req: ET.Element) -> ET.Element:
        self.after.factory_reset = True
        return rpc("FactoryResetResponse")

    def _Download(self, req: ET.Element) -> ET.Element:
        url = text(req, "URL")
        if not url:
            raise CwmpFault(9003, "Download without a URL")
        self.after.downloads.append((text(req, "CommandKey"), url, text(req, "FileType")))
        out = rpc("DownloadResponse")
        sub(out, "Status", "1")  # not yet done: TransferComplete follows in a later session
        sub(out, "StartTime", "0001-01-01T00:00:00Z")
        sub(out, "CompleteTime", "0001-01-01T00:00:00Z")
        return out

"""``security``: remote-access switches and local accounts.

Only vendor objects carry these, with opposite polarities: Huawei ``X_HW_Security.AclServices``
``*Enable`` (true = allowed), Nokia per-WAN ``X_ALU-COM_WanAccessCfg.*Disabled`` (true =
blocked) plus the global ``DeviceInfo.X_ALU-COM_ServiceManage.*Enable`` (read as the LAN side:
the WAN side has its own switches), ZTE ``X_ZTE-COM_Telnet``, TP-Link ``X_TP_AppCfg`` and the
standard ``UserInterface.RemoteAccess.Enable``. Each field lists its candidates in order; the
first with a value wins. Paths are relative to the data-model root; ``{wan}`` is the first WAN
connection that has a Nokia ``X_ALU-COM_WanAccessCfg``.

Passwords are secrets (``SECRETS``): most firmwares read them back empty (TR-069 hides them),
some (Intelbras, TP-Link EC220) in clear text. The service shows them only to roles allowed to
see secrets, as ``wirelessLan.password``.
"""

from __future__ import annotations

from ponapi import display as fmt
from ponapi.tr069 import kit
from ponapi.tr069.areas.base import DeviceView
from ponapi.tr069.document import DeviceDocument
from ponapi.tr069.fields import Fields, Section
from ponapi.tr069.kit import AnySection
from ponapi.tr069.spec import SectionSpec, by_root

FIELDS = (
    "ftpWan",
    "ftpLan",
    "uiWan",
    "uiLan",
    "sshWan",
    "sshLan",
    "sambaWan",
    "sambaLan",
    "telnetWan",
    "telnetLan",
    "wanIcmpEcho",
    "sshService",
    "telnetService",
    "cliUsername",
    "cliPassword",
    "webUserEnabled",
    "webUsername",
    "webPassword",
    "webAdminEnabled",
    "webAdminName",
    "webAdminPassword",
)
SECRETS = ("cliPassword", "webPassword", "webAdminPassword")
PROJECTION = (
    "InternetGatewayDevice.X_HW_Security.AclServices",
    "InternetGatewayDevice.UserInterface",
    "InternetGatewayDevice.DeviceInfo.X_ALU-COM_ServiceManage",
    "InternetGatewayDevice.DeviceInfo.X_HUAWEI_ServiceManage",
    "InternetGatewayDevice.X_Authentication",
    "InternetGatewayDevice.X_ZTE-COM_Telnet",
    "InternetGatewayDevice.X_TP_AppCfg",
    "InternetGatewayDevice.X_TP_UserCfg",
    "InternetGatewayDevice.WANDevice.1.WANConnectionDevice",  # Nokia per-WAN access switches
    "Device.UserInterface",
    "Device.Users",
    "Device.X_TP_AppCfg",
    "Device.X_TP_UserCfg",
)

_ACL = "X_HW_Security.AclServices"
_NOKIA = "DeviceInfo.X_ALU-COM_ServiceManage"
_WAN_CFG = "{wan}.X_ALU-COM_WanAccessCfg"
_HW_WEB = "UserInterface.X_HW_WebUserInfo"
_TP_APP = "X_TP_AppCfg"

E, D, T = kit.enabled, kit.disabled_flag, kit.text


def _permit(value: object) -> str | None:
    """A ping-answer switch: true = answer."""
    b = fmt.to_bool(value)
    return None if b is None else ("Permit" if b else "Deny")


def _deny_flag(value: object) -> str | None:
    """An ``IcmpEchoReqDisabled`` flag: true = no answer."""
    b = fmt.to_bool(value)
    return None if b is None else ("Deny" if b else "Permit")


CANDIDATES: dict[str, tuple[tuple[str, kit.Conv], ...]] = {
    "ftpWan": ((f"{_ACL}.FTPWanEnable", E), (f"{_WAN_CFG}.FtpDisabled", D)),
    "ftpLan": ((f"{_ACL}.FTPLanEnable", E), (f"{_NOKIA}.FtpEnable", E)),
    "uiWan": (
        (f"{_ACL}.HTTPWanEnable", E),
        (f"{_WAN_CFG}.HttpDisabled", D),
        (f"{_TP_APP}.HttpCfg.HttpRemoteEnabled", E),
        ("UserInterface.RemoteAccess.Enable", E),
    ),
    "uiLan": ((f"{_ACL}.HTTPLanEnable", E), (f"{_TP_APP}.HttpCfg.HttpLocalEnabled", E)),
    "sshWan": ((f"{_ACL}.SSHWanEnable", E), (f"{_WAN_CFG}.SshDisabled", D)),
    "sshLan": ((f"{_ACL}.SSHLanEnable", E), (f"{_NOKIA}.SshEnable", E)),
    "sambaWan": ((f"{_ACL}.SamBaWanEnable", E),),
    "sambaLan": ((f"{_ACL}.SamBaLanEnable", E), (f"{_NOKIA}.SambaEnable", E)),
    "telnetWan": ((f"{_ACL}.TELNETWanEnable", E), (f"{_WAN_CFG}.TelnetDisabled", D)),
    "telnetLan": (
        (f"{_ACL}.TELNETLanEnable", E),
        (f"{_NOKIA}.TelnetEnable", E),
        (f"{_TP_APP}.TelnetCfg.TelnetLocalEnabled", E),
        ("DeviceInfo.X_HUAWEI_ServiceManage.TelnetEnable", E),
    ),
    "wanIcmpEcho": (
        (f"{_WAN_CFG}.IcmpEchoReqDisabled", _deny_flag),
        (f"{_TP_APP}.ACL.1.EnabledWanPing", _permit),
    ),
    "sshService": (("UserInterface.X_HW_CLISSHControl.Enable", E), (f"{_NOKIA}.SshEnable", E)),
    "telnetService": (
        ("UserInterface.X_HW_CLITelnetAccess.Access", E),
        (f"{_NOKIA}.TelnetEnable", E),
        ("X_ZTE-COM_Telnet.Enable", E),
        (f"{_TP_APP}.TelnetCfg.TelnetLocalEnabled", E),
        ("DeviceInfo.X_HUAWEI_ServiceManage.TelnetEnable", E),
    ),
    "cliUsername": (
        ("UserInterface.X_HW_CLIUserInfo.1.Username", T),
        ("X_Authentication.TelnetSshAccount.UserName", T),
        ("X_ZTE-COM_Telnet.CLIUser.Username", T),
        ("UserInterface.X_HUAWEI_Cli.UserInfo.1.Username", T),
    ),
    "cliPassword": (
        ("UserInterface.X_HW_CLIUserInfo.1.Userpassword", T),
        ("X_Authentication.TelnetSshAccount.Password", T),
        ("X_ZTE-COM_Telnet.CLIUser.Password", T),
        ("UserInterface.X_HUAWEI_Cli.UserInfo.1.Userpassword", T),
    ),
    "webUserEnabled": (
        (f"{_HW_WEB}.1.Enable", E),
        ("X_Authentication.Account.Enable", E),
        ("Users.User.2.Enable", E),
    ),
    "webUsername": (
        (f"{_HW_WEB}.1.UserName", T),
        ("X_Authentication.Account.UserName", T),
        ("Users.User.2.Username", T),
        ("X_TP_UserCfg.UserName", T),
        ("UserInterface.X_ITBS_Username", T),
    ),
    "webPassword": (
        (f"{_HW_WEB}.1.Password", T),
        ("X_Authentication.Account.Password", T),
        ("Users.User.2.Password", T),
        ("X_TP_UserCfg.UserPwd", T),
        ("UserInterface.X_ITBS_UserPassword", T),
    ),
    "webAdminEnabled": (
        (f"{_HW_WEB}.2.Enable", E),
        ("X_Authentication.WebAccount.Enable", E),
        ("X_TP_UserCfg.AdminEnable", E),
        ("Users.User.1.Enable", E),
    ),
    "webAdminName": (
        (f"{_HW_WEB}.2.UserName", T),
        ("X_Authentication.WebAccount.UserName", T),
        ("UserInterface.X_ZTE-COM_WebUserInfo.AdminName", T),
        ("X_TP_UserCfg.AdminName", T),
        ("Users.User.1.Username", T),
    ),
    "webAdminPassword": (
        (f"{_HW_WEB}.2.Password", T),
        ("X_Authentication.WebAccount.Password", T),
        ("UserInterface.X_ZTE-COM_WebUserInfo.AdminPassword", T),
        ("X_TP_UserCfg.AdminPwd", T),
        ("Users.User.1.Password", T),
    ),
}


def _nokia_wan(doc: DeviceDocument, root: str) -> str:
    """The first WAN connection carrying a Nokia ``X_ALU-COM_WanAccessCfg``."""
    base = f"{root}.WANDevice"
    for wd in doc.instances(base):
        for wcd in doc.instances(f"{base}.{wd}.WANConnectionDevice"):
            for kind in ("WANPPPConnection", "WANIPConnection"):
                table = f"{base}.{wd}.WANConnectionDevice.{wcd}.{kind}"
                for j in doc.instances(table):
                    if doc.node(f"{table}.{j}.X_ALU-COM_WanAccessCfg") is not None:
                        return f"{table}.{j}"
    return ""


def security(doc: DeviceDocument) -> Section:
    root = kit.root_of(doc)
    if not root:
        return kit.absent()
    wan = _nokia_wan(doc, root) if root == kit.TR098 else ""
    f = Fields(doc, FIELDS)
    for name, candidates in CANDIDATES.items():
        for rel, conv in candidates:
            if "{wan}" in rel:
                if not wan:
                    continue
                path = rel.replace("{wan}", wan)
            else:
                path = f"{root}.{rel}"
            p = f.read(path)
            if p is not None and conv(p.value) is not None:
                f.put(name, conv(p.value))
                break
    if not (set(f.values) - set(SECRETS)):
        return kit.absent()  # no security object this model's data model exposes
    return f.finish()


def build(m: DeviceView) -> dict[str, AnySection]:
    return {"security": security(m.doc)}


SECURITY = SectionSpec(
    "security",
    "object",
    build,
    projection=by_root(*PROJECTION),
    secret=("cliPassword", "webPassword", "webAdminPassword"),
    limitation="The ONU's access settings live on the ONU; no OLT command reads them.",
)

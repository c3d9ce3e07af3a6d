"""The OLT layer's failures, as the product's typed errors (``ponapi.errors``)."""

from __future__ import annotations

from ponapi.errors import AuthFailed, LoginLimit, OltUnreachable, UpstreamError, UpstreamTimeout

# Every failure an OLT session raises.
OltError = (OltUnreachable, AuthFailed, UpstreamTimeout, UpstreamError)


def unreachable(details: str) -> OltUnreachable:
    return OltUnreachable(details)


def login_limit(details: str) -> LoginLimit:
    return LoginLimit(details)


def auth_failed(details: str) -> AuthFailed:
    return AuthFailed(details)


def timed_out(details: str) -> UpstreamTimeout:
    return UpstreamTimeout(details)


class CommandFailed(UpstreamError):
    """The OLT rejected a command (``Failure: ...``, ``%Error ...``)."""

    def __init__(self, details: str, output: str) -> None:
        super().__init__(details)
        self.output = output

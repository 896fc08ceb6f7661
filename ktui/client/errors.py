"""Typed failures: one exception per Kubernetes Status reason, plus configuration errors.

Callers branch on the class (`except NotFound`), users read `str(error)`: the server's own
message, never a traceback.
"""

from __future__ import annotations

from typing import Any

import orjson


class ClientError(Exception):
    """Anything this client raises on purpose."""


class KubeconfigError(ClientError):
    """The kubeconfig (or in-cluster configuration) cannot be used; the message says why."""


class CredentialError(ClientError):
    """An exec credential plugin failed or answered something unusable."""


class UnknownResource(ClientError):
    """Discovery does not know the kind or resource name asked for."""


class ApiError(ClientError):
    """The API server answered with a failure Status."""

    def __init__(self, code: int, status: dict[str, Any]) -> None:
        self.code = code
        self.status = status
        self.reason: str = status.get("reason") or ""
        self.message: str = status.get("message") or f"HTTP {code}"
        self.details: dict[str, Any] = status.get("details") or {}
        super().__init__(self.message)

    @property
    def causes(self) -> list[dict[str, Any]]:
        return list(self.details.get("causes") or [])

    @property
    def retry_after(self) -> float | None:
        seconds = self.details.get("retryAfterSeconds")
        return float(seconds) if seconds else None

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code}, {self.message!r})"


class BadRequest(ApiError): ...


class Unauthorized(ApiError): ...


class Forbidden(ApiError): ...


class NotFound(ApiError): ...


class MethodNotAllowed(ApiError): ...


class NotAcceptable(ApiError): ...


class AlreadyExists(ApiError): ...


class Conflict(ApiError): ...


class Gone(ApiError):
    """The resourceVersion asked for was compacted: relist."""


class Expired(Gone): ...


class RequestEntityTooLarge(ApiError): ...


class UnsupportedMediaType(ApiError): ...


class Invalid(ApiError): ...


class TooManyRequests(ApiError): ...


class InternalError(ApiError): ...


class ServiceUnavailable(ApiError): ...


class ServerTimeout(ApiError): ...


class Timeout(ApiError): ...


_BY_REASON: dict[str, type[ApiError]] = {
    "BadRequest": BadRequest,
    "Unauthorized": Unauthorized,
    "Forbidden": Forbidden,
    "NotFound": NotFound,
    "MethodNotAllowed": MethodNotAllowed,
    "NotAcceptable": NotAcceptable,
    "AlreadyExists": AlreadyExists,
    "Conflict": Conflict,
    "Gone": Gone,
    "Expired": Expired,
    "RequestEntityTooLarge": RequestEntityTooLarge,
    "UnsupportedMediaType": UnsupportedMediaType,
    "Invalid": Invalid,
    "TooManyRequests": TooManyRequests,
    "InternalError": InternalError,
    "ServiceUnavailable": ServiceUnavailable,
    "ServerTimeout": ServerTimeout,
    "Timeout": Timeout,
}

# A Status without a reason (or a proxy's HTML error page) still deserves a class.
_BY_CODE: dict[int, type[ApiError]] = {
    400: BadRequest,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    405: MethodNotAllowed,
    406: NotAcceptable,
    409: Conflict,
    410: Gone,
    413: RequestEntityTooLarge,
    415: UnsupportedMediaType,
    422: Invalid,
    429: TooManyRequests,
    500: InternalError,
    503: ServiceUnavailable,
    504: Timeout,
}


def status_error(status: dict[str, Any], code: int | None = None) -> ApiError:
    """The exception for a decoded Status object (from a response or an in-stream ERROR)."""
    code = int(code or status.get("code") or 500)
    cls = _BY_REASON.get(status.get("reason") or "") or _BY_CODE.get(code, ApiError)
    return cls(code, status)


def api_error(code: int, body: bytes) -> ApiError:
    """The exception for a failed HTTP response body, Status or not."""
    try:
        status = orjson.loads(body) if body else {}
    except orjson.JSONDecodeError:
        status = {}
    if not isinstance(status, dict) or status.get("kind") != "Status":
        text = body.decode("utf-8", "replace").strip()[:500]
        status = {"message": text or f"HTTP {code}", "code": code}
    return status_error(status, code)


class ConnectionFailed(ClientError):
    """The API server could not be reached or the connection broke (network, TLS, proxy)."""

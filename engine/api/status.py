"""metav1.Status bodies: the only shape an error takes when it crosses the API.

`StatusError` is what handlers raise; the app turns it into a response with
`status_bytes()`. The helpers mirror apimachinery's `k8s.io/apimachinery/pkg/api/errors`
constructors, with the messages kube-apiserver prints, so kubectl shows the same text.
"""

from __future__ import annotations

from typing import Any

import orjson

# Reason → HTTP code, as in metav1.StatusReason.
REASON_CODES: dict[str, int] = {
    "BadRequest": 400,
    "Unauthorized": 401,
    "Forbidden": 403,
    "NotFound": 404,
    "MethodNotAllowed": 405,
    "NotAcceptable": 406,
    "AlreadyExists": 409,
    "Conflict": 409,
    "Gone": 410,
    "Expired": 410,
    "RequestEntityTooLarge": 413,
    "UnsupportedMediaType": 415,
    "Invalid": 422,
    "TooManyRequests": 429,
    "InternalError": 500,
    "ServiceUnavailable": 503,
    "Timeout": 504,
}


def status_body(
    code: int,
    reason: str,
    message: str,
    details: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A failure `Status` object as a dict (field order as kube-apiserver writes it)."""
    body: dict[str, Any] = {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": message,
        "reason": reason,
    }
    if details is not None:
        body["details"] = details
    body["code"] = code
    return body


def success_body(details: dict[str, Any] | None = None) -> dict[str, Any]:
    """A success `Status` (what DELETE returns for some kinds)."""
    body: dict[str, Any] = {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Success",
    }
    if details is not None:
        body["details"] = details
    return body


class StatusError(Exception):
    """An API error that becomes a metav1.Status response. Raise it from any handler."""

    def __init__(
        self,
        code: int,
        reason: str,
        message: str,
        details: dict[str, Any] | None = None,
        headers: list[tuple[bytes, bytes]] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.reason = reason
        self.message = message
        self.details = details
        self.headers = headers or []

    def body(self) -> dict[str, Any]:
        return status_body(self.code, self.reason, self.message, self.details)

    def to_bytes(self) -> bytes:
        return orjson.dumps(self.body())


def status_bytes(
    code: int, reason: str, message: str, details: dict[str, Any] | None = None
) -> bytes:
    return orjson.dumps(status_body(code, reason, message, details))


def _qualified(group: str, resource: str) -> str:
    return f"{resource}.{group}" if group else resource


def _details(name: str, group: str, kind: str) -> dict[str, Any]:
    details: dict[str, Any] = {}
    if name:
        details["name"] = name
    if group:
        details["group"] = group
    if kind:
        details["kind"] = kind
    return details


# -- constructors with upstream messages ----------------------------------------------


def unauthorized(message: str = "Unauthorized") -> StatusError:
    return StatusError(401, "Unauthorized", message)


def forbidden(message: str) -> StatusError:
    return StatusError(403, "Forbidden", message)


def path_not_found() -> StatusError:
    """404 for a URL no handler serves (kube-apiserver's NotFoundHandler)."""
    return StatusError(404, "NotFound", "the server could not find the requested resource", {})


def not_found(resource: str, name: str, group: str = "") -> StatusError:
    """404 for a missing object: `pods "x" not found`."""
    return StatusError(
        404,
        "NotFound",
        f'{_qualified(group, resource)} "{name}" not found',
        _details(name, group, resource),
    )


def already_exists(resource: str, name: str, group: str = "") -> StatusError:
    return StatusError(
        409,
        "AlreadyExists",
        f'{_qualified(group, resource)} "{name}" already exists',
        _details(name, group, resource),
    )


def conflict(resource: str, name: str, reason: str, group: str = "") -> StatusError:
    return StatusError(
        409,
        "Conflict",
        f'Operation cannot be fulfilled on {_qualified(group, resource)} "{name}": {reason}',
        _details(name, group, resource),
    )


def bad_request(message: str) -> StatusError:
    return StatusError(400, "BadRequest", message)


def method_not_allowed() -> StatusError:
    return StatusError(
        405,
        "MethodNotAllowed",
        "the server does not allow this method on the requested resource",
        {},
    )


def gone(message: str) -> StatusError:
    return StatusError(410, "Gone", message)


def expired(message: str) -> StatusError:
    """410 for a compacted resourceVersion: `too old resource version: 5 (100)`."""
    return StatusError(410, "Expired", message)


def too_large(message: str = "Request entity too large") -> StatusError:
    return StatusError(413, "RequestEntityTooLarge", message)


def too_many_requests(message: str = "Too many requests, please try again later.") -> StatusError:
    return StatusError(429, "TooManyRequests", message, {"retryAfterSeconds": 1})


def internal_error(cause: str) -> StatusError:
    """500 as apierrors.NewInternalError: the cause, never a traceback."""
    return StatusError(
        500,
        "InternalError",
        f"Internal error occurred: {cause}",
        {"causes": [{"message": cause}]},
    )

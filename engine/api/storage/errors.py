"""Status errors of the storage layer, with kube-apiserver's messages (apimachinery's
`errors` package), beyond the constructors of engine/api/status.py."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from engine.api.status import StatusError
from engine.registry.field_errors import FieldError, aggregate
from engine.registry.types import ResourceType

INTERNAL_RV_ON_CREATE = "resourceVersion should not be set on objects to be created"
MODIFIED = (
    "the object has been modified; please apply your changes to the latest version and try again"
)


def _details(rt: ResourceType, name: str, kind: str | None = None) -> dict[str, Any]:
    details: dict[str, Any] = {"name": name} if name else {}
    if rt.group:
        details["group"] = rt.group
    details["kind"] = kind if kind is not None else rt.plural
    return details


def invalid(
    rt: ResourceType, name: str, errors: Sequence[FieldError], kind: str | None = None
) -> StatusError:
    """422: `Deployment.apps "x" is invalid: spec.replicas: Invalid value: -1: ...`."""
    qualified = kind or rt.qualified_kind
    details = _details(rt, name, kind.split(".")[0] if kind else rt.kind)
    details["causes"] = [e.cause() for e in errors]
    return StatusError(
        422, "Invalid", f'{qualified} "{name}" is invalid: {aggregate(errors)}', details
    )


def not_found(rt: ResourceType, name: str, resource: str | None = None) -> StatusError:
    qualified = resource or rt.qualified_resource
    details = _details(rt, name, (resource or rt.plural).split(".")[0])
    return StatusError(404, "NotFound", f'{qualified} "{name}" not found', details)


def namespace_not_found(name: str) -> StatusError:
    return StatusError(
        404, "NotFound", f'namespaces "{name}" not found', {"name": name, "kind": "namespaces"}
    )


def already_exists(rt: ResourceType, name: str) -> StatusError:
    return StatusError(
        409, "AlreadyExists", f'{rt.qualified_resource} "{name}" already exists', _details(rt, name)
    )


def conflict(
    rt: ResourceType, name: str, why: str = MODIFIED, resource: str | None = None
) -> StatusError:
    qualified = resource or rt.qualified_resource
    return StatusError(
        409,
        "Conflict",
        f'Operation cannot be fulfilled on {qualified} "{name}": {why}',
        _details(rt, name, (resource or rt.plural).split(".")[0]),
    )


def forbidden(
    rt: ResourceType, name: str, why: str, causes: list[dict[str, str]] | None = None
) -> StatusError:
    subject = f'{rt.qualified_resource} "{name}"' if name else rt.qualified_resource
    details = _details(rt, name)
    if causes:
        details["causes"] = causes
    return StatusError(403, "Forbidden", f"{subject} is forbidden: {why}", details)


def namespace_terminating(rt: ResourceType, name: str, namespace: str) -> StatusError:
    return forbidden(
        rt,
        name,
        f"unable to create new content in namespace {namespace} because it is being terminated",
        [
            {
                "reason": "NamespaceTerminating",
                "message": f"namespace {namespace} is being terminated",
                "field": "metadata.namespace",
            }
        ],
    )


def bad_request(message: str) -> StatusError:
    return StatusError(400, "BadRequest", message)


def expired(message: str) -> StatusError:
    return StatusError(410, "Expired", message)


def too_old(requested: int, oldest: int) -> StatusError:
    return expired(f"too old resource version: {requested} ({oldest})")


def too_large_rv(requested: int, current: int) -> StatusError:
    return StatusError(
        504,
        "Timeout",
        f"Timeout: Too large resource version: {requested}, current: {current}",
        {
            "causes": [
                {
                    "reason": "ResourceVersionTooLarge",
                    "message": f"Too large resource version: {requested}, current: {current}",
                }
            ],
            "retryAfterSeconds": 1,
        },
    )


def internal(message: str) -> StatusError:
    return StatusError(
        500,
        "InternalError",
        f"Internal error occurred: {message}",
        {"causes": [{"message": message}]},
    )


def too_many_requests(
    message: str, causes: list[dict[str, str]] | None = None, retry_after: int = 0
) -> StatusError:
    details: dict[str, Any] = {"causes": causes} if causes else {}
    if retry_after:
        details["retryAfterSeconds"] = retry_after
    return StatusError(429, "TooManyRequests", message, details or None)


def not_acceptable(accepted: Sequence[str]) -> StatusError:
    return StatusError(
        406, "NotAcceptable", "only the following media types are accepted: " + ", ".join(accepted)
    )


def unsupported_media_type(content_type: str, accepted: Sequence[str]) -> StatusError:
    return StatusError(
        415,
        "UnsupportedMediaType",
        f"the body of the request was in an unknown format - accepted media types include: {', '.join(accepted)}",
    )


def method_not_supported(rt: ResourceType, verb: str) -> StatusError:
    return StatusError(
        405,
        "MethodNotAllowed",
        f'{verb} is not supported on resources of kind "{rt.qualified_resource}"',
        {"group": rt.group, "kind": rt.plural} if rt.group else {"kind": rt.plural},
    )

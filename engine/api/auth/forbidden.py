"""403 Forbidden as kube-apiserver writes it (responsewriters.ForbiddenStatusError)."""

from __future__ import annotations

from engine.api.status import StatusError

from .attributes import Attributes


def forbidden_message(attrs: Attributes) -> str:
    """`User "jane" cannot list resource "pods" in API group "" in the namespace "default"`."""
    user = attrs.user.name
    if not attrs.resource_request:
        return f'User "{user}" cannot {attrs.verb} path "{attrs.path}"'
    resource = attrs.combined_resource
    where = f'in the namespace "{attrs.namespace}"' if attrs.namespace else "at the cluster scope"
    return (
        f'User "{user}" cannot {attrs.verb} resource "{resource}" '
        f'in API group "{attrs.group}" {where}'
    )


def forbidden(attrs: Attributes, reason: str = "") -> StatusError:
    """apierrors.NewForbidden(GroupResource, name, message)."""
    message = forbidden_message(attrs)
    if reason:
        message = f"{message}: {reason}"
    resource = attrs.resource if attrs.resource_request else ""
    group = attrs.group if attrs.resource_request else ""
    name = attrs.name if attrs.resource_request else ""
    qualified = f"{resource}.{group}" if group else resource
    if not qualified:
        text = f"forbidden: {message}"
    elif not name:
        text = f"{qualified} is forbidden: {message}"
    else:
        text = f'{qualified} "{name}" is forbidden: {message}'
    details: dict[str, str] = {}
    if name:
        details["name"] = name
    if group:
        details["group"] = group
    if resource:
        details["kind"] = resource
    return StatusError(403, "Forbidden", text, details)

"""How kube-apiserver v1.32 words field-validation failures, so kubectl prints the same.

- Strict, on create/update/patch (JSON bodies): 400 BadRequest,
  ``Deployment in version "v1" cannot be handled as a Deployment: strict decoding error:
  unknown field "spec.foo", duplicate field "spec.replicas"`` (conformance test
  "should detect unknown and duplicate fields of a typed object").
- Warn (the default when a client sends no fieldValidation): the request succeeds and each
  issue becomes a ``Warning: 299 - "unknown field \\"spec.foo\\""`` header.
- Strict, on server-side apply: structured-merge-diff's error, which kube-apiserver returns
  as a plain error, i.e. code 500 with no reason (kubectl: ``Error from server: failed to
  create typed patch object (default/web; apps/v1, Kind=Deployment): .spec.foo: field not
  declared in schema``).
"""

from __future__ import annotations

from collections.abc import Iterable

from engine.api.openapi.fields import FieldIssue, messages
from engine.api.status import StatusError


def strict_decoding_message(kind: str, version: str, issues: Iterable[FieldIssue | str]) -> str:
    joined = ", ".join(messages(issues))
    return f'{kind} in version "{version}" cannot be handled as a {kind}: strict decoding error: {joined}'


def strict_decoding_error(
    kind: str, version: str, issues: Iterable[FieldIssue | str]
) -> StatusError:
    """The 400 BadRequest of ``fieldValidation=Strict`` on a body with unknown/duplicate fields."""
    return StatusError(400, "BadRequest", strict_decoding_message(kind, version, issues))


def warning_header(text: str) -> tuple[bytes, bytes]:
    """One ``Warning`` header as Go's warning recorder writes it (code 299, agent "-")."""
    quoted = '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return (b"warning", f"299 - {quoted}".encode())


def warning_headers(issues: Iterable[FieldIssue | str]) -> list[tuple[bytes, bytes]]:
    """The headers of ``fieldValidation=Warn``: one per issue."""
    return [warning_header(text) for text in messages(issues)]


def apply_field_message(
    namespace: str, name: str, group: str, version: str, kind: str, paths: Iterable[str]
) -> str:
    """structured-merge-diff's message for unknown fields in an apply patch; `paths` come from
    ``unknown_fields(..., apply_style=True)``."""
    errors = [f"{path}: field not declared in schema" for path in paths]
    detail = errors[0] if len(errors) == 1 else "\n".join(["errors:", *("  " + e for e in errors)])
    gv = f"{group}/{version}" if group else f"/{version}"
    return f"failed to create typed patch object ({namespace}/{name}; {gv}, Kind={kind}): {detail}"


def apply_field_error(
    namespace: str, name: str, group: str, version: str, kind: str, paths: Iterable[str]
) -> StatusError:
    """What server-side apply answers for unknown fields: 500, no reason (see module doc)."""
    return StatusError(500, "", apply_field_message(namespace, name, group, version, kind, paths))

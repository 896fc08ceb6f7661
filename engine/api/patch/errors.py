"""Why a patch was refused, as the `metav1.Status` kube-apiserver answers with.

Each class is a `StatusError`, so the API layer can let them propagate unchanged. The codes
follow `k8s.io/apiserver/pkg/endpoints/handlers/patch.go`:

- a patch body that does not decode, or a malformed directive   → 400 BadRequest
- a JSON patch whose operations cannot be applied (failed `test`, missing path, ...)
                                                                → 422 Invalid, generic
  message, the library's error as a `details.causes[].message` (NewGenericServerResponse)
- more than 10,000 JSON patch operations                        → 413 RequestEntityTooLarge
- strategic merge patch on a kind without patch metadata (CRDs) → 415 UnsupportedMediaType
- the strategic-merge library's other errors (missing merge key, unknown `$patch` value):
  kube returns them as plain Go errors, which become a reasonless 500.

`detail` keeps the upstream library's own error text (what kubectl shows for 500s and what
422s carry as their cause).
"""

from __future__ import annotations

from typing import Any

from engine.api.status import StatusError

from .gostyle import go_string_verb, go_type, go_value

GENERIC_422 = "the server rejected our request due to an error in our request"

# Patch content types kube-apiserver accepts, in the order its 415 message lists them.
JSON_PATCH = "application/json-patch+json"
MERGE_PATCH = "application/merge-patch+json"
STRATEGIC_MERGE_PATCH = "application/strategic-merge-patch+json"
APPLY_PATCH_YAML = "application/apply-patch+yaml"
BUILTIN_PATCH_TYPES = (JSON_PATCH, MERGE_PATCH, STRATEGIC_MERGE_PATCH, APPLY_PATCH_YAML)
CUSTOM_RESOURCE_PATCH_TYPES = (JSON_PATCH, MERGE_PATCH, APPLY_PATCH_YAML)


class PatchError(StatusError):
    """Base class: a patch that cannot be applied. `detail` is the library-level reason."""

    def __init__(
        self,
        code: int,
        reason: str,
        message: str,
        details: dict[str, Any] | None = None,
        *,
        detail: str | None = None,
    ) -> None:
        super().__init__(code, reason, message, details)
        self.detail = detail if detail is not None else message

    def __str__(self) -> str:
        return self.detail


class InvalidPatchError(PatchError):
    """400: the patch document is malformed (not JSON of the right shape, bad directive)."""

    def __init__(self, message: str) -> None:
        super().__init__(400, "BadRequest", message)


class PatchApplyError(PatchError):
    """422: a well-formed patch that does not apply to this object."""

    def __init__(self, detail: str) -> None:
        causes = [{"reason": "UnexpectedServerResponse", "message": detail}]
        super().__init__(422, "Invalid", GENERIC_422, {"causes": causes}, detail=detail)


class PatchTestFailedError(PatchApplyError):
    """422: a JSON patch `test` operation compared unequal."""


class PatchTooLargeError(PatchError):
    """413: more JSON patch operations than kube-apiserver accepts."""

    def __init__(self, message: str) -> None:
        super().__init__(413, "RequestEntityTooLarge", message)


class UnsupportedPatchTypeError(PatchError):
    """415: this content type cannot patch this kind (strategic merge on a custom resource)."""

    def __init__(self, accepted: tuple[str, ...] = CUSTOM_RESOURCE_PATCH_TYPES) -> None:
        message = (
            "the body of the request was in an unknown format - accepted media types include: "
            + ", ".join(accepted)
        )
        super().__init__(415, "UnsupportedMediaType", message)
        self.accepted = accepted


class StrategicMergeError(PatchError):
    """500 without a reason: a strategic-merge failure kube reports as a bare Go error."""

    def __init__(self, message: str) -> None:
        super().__init__(500, "", message)

    def body(self) -> dict[str, Any]:
        # kube-apiserver omits an empty reason (`omitempty`), so do we.
        body = super().body()
        body.pop("reason", None)
        return body


# -- texts of k8s.io/apimachinery/pkg/util/mergepatch errors --------------------------------

BAD_PRIMITIVE_LIST = "invalid patch format of primitive list"
BAD_RETAIN_KEYS = "invalid patch format of retainKeys"
BAD_SET_ELEMENT_ORDER = "invalid patch format of setElementOrder list"
NO_LIST_OF_LISTS = "lists of lists are not supported"


def no_merge_key(item: dict[str, Any], merge_key: str) -> StrategicMergeError:
    return StrategicMergeError(
        f"map: {go_value(item)} does not contain declared merge key: {merge_key}"
    )


def bad_arg_type(expected: Any, actual: Any) -> StrategicMergeError:
    return StrategicMergeError(f"expected a {go_type(expected)}, but received a {go_type(actual)}")


def bad_patch_type(directive: Any, item: dict[str, Any]) -> StrategicMergeError:
    return StrategicMergeError(
        f"unknown patch type: {go_string_verb(directive)} in map: {go_value(item)}"
    )

"""Request options (metav1.ListOptions, CreateOptions, DeleteOptions...) parsed once from a
query string or body, and shared by the HTTP handlers and the in-process client."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from engine.api.status import StatusError

from .errors import bad_request

Query = Mapping[str, list[str]]

EXACT, NOT_OLDER_THAN = "Exact", "NotOlderThan"
FIELD_VALIDATION = ("Ignore", "Strict", "Warn")
PROPAGATION = ("Background", "Foreground", "Orphan")
TRUE_WORDS = ("true", "1", "True", "TRUE", "t", "T")
FALSE_WORDS = ("false", "0", "False", "FALSE", "f", "F", "")


def _first(query: Query, name: str) -> str | None:
    values = query.get(name)
    return values[0] if values else None


def _bool(query: Query, name: str, default: bool = False) -> bool:
    value = _first(query, name)
    if value is None:
        return default
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise bad_request(f'invalid boolean value "{value}" for {name}')


def _int(query: Query, name: str) -> int | None:
    value = _first(query, name)
    if value is None or value == "":
        return None
    try:
        return int(value)
    except ValueError:
        raise bad_request(
            f'strconv.ParseInt: parsing "{value}": invalid syntax for {name}'
        ) from None


def _dry_run(values: list[str] | None) -> bool:
    for value in values or ():
        if value != "All":
            raise StatusError(
                400,
                "BadRequest",
                f'Invalid dryRun value "{value}": only "All" is supported',
            )
    return bool(values)


@dataclass(slots=True)
class ListOptions:
    label_selector: str = ""
    field_selector: str = ""
    limit: int = 0
    continue_token: str = ""
    resource_version: str = ""
    resource_version_match: str = ""
    watch: bool = False
    allow_bookmarks: bool = False
    timeout_seconds: int | None = None
    send_initial_events: bool | None = None

    @classmethod
    def from_query(cls, query: Query) -> ListOptions:
        watch = _first(query, "watch")
        send = _first(query, "sendInitialEvents")
        opts = cls(
            label_selector=_first(query, "labelSelector") or "",
            field_selector=_first(query, "fieldSelector") or "",
            limit=_int(query, "limit") or 0,
            continue_token=_first(query, "continue") or "",
            resource_version=_first(query, "resourceVersion") or "",
            resource_version_match=_first(query, "resourceVersionMatch") or "",
            watch=watch is not None and watch in TRUE_WORDS,
            allow_bookmarks=_bool(query, "allowWatchBookmarks"),
            timeout_seconds=_int(query, "timeoutSeconds"),
            send_initial_events=None if send is None else send in TRUE_WORDS,
        )
        opts.check()
        return opts

    def check(self) -> None:
        """The combinations kube-apiserver rejects with 400 (ValidateListOptions)."""
        if self.limit < 0:
            self.limit = 0
        match = self.resource_version_match
        if match not in ("", EXACT, NOT_OLDER_THAN):
            raise bad_request(
                f'resourceVersionMatch: Unsupported value: "{match}": supported values: '
                f'"Exact", "NotOlderThan", ""'
            )
        if match and not self.resource_version:
            raise bad_request(
                "resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless "
                "resourceVersion is provided"
            )
        if match and self.continue_token:
            raise bad_request(
                "resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden when "
                "continue is provided"
            )
        if match == EXACT and self.resource_version == "0":
            raise bad_request(
                'resourceVersionMatch: Forbidden: resourceVersionMatch "exact" is forbidden '
                'for resourceVersion "0"'
            )
        if self.continue_token and self.resource_version not in ("", "0"):
            raise bad_request("specifying resource version is not allowed when using continue")
        if self.resource_version:
            parse_rv(self.resource_version)
        if self.send_initial_events is not None and self.watch:
            if match != NOT_OLDER_THAN:
                raise bad_request(
                    "resourceVersionMatch: Forbidden: sendInitialEvents requires setting "
                    "resourceVersionMatch to NotOlderThan"
                )
            if not self.allow_bookmarks:
                raise bad_request(
                    "allowWatchBookmarks: Forbidden: sendInitialEvents requires "
                    "allowWatchBookmarks=true"
                )


MAX_RV = 2**64 - 1


def parse_rv(text: str) -> int:
    # strconv.ParseUint: ASCII digits only (Python's int() also takes "+1", " 1", "1_0")
    value = int(text) if text.isascii() and text.isdigit() else -1
    if value < 0 or value > MAX_RV:  # a uint64 upstream
        raise bad_request(
            f'resourceVersion: Invalid value: "{text}": must be a non-negative integer'
        )
    return value


@dataclass(slots=True)
class WriteOptions:
    dry_run: bool = False
    field_manager: str = ""
    field_validation: str = ""
    force: bool = False
    # Strict/Warn field validation of the object a PATCH produces (set by the HTTP layer).
    checker: Callable[[dict[str, Any]], None] | None = None

    @classmethod
    def from_query(cls, query: Query, user_agent: str = "") -> WriteOptions:
        validation = _first(query, "fieldValidation") or ""
        if validation and validation not in FIELD_VALIDATION:
            raise bad_request(
                f'fieldValidation: Unsupported value: "{validation}": supported values: '
                '"Ignore", "Strict", "Warn"'
            )
        manager = _first(query, "fieldManager") or ""
        if len(manager) > 128:
            raise bad_request("fieldManager: Too long: may not be more than 128 bytes")
        if not manager and user_agent:
            manager = user_agent.split("/", 1)[0][:128]
        return cls(
            dry_run=_dry_run(query.get("dryRun")),
            field_manager=manager,
            field_validation=validation,
            force=_bool(query, "force"),
        )


# DeleteOptions fields → (Go type, Python check), for the decoding errors of a bad body.
_DELETE_FIELDS: dict[str, tuple[str, Callable[[Any], bool]]] = {
    "gracePeriodSeconds": ("int64", lambda v: isinstance(v, int) and not isinstance(v, bool)),
    "propagationPolicy": ("DeletionPropagation", lambda v: isinstance(v, str)),
    "orphanDependents": ("bool", lambda v: isinstance(v, bool)),
    "preconditions": ("Preconditions", lambda v: isinstance(v, dict)),
    "dryRun": ("[]string", lambda v: isinstance(v, list) and all(isinstance(i, str) for i in v)),
}
_PRECONDITION_FIELDS = ("uid", "resourceVersion")


def _go_type(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def _check_delete_body(body: dict[str, Any]) -> None:
    """400 like the JSON decoder of kube-apiserver for a DeleteOptions field of a wrong type."""
    for name, (go_type, ok) in _DELETE_FIELDS.items():
        value = body.get(name)
        if value is not None and not ok(value):
            raise bad_request(
                f"json: cannot unmarshal {_go_type(value)} into Go struct field "
                f"DeleteOptions.{name} of type {go_type}"
            )
    pre = body.get("preconditions") or {}
    for name in _PRECONDITION_FIELDS:
        value = pre.get(name)
        if value is not None and not isinstance(value, str):
            raise bad_request(
                f"json: cannot unmarshal {_go_type(value)} into Go struct field "
                f"Preconditions.preconditions.{name} of type string"
            )


@dataclass(slots=True)
class DeleteOptions:
    grace_period_seconds: int | None = None
    propagation_policy: str | None = None
    orphan_dependents: bool | None = None
    precondition_uid: str | None = None
    precondition_rv: str | None = None
    dry_run: bool = False

    @classmethod
    def parse(cls, query: Query, body: Any) -> DeleteOptions:
        """From the query string, overridden by a DeleteOptions body when one was sent."""
        opts = cls(
            grace_period_seconds=_int(query, "gracePeriodSeconds"),
            propagation_policy=_first(query, "propagationPolicy"),
            orphan_dependents=_bool(query, "orphanDependents")
            if "orphanDependents" in query
            else None,
            dry_run=_dry_run(query.get("dryRun")),
        )
        if isinstance(body, dict):
            _check_delete_body(body)
            if body.get("gracePeriodSeconds") is not None:
                opts.grace_period_seconds = int(body["gracePeriodSeconds"])
            if body.get("propagationPolicy"):
                opts.propagation_policy = str(body["propagationPolicy"])
            if body.get("orphanDependents") is not None:
                opts.orphan_dependents = bool(body["orphanDependents"])
            pre = body.get("preconditions")
            if isinstance(pre, dict):
                opts.precondition_uid = pre.get("uid")
                opts.precondition_rv = pre.get("resourceVersion")
            if body.get("dryRun"):
                opts.dry_run = _dry_run(list(body["dryRun"]))
        elif body is not None:
            raise bad_request("the body of a delete request must be a DeleteOptions object")
        opts.check()
        return opts

    def check(self) -> None:
        policy = self.propagation_policy
        if policy is not None and policy not in PROPAGATION:
            raise StatusError(
                422,
                "Invalid",
                f'DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: '
                f'"{policy}": supported values: "Foreground", "Background", "Orphan", "nil"',
            )
        if policy is not None and self.orphan_dependents is not None:
            raise StatusError(
                422,
                "Invalid",
                'DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Invalid value: '
                f'"{policy}": orphanDependents and deletionPropagation cannot be both set',
            )
        if self.grace_period_seconds is not None and self.grace_period_seconds < 0:
            self.grace_period_seconds = 1  # upstream: a negative grace period means "soon"

    @property
    def policy(self) -> str | None:
        if self.orphan_dependents is not None:
            return "Orphan" if self.orphan_dependents else "Background"
        return self.propagation_policy

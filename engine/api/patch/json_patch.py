"""JSON Patch (RFC 6902, `application/json-patch+json`) as kube-apiserver applies it.

kube-apiserver uses gopkg.in/evanphx/json-patch.v4; we follow it where it and the RFC
differ, because clients see the server's behaviour, not the RFC's:

- `replace` of a missing object member sets it (v4 only checks that array indexes exist);
- `copy` from a missing object member copies `null`;
- a negative array index counts from the end (`-1` is the last element; for `add`, `-1`
  appends);
- the whole document (`""`) can be replaced and tested, but not added to or removed;
- numbers compare by value in `test` (the RFC's rule; Go compares their text).

Error texts are the library's (`testing value /spec/replicas failed: test failed`); the
exceptions carry them as `detail` and map to the Status kube answers with (see errors.py).
A path without a leading `/` is reported as missing (v4 would silently drop its first
segment). The input document is never modified.
"""

from __future__ import annotations

import re
from typing import Any

from .errors import InvalidPatchError, PatchApplyError, PatchTestFailedError
from .gostyle import go_json_kind
from .jsonvalue import deep_copy, json_equal
from .pointer import parse_pointer

Container = dict[str, Any] | list[Any]

_ABSENT = object()  # an operation member that is not there (unlike an explicit null)
_ATOI = re.compile(r"[+-]?[0-9]+")


class _Failed(Exception):
    """A library-level failure; the text is evanphx's, wrapped Go-style (`outer: inner`)."""


class _TestFailed(_Failed):
    pass


def decode_operations(patch: Any) -> list[dict[str, Any]]:
    """Check the decoded body has the shape of a JSON patch; 400 with Go's message if not."""
    if patch is None:
        return []  # Go decodes `null` into an empty patch: nothing to do
    if not isinstance(patch, list):
        raise InvalidPatchError(
            f"json: cannot unmarshal {go_json_kind(patch)} into Go value of type jsonpatch.Patch"
        )
    for op in patch:
        if op is not None and not isinstance(op, dict):
            raise InvalidPatchError(
                f"json: cannot unmarshal {go_json_kind(op)} "
                "into Go value of type jsonpatch.Operation"
            )
    return [op or {} for op in patch]


def apply_json_patch(document: Any, patch: Any) -> Any:
    """Apply the operations in order to a copy of `document` and return the copy.

    Raises InvalidPatchError (400) for a body that is not a list of objects,
    PatchTestFailedError (422) when a `test` fails, PatchApplyError (422) otherwise.
    """
    operations = decode_operations(patch)
    root = deep_copy(document)
    if not isinstance(root, (dict, list)):
        raise PatchApplyError(
            f"json: cannot unmarshal {go_json_kind(root)} "
            "into Go value of type jsonpatch.partialDoc"
        )
    for op in operations:
        try:
            root = _apply_one(root, op)
        except _TestFailed as exc:
            raise PatchTestFailedError(str(exc)) from None
        except _Failed as exc:
            raise PatchApplyError(str(exc)) from None
    return root


def _apply_one(root: Container, op: dict[str, Any]) -> Container:
    kind = op.get("op")
    if kind == "add":
        _add(root, op)
    elif kind == "remove":
        _remove(root, op)
    elif kind == "replace":
        return _replace(root, op)
    elif kind == "move":
        _move(root, op)
    elif kind == "test":
        _test(root, op)
    elif kind == "copy":
        _copy(root, op)
    else:
        raise _Failed(f"Unexpected kind: {kind if isinstance(kind, str) else 'unknown'}")
    return root


# -- operation members ------------------------------------------------------------------


def _member(op: dict[str, Any], name: str, missing: str) -> str:
    """A string member; raises _Failed with Go's reason (`<missing>: missing value`)."""
    value = op.get(name)
    if value is None:
        raise _Failed(f"{missing}: missing value")
    if not isinstance(value, str):
        raise _Failed(f"json: cannot unmarshal {go_json_kind(value)} into Go value of type string")
    return value


def _path(op: dict[str, Any], verb: str, keep_reason: bool = True) -> str:
    try:
        return _member(op, "path", "operation missing path field")
    except _Failed as exc:
        # add, remove and copy drop the reason and report a bare "missing value".
        reason = str(exc) if keep_reason else "missing value"
        raise _Failed(f"{verb} operation failed to decode path: {reason}") from None


def _from(op: dict[str, Any], verb: str) -> str:
    try:
        return _member(op, "from", "operation, missing from field")
    except _Failed as exc:
        raise _Failed(f"{verb} operation failed to decode from: {exc}") from None


# -- containers ----------------------------------------------------------------------------


def _find(root: Container, path: str) -> tuple[Container, str] | None:
    """The container holding the pointer's last token, and that token; None if unreachable."""
    tokens = parse_pointer(path)
    if not tokens:
        return None
    container: Any = root
    for token in tokens[:-1]:
        try:
            container = _get(container, token)
        except _Failed:
            return None
        if not isinstance(container, (dict, list)):
            return None  # missing, null, or a scalar: nothing to descend into
    return container, tokens[-1]


def _atoi(key: str) -> int:
    if not _ATOI.fullmatch(key):
        raise _Failed(f'strconv.Atoi: parsing "{key}": invalid syntax')
    return int(key)


def _invalid_index(idx: int) -> _Failed:
    return _Failed(f"Unable to access invalid index: {idx}: invalid index referenced")


def _get(container: Container, key: str) -> Any:
    """The value at `key`, None for a missing object member; array errors raise."""
    if isinstance(container, dict):
        return container.get(key)
    idx = _atoi(key)
    if idx < 0:
        if idx < -len(container):
            raise _invalid_index(idx)
        idx += len(container)
    if idx >= len(container):
        raise _invalid_index(idx)
    return container[idx]


def _put(container: Container, key: str, value: Any) -> None:
    """RFC `add`: set an object member, or insert into an array (`-` appends)."""
    if isinstance(container, dict):
        container[key] = value
        return
    if key == "-":
        container.append(value)
        return
    try:
        idx = _atoi(key)
    except _Failed as exc:
        raise _Failed(f"value was not a proper array index: '{key}': {exc}") from None
    size = len(container) + 1
    if idx >= size:
        raise _invalid_index(idx)
    if idx < 0:
        if idx < -size:
            raise _invalid_index(idx)
        idx += size
    container.insert(idx, value)


def _delete(container: Container, key: str) -> None:
    if isinstance(container, dict):
        if key not in container:
            raise _Failed(f"Unable to remove nonexistent key: {key}: missing value")
        del container[key]
        return
    idx = _atoi(key)
    if idx >= len(container):
        raise _invalid_index(idx)
    if idx < 0:
        if idx < -len(container):
            raise _invalid_index(idx)
        idx += len(container)
    del container[idx]


# -- operations ------------------------------------------------------------------------------


def _add(root: Container, op: dict[str, Any]) -> None:
    path = _path(op, "add", keep_reason=False)
    found = _find(root, path)
    if found is None:
        raise _Failed(f'add operation does not apply: doc is missing path: "{path}"')
    try:
        _put(*found, deep_copy(op.get("value")))
    except _Failed as exc:
        raise _Failed(f"error in add for path: '{path}': {exc}") from None


def _remove(root: Container, op: dict[str, Any]) -> None:
    path = _path(op, "remove", keep_reason=False)
    found = _find(root, path)
    if found is None:
        raise _Failed(f'remove operation does not apply: doc is missing path: "{path}"')
    try:
        _delete(*found)
    except _Failed as exc:
        raise _Failed(f"error in remove for path: '{path}': {exc}") from None


def _replace(root: Container, op: dict[str, Any]) -> Container:
    path = _path(op, "replace")
    value = deep_copy(op.get("value", _ABSENT))
    if path == "":
        if not isinstance(value, (dict, list)):
            raise _Failed("replace operation value must be object or array")
        return value
    found = _find(root, path)
    if found is None:
        raise _Failed(f"replace operation does not apply: doc is missing path: {path}")
    container, key = found
    if isinstance(container, list):
        try:
            idx = _atoi(key)
            _get(container, key)
        except _Failed:
            raise _Failed(
                f"replace operation does not apply: doc is missing key: {path}: missing value"
            ) from None
        container[idx] = None if value is _ABSENT else value
    else:
        container[key] = None if value is _ABSENT else value
    return root


def _move(root: Container, op: dict[str, Any]) -> None:
    source = _from(op, "move")
    found = _find(root, source)
    if found is None:
        raise _Failed(f"move operation does not apply: doc is missing from path: {source}")
    container, key = found
    try:
        value = _get(container, key)
        _delete(container, key)
    except _Failed as exc:
        raise _Failed(f"error in move for path: '{key}': {exc}") from None
    path = _path(op, "move")
    target = _find(root, path)
    if target is None:
        raise _Failed(f"move operation does not apply: doc is missing destination path: {path}")
    try:
        _put(*target, value)
    except _Failed as exc:
        raise _Failed(f"error in move for path: '{path}': {exc}") from None


def _test(root: Container, op: dict[str, Any]) -> None:
    path = _path(op, "test")
    expected = op.get("value", _ABSENT)
    failed = _TestFailed(f"testing value {path} failed: test failed")
    if path == "":
        if expected is _ABSENT or not json_equal(root, expected):
            raise failed
        return
    found = _find(root, path)
    if found is None:
        raise _Failed(f"test operation does not apply: is missing path: {path}")
    try:
        actual = _get(*found)
    except _Failed as exc:
        raise _Failed(f"error in test for path: '{path}': {exc}") from None
    if actual is None:
        # A missing member and an explicit null both match an absent or null value.
        if expected is _ABSENT or expected is None:
            return
        raise failed
    if expected is _ABSENT or not json_equal(actual, expected):
        raise failed


def _copy(root: Container, op: dict[str, Any]) -> None:
    source = _from(op, "copy")
    found = _find(root, source)
    if found is None:
        raise _Failed(f"copy operation does not apply: doc is missing from path: {source}")
    try:
        value = _get(*found)
    except _Failed as exc:
        raise _Failed(f"error in copy for from: '{source}': {exc}") from None
    path = _path(op, "copy", keep_reason=False)
    target = _find(root, path)
    if target is None:
        raise _Failed(f"copy operation does not apply: doc is missing destination path: {path}")
    try:
        _put(*target, deep_copy(value))
    except _Failed as exc:
        raise _Failed(f"error while adding value during copy: {exc}") from None

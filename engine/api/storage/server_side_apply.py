"""Server-side apply (PATCH application/apply-patch+yaml), as structured-merge-diff does it.

    config set  = the fields the applied configuration specifies (less server metadata)
    merged      = live ⊕ configuration (merge.py: keyed lists by key, atomics replaced)
    prune       = drop the fields this manager applied last time and no longer applies,
                  unless some manager (this one included) still owns them
    conflicts   = fields the apply changes that other managers own: 409 unless force,
                  which takes them; an apply that only repeats another manager's values
                  shares ownership instead
    entries     = this manager's Apply entry owns exactly the config set; the others lose
                  what the apply removed (and, with force, what it took)

An apply that changes nothing keeps the entry's time and the resourceVersion. A missing
object is created (201). `kubectl` (the manager `kubectl apply --server-side` uses) may
take over fields that client-side apply set to the same values (lastAppliedManager), and
keeps the last-applied-configuration annotation in step when the object has one.
"""

from __future__ import annotations

import copy
import dataclasses
from typing import Any

import orjson

from engine.api.fieldpath import (
    Conflict,
    FieldSet,
    InvalidValue,
    Node,
    compare,
    conflict_causes,
    conflict_message,
    ensure_named_fields,
    merge,
    remove_items,
    root_node,
    to_field_set,
)
from engine.api.fieldpath.elements import go_json
from engine.api.status import StatusError
from engine.registry.types import Obj, ResourceType

from .context import StorageContext
from .errors import bad_request
from .managed_fields import (
    Entry,
    Identity,
    Managers,
    decode,
    encode,
    owned_filter,
    without_managed_fields,
)
from .meta import now
from .options import WriteOptions
from .writes import Outcome, create, update

LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
KUBECTL = "kubectl"  # the only manager whose applies migrate client-side apply


def missing_field_manager() -> StatusError:
    """ValidatePatchOptions: 422 on PatchOptions."""
    return StatusError(
        422,
        "Invalid",
        'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: '
        "is required for apply patch",
        {
            "group": "meta.k8s.io",
            "kind": "PatchOptions",
            "causes": [
                {
                    "reason": "FieldValueRequired",
                    "message": "Required value: is required for apply patch",
                    "field": "fieldManager",
                }
            ],
        },
    )


def apply_conflict(conflicts: list[Conflict]) -> StatusError:
    return StatusError(
        409, "Conflict", conflict_message(conflicts), {"causes": conflict_causes(conflicts)}
    )


def _check_config(rt: ResourceType, patch: Any, name: str) -> Obj:
    if not isinstance(patch, dict):
        raise bad_request("error decoding YAML: the body of an apply request must be an object")
    api_version, kind = patch.get("apiVersion"), patch.get("kind")
    if not api_version or not kind:
        raise bad_request(f"invalid object type: {api_version or ''}, Kind={kind or ''}")
    if api_version != rt.api_version:
        raise bad_request(
            "Incorrect version specified in apply patch. Specified patch version: "
            f"{api_version}, expected: {rt.api_version}"
        )
    if kind != rt.kind:
        raise bad_request(
            f"the kind in the data ({kind}) does not match the expected kind ({rt.kind})"
        )
    meta = patch.get("metadata", {})
    if not isinstance(meta, dict):
        # a null metadata would wipe the live object's (name included): no object to apply
        raise bad_request(f"the name of the object () does not match the name on the URL ({name})")
    if meta.get("managedFields") is not None:
        raise bad_request("metadata.managedFields must be nil")
    given = meta.get("name") or ""
    if given and given != name:
        raise bad_request(
            f"the name of the object ({given}) does not match the name on the URL ({name})"
        )
    return copy.deepcopy(patch)


@dataclasses.dataclass(slots=True)
class _Apply:
    """One apply: the configuration, its manager and the kind's type."""

    rt: ResourceType
    config: Obj
    manager: str
    force: bool
    subresource: str
    time: str
    root: Node = dataclasses.field(init=False)

    def __post_init__(self) -> None:
        version = self.rt.api_version.rsplit("/", 1)[-1]
        self.root = root_node(self.rt.group, version, self.rt.kind)

    @property
    def identity(self) -> Identity:
        return (self.manager, "Apply", "", self.subresource)

    def owned(self, fields: FieldSet) -> FieldSet:
        return owned_filter(fields, self.rt.has_status, self.subresource)

    def run(self, live: Obj, managers: Managers) -> tuple[Obj, Managers, bool]:
        """(result, entries, changed) or StatusError 409 on conflicts."""
        try:
            config_set = self.owned(to_field_set(self.config, self.root))
            merged = merge(live, self.config, self.root)
        except InvalidValue as exc:
            raise bad_request(f"failed to create typed patch object: {exc}") from None
        previous = managers.get(self.identity)
        managers[self.identity] = Entry(
            self.manager,
            "Apply",
            self.rt.api_version,
            previous.time if previous is not None else None,
            self.subresource,
            config_set,
        )
        if previous is not None and not previous.fields.empty():
            merged = self._prune(merged, managers, previous.fields)
        cmp = compare(live, merged, self.root)
        changed, removed = self.owned(cmp.changed()), self.owned(cmp.removed)
        conflicts = self._conflicts(managers, changed)
        if conflicts and not self.force:
            allowed = self._allowed_by_last_applied(live)
            left = [c for c in conflicts if allowed is None or not allowed.has(c.path)]
            if left:
                raise apply_conflict(left)
        for identity, entry in managers.items():
            if identity != self.identity:
                entry.fields = entry.fields.difference(changed).difference(removed)
        is_changed = merged != live
        if is_changed:
            managers[self.identity].time = self.time
        return merged, managers, is_changed

    def _prune(self, merged: Obj, managers: Managers, last: FieldSet) -> Obj:
        """Fields last applied and owned by nobody now leave the object."""
        owned = FieldSet()
        for entry in managers.values():
            owned = owned.union(entry.fields)
        present = ensure_named_fields(to_field_set(merged, self.root), self.root)
        drop = present.intersection(ensure_named_fields(last, self.root)).difference(
            ensure_named_fields(owned, self.root)
        )
        return remove_items(merged, drop, self.root)

    def _conflicts(self, managers: Managers, changed: FieldSet) -> list[Conflict]:
        out: list[Conflict] = []
        for identity, entry in sorted(managers.items()):
            if identity == self.identity:
                continue
            for path in entry.fields.intersection(changed).paths():
                out.append(
                    Conflict(
                        entry.manager, entry.operation, entry.api_version, entry.subresource, path
                    )
                )
        return out

    def _allowed_by_last_applied(self, live: Obj) -> FieldSet | None:
        """lastAppliedManager: `kubectl` may take the fields client-side apply last set to
        the values the object still has (the migration from client-side apply)."""
        if self.manager != KUBECTL:
            return None
        text = ((live.get("metadata") or {}).get("annotations") or {}).get(LAST_APPLIED)
        if not text:
            return None
        try:
            last_applied = orjson.loads(text)
            fields = to_field_set(last_applied, self.root)
            differing = compare(last_applied, live, self.root).modified
        except (orjson.JSONDecodeError, InvalidValue, AttributeError, TypeError):
            return None
        return fields.difference(differing)

    def sync_last_applied(self, obj: Obj) -> None:
        """lastAppliedUpdater: `kubectl` applies rewrite an existing annotation."""
        annotations = (obj.get("metadata") or {}).get("annotations")
        if self.manager != KUBECTL or not isinstance(annotations, dict):
            return
        if LAST_APPLIED not in annotations:
            return
        annotations[LAST_APPLIED] = last_applied_value(self.config)


def last_applied_value(config: Obj) -> str:
    """buildLastApplied: the configuration without the annotation itself, as Go encodes
    it (sorted keys, newline-terminated)."""
    body = copy.deepcopy(config)
    annotations = (body.get("metadata") or {}).get("annotations")
    if isinstance(annotations, dict):
        annotations.pop(LAST_APPLIED, None)
    return go_json(body) + "\n"


async def apply(
    ctx: StorageContext,
    rt: ResourceType,
    namespace: str,
    name: str,
    patch: Any,
    opts: WriteOptions,
    subresource: str = "",
) -> Outcome:
    if not opts.field_manager:
        raise missing_field_manager()
    config = _check_config(rt, patch, name)
    if opts.checker is not None:
        opts.checker(config)
    job = _Apply(rt, config, opts.field_manager, opts.force, subresource, now(ctx.clock))
    update_opts = dataclasses.replace(opts, field_manager="", checker=None)

    def mutate(current: Obj | None) -> tuple[Obj, bool]:
        assert current is not None
        try:
            managers = decode((current.get("metadata") or {}).get("managedFields"))
        except ValueError:
            managers = {}
        live = without_managed_fields(current)
        merged, managers, _ = job.run(live, managers)
        job.sync_last_applied(merged)
        merged.setdefault("metadata", {})["managedFields"] = encode(managers)
        return merged, False

    try:
        return await update(
            ctx, rt, namespace, name, mutate, update_opts, subresource=subresource, ownership=True
        )
    except StatusError as exc:
        if exc.code != 404 or subresource:
            raise
    if not (config.get("metadata") or {}).get("name"):
        raise bad_request(f"the name of the object () does not match the name on the URL ({name})")
    created, managers, _ = job.run({}, {})
    created = await create(
        ctx,
        rt,
        namespace,
        created,
        dataclasses.replace(update_opts, field_manager=job.manager),
        url_name=name,
        managed_fields=encode(managers),
    )
    return Outcome(created, created=True)

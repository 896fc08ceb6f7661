"""Answers in the negotiated representation: JSON (stored bytes spliced, not re-encoded),
YAML, a meta.k8s.io Table (server-side printing) or PartialObjectMetadata."""

from __future__ import annotations

from typing import Any

import orjson
import yaml

from engine.api import printers
from engine.api.app import Response, StreamedResponse
from engine.api.storage.errors import bad_request
from engine.api.storage.reads import Page
from engine.api.storage.views import api_list_body, kv_object
from engine.registry.types import Obj, ResourceType
from engine.store import KeyValue

from .negotiation import JSON, METADATA, TABLE, YAML, Output

# Longer JSON lists go out chunk by chunk (chunked transfer encoding, as kube-apiserver
# does for answers over its 2 KiB buffer); shorter ones in one piece with a length.
STREAMED_LIST_ITEMS = 64


def _yaml(obj: Any) -> bytes:
    return yaml.safe_dump(
        obj, sort_keys=False, default_flow_style=False, allow_unicode=True
    ).encode()


def include_object(query: dict[str, list[str]]) -> str:
    value = (query.get("includeObject") or [""])[0]
    if value not in ("", "None", "Metadata", "Object"):
        raise bad_request(f'unrecognized includeObject value: "{value}"')
    return value or "Metadata"


def table(
    rt: ResourceType,
    objects: list[Obj],
    now: float,
    output: Output,
    include: str,
    *,
    headers: bool = True,
) -> Obj:
    try:
        result = printers.table(
            rt.group,
            rt.version,
            rt.kind,
            objects,
            now,
            include,
            rt.printer_columns,
            no_headers=not headers,
        )
    except printers.IncludeObjectError as exc:
        raise bad_request(exc.message) from None
    if output.version != "v1":
        result["apiVersion"] = f"meta.k8s.io/{output.version}"
    return result


def stored_table(rt: ResourceType, page: Page, now: float, output: Output, include: str) -> bytes:
    """The Table of an unfiltered page, from the stored items (rows kept per resourceVersion
    by the printers); the same bytes as `table()` over the decoded objects."""
    try:
        return printers.stored_table(
            rt.group,
            rt.version,
            rt.kind,
            page.items,
            lambda kv: kv_object(rt, kv),
            now,
            include,
            rt.printer_columns,
            metadata=list_metadata(page),
            api_version=f"meta.k8s.io/{output.version}",
            # Stored JSON lacks only the resourceVersion (storage.codec): a printer with a
            # view prints it from those bytes. Converted kinds are decoded as they were.
            raw=_stored_json if rt.conversion is None else None,
        )
    except printers.IncludeObjectError as exc:
        raise bad_request(exc.message) from None


def _stored_json(kv: KeyValue) -> tuple[bytes, int]:
    return kv.value, kv.mod_revision


def partial(obj: Obj, version: str) -> Obj:
    return {
        "kind": "PartialObjectMetadata",
        "apiVersion": f"meta.k8s.io/{version}",
        "metadata": obj.get("metadata") or {},
    }


def object_response(
    rt: ResourceType,
    obj: Obj | None,
    output: Output,
    *,
    raw: bytes | None = None,
    status: int = 200,
    now: float = 0.0,
    include: str = "Metadata",
    headers: list[tuple[bytes, bytes]] | None = None,
) -> Response:
    """One object: `raw` is its JSON when already at hand (a GET spliced from the store)."""
    if output.format == JSON:
        body = raw if raw is not None else orjson.dumps(obj)
    elif output.format == TABLE:
        assert obj is not None
        body = orjson.dumps(table(rt, [obj], now, output, include))
    elif output.format == METADATA:
        assert obj is not None
        body = orjson.dumps(partial(obj, output.version))
    else:
        assert output.format == YAML
        body = _yaml(obj if obj is not None else orjson.loads(raw or b"{}"))
    return Response(body, status, output.content_type, headers)


def list_metadata(page: Page) -> Obj:
    meta: Obj = {"resourceVersion": str(page.revision)}
    if page.continue_token:
        meta["continue"] = page.continue_token
    if page.remaining is not None:
        meta["remainingItemCount"] = page.remaining
    return meta


def page_objects(rt: ResourceType, page: Page) -> list[Obj]:
    if page.objects is not None:
        return page.objects
    return [kv_object(rt, kv) for kv in page.items]


def list_response(
    rt: ResourceType, page: Page, output: Output, now: float, include: str
) -> Response:
    meta = list_metadata(page)
    if output.format == JSON:
        head = b'{"kind":"%s","apiVersion":"%s","metadata":%s,"items":[' % (
            rt.list_kind.encode(),
            rt.api_version.encode(),
            orjson.dumps(meta),
        )
        if page.objects is not None:
            items = b",".join(orjson.dumps(o) for o in page.objects)
            return Response(b"%s%s]}" % (head, items), 200, output.content_type)
        chunks = api_list_body(rt, head, page.items)
        if len(page.items) <= STREAMED_LIST_ITEMS:
            return Response(b"".join(chunks), 200, output.content_type)
        return StreamedResponse(chunks, None, 200, output.content_type)
    if output.format == TABLE and page.objects is None:
        return Response(stored_table(rt, page, now, output, include), 200, output.content_type)
    objects = page_objects(rt, page)
    if output.format == TABLE:
        result = table(rt, objects, now, output, include)
        result["metadata"] = meta
        return Response(orjson.dumps(result), 200, output.content_type)
    if output.format == METADATA:
        result = {
            "kind": "PartialObjectMetadataList",
            "apiVersion": f"meta.k8s.io/{output.version}",
            "metadata": meta,
            "items": [partial(o, output.version) for o in objects],
        }
        return Response(orjson.dumps(result), 200, output.content_type)
    result = {
        "kind": rt.list_kind,
        "apiVersion": rt.api_version,
        "metadata": meta,
        "items": objects,
    }
    return Response(_yaml(result), 200, output.content_type)


def objects_list(rt: ResourceType, objects: list[Obj], revision: int) -> Obj:
    return {
        "kind": rt.list_kind,
        "apiVersion": rt.api_version,
        "metadata": {"resourceVersion": str(revision)},
        "items": objects,
    }


def success_status(rt: ResourceType, obj: Obj, code: int | None = None) -> Obj:
    """What DELETE answers for kinds that do not return the deleted object."""
    meta = obj.get("metadata") or {}
    details: Obj = {"name": meta.get("name", "")}
    if rt.group:
        details["group"] = rt.group
    details["kind"] = rt.plural
    if meta.get("uid"):
        details["uid"] = meta["uid"]
    status: Obj = {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Success",
        "details": details,
    }
    if code is not None:
        status["code"] = code
    return status


def created_status() -> Obj:
    return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "code": 201}

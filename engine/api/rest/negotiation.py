"""Content negotiation: what the client accepts (Accept) and what it sent (Content-Type)."""

from __future__ import annotations

from dataclasses import dataclass

from engine.api.storage.errors import not_acceptable

JSON = "json"
YAML = "yaml"
TABLE = "table"
METADATA = "metadata"  # PartialObjectMetadata(List)

ACCEPTED = ("application/json", "application/yaml", "application/vnd.kubernetes.protobuf")
TABLE_CONTENT_TYPES = {
    "v1": b"application/json;as=Table;v=v1;g=meta.k8s.io",
    "v1beta1": b"application/json;as=Table;v=v1beta1;g=meta.k8s.io",
}


@dataclass(frozen=True, slots=True)
class Output:
    format: str
    version: str = "v1"  # of Table / PartialObjectMetadata

    @property
    def content_type(self) -> bytes:
        if self.format == TABLE:
            return TABLE_CONTENT_TYPES[self.version]
        if self.format == YAML:
            return b"application/yaml"
        if self.format == METADATA:
            return (
                f"application/json;as=PartialObjectMetadata;v={self.version};g=meta.k8s.io".encode()
            )
        return b"application/json"


JSON_OUTPUT = Output(JSON)


def media_ranges(accept: str) -> list[tuple[str, dict[str, str]]]:
    """`a/b;x=1, c/d` → [("a/b", {"x": "1"}), ("c/d", {})], in the client's order."""
    ranges = []
    for item in accept.split(","):
        pieces = [p.strip() for p in item.split(";")]
        if not pieces[0]:
            continue
        params = {}
        for piece in pieces[1:]:
            key, _, value = piece.partition("=")
            params[key.strip().lower()] = value.strip().strip('"')
        ranges.append((pieces[0].lower(), params))
    return ranges


def negotiate(accept: str | None, *, tables: bool = True) -> Output:
    """The first acceptable representation the client listed (406 when there is none)."""
    if not accept:
        return JSON_OUTPUT
    for media, params in media_ranges(accept):
        as_ = params.get("as")
        if as_:
            if params.get("g") != "meta.k8s.io" or media != "application/json":
                continue
            version = params.get("v", "")
            if as_ == "Table" and tables and version in ("v1", "v1beta1"):
                return Output(TABLE, version)
            if as_ in ("PartialObjectMetadata", "PartialObjectMetadataList") and version in (
                "v1",
                "v1beta1",
            ):
                return Output(METADATA, version)
            continue
        if media in (
            "application/json",
            "*/*",
            "application/*",
            "application/vnd.kubernetes.protobuf",
        ):
            return JSON_OUTPUT  # protobuf is not spoken here: clients that list JSON get JSON
        if media in ("application/yaml", "text/yaml"):
            return Output(YAML)
    raise not_acceptable(ACCEPTED)


def discovery_v2(accept: str | None) -> str | None:
    """ "v2" / "v2beta1" when the client asks for aggregated discovery first, else None."""
    for media, params in media_ranges(accept or ""):
        if media == "application/json" and params.get("as") == "APIGroupDiscoveryList":
            if params.get("g") == "apidiscovery.k8s.io" and params.get("v") in ("v2", "v2beta1"):
                return params["v"]
            continue
        if media in ("application/json", "*/*", "application/*"):
            return None
    return None

#!/usr/bin/env python3
"""Generate engine/api/protobuf/messages.json.gz: the protobuf layout of the Kubernetes
v1.32 types, so the API server can read the protobuf bodies kubectl sends.

Where it comes from
-------------------
kubectl's typed clients (`kubectl create configmap|secret|namespace|deployment...`,
`run`, `drain`, `auth can-i`) send `Content-Type: application/vnd.kubernetes.protobuf`.
Every Go binary built from k8s.io/api registers its `generated.proto` files as gzipped
FileDescriptorProtos; kubectl 1.32 (present on every machine of this project, see
shared/reference/kubectl-wire.md) carries the descriptors of exactly the API version the
engine emulates. This script finds them in the binary, reads the message layouts (field
number → JSON name, type, repeated, map entries) and writes a compact table.

    .venv/bin/python tools/gen_protobuf.py                 # from the kubectl 1.32 build
    .venv/bin/python tools/gen_protobuf.py --binary PATH   # another kubectl binary
    .venv/bin/python tools/gen_protobuf.py --check         # exit 1 if the file differs

Deterministic output: sorted keys, compact JSON, gzip with mtime 0.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine.api.protobuf.wire import fields  # noqa: E402

DEFAULT_BINARY = "/usr/lib/google-cloud-sdk/bin/kubectl.1.32"
OUTPUT = Path(__file__).resolve().parents[1] / "engine/api/protobuf/messages.json.gz"
GZIP_MAGIC = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
KEEP_PREFIXES = ("k8s.io/api/", "k8s.io/apimachinery/")
# Only GA group-versions (and the apimachinery types they use).
SKIP_VERSIONS = ("alpha", "beta")

TYPES = {
    1: "double",
    2: "float",
    3: "int64",
    4: "uint64",
    5: "int32",
    6: "fixed64",
    7: "fixed32",
    8: "bool",
    9: "string",
    11: "message",
    12: "bytes",
    13: "uint32",
    14: "enum",
    15: "sfixed32",
    16: "sfixed64",
    17: "sint32",
    18: "sint64",
}


def _text(value: object) -> str:
    assert isinstance(value, bytes)
    return value.decode()


def descriptors(binary: bytes) -> list[bytes]:
    found = []
    start = 0
    while (at := binary.find(GZIP_MAGIC, start)) >= 0:
        start = at + 1
        try:
            data = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(binary[at : at + 4_000_000])
        except zlib.error:
            continue
        if data[:1] == b"\x0a" and b".proto" in data[:200]:
            found.append(data)
    return found


def read_message(raw: bytes, prefix: str, out: dict[str, dict]) -> None:
    name = ""
    table: dict[str, list] = {}
    nested: list[bytes] = []
    map_entry = False
    for number, _, value in fields(raw):
        if number == 1:
            name = _text(value)
        elif number == 2:
            field: dict[int, object] = {}
            for fnum, _, fvalue in fields(value):  # type: ignore[arg-type]
                field[fnum] = fvalue
            proto_name = _text(field[1])  # k8s names proto fields by their JSON names
            kind = TYPES[int(field[5])]  # type: ignore[arg-type]
            type_name = _text(field[6]).lstrip(".") if 6 in field else ""
            repeated = field.get(4) == 3
            table[str(field[3])] = [proto_name, kind, type_name, repeated]
        elif number == 3:
            nested.append(value)  # type: ignore[arg-type]
        elif number == 7:
            for onum, _, ovalue in fields(value):  # type: ignore[arg-type]
                if onum == 7 and ovalue:
                    map_entry = True
    full = f"{prefix}.{name}"
    entry: dict[str, object] = {"fields": table}
    if map_entry:
        entry["map"] = True
    out[full] = entry
    for child in nested:
        read_message(child, full, out)


def read_file(raw: bytes, out: dict[str, dict]) -> str | None:
    name = package = ""
    messages = []
    for number, _, value in fields(raw):
        if number == 1:
            name = _text(value)
        elif number == 2:
            package = _text(value)
        elif number == 4:
            messages.append(value)
    if not name.startswith(KEEP_PREFIXES):
        return None
    version = name.split("/")[-2]
    if any(tag in version for tag in SKIP_VERSIONS) and "apimachinery" not in name:
        return None
    for message in messages:
        read_message(message, package, out)  # type: ignore[arg-type]
    return name


def build(binary_path: str) -> bytes:
    binary = Path(binary_path).read_bytes()
    messages: dict[str, dict] = {}
    files = sorted(f for f in (read_file(d, messages) for d in descriptors(binary)) if f)
    if not any(f == "k8s.io/api/core/v1/generated.proto" for f in files):
        raise SystemExit(f"{binary_path}: no k8s.io/api descriptors found")
    document = {"source": Path(binary_path).name, "files": files, "messages": messages}
    text = json.dumps(document, sort_keys=True, separators=(",", ":")).encode()
    return gzip.compress(text, mtime=0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--binary", default=DEFAULT_BINARY)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    data = build(args.binary)
    if args.check:
        same = OUTPUT.exists() and gzip.decompress(OUTPUT.read_bytes()) == gzip.decompress(data)
        print("up to date" if same else f"{OUTPUT} differs from {args.binary}")
        return 0 if same else 1
    OUTPUT.write_bytes(data)
    print(f"wrote {OUTPUT} ({len(data)} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

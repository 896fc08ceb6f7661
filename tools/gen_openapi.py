#!/usr/bin/env python3
"""Generate engine/api/openapi/schemas.json.gz: the Kubernetes v1.32 API schemas.

Where the schemas come from
---------------------------
The PyPI package ``kubernetes-validate`` (Apache-2.0) ships, per Kubernetes release, the
JSON-schema conversion of that release's published ``api/openapi-spec/swagger.json``. We
read ``kubernetes_validate/kubernetes-json-schema/v1.32.0-local/_definitions.json`` from
the wheel pinned below (its sha256 is checked). It keeps what kubectl and the engine need:
descriptions, ``required``, ``format``, ``x-kubernetes-group-version-kind`` and the
``x-kubernetes-patch-strategy`` / ``-patch-merge-key`` / ``-list-type`` /
``-list-map-keys`` / ``-map-type`` / ``-unions`` extensions.

What the conversion changed, and how this script turns it back into OpenAPI v3 as
kube-apiserver serves it in ``/openapi/v3/...`` (``components.schemas``):

- optional fields got ``"type": [T, "null"]``            -> ``"type": T``
- ``$ref`` points at ``#/$defs/NAME``                     -> ``#/components/schemas/NAME``;
  a ``$ref`` with siblings (description, patch strategy)  -> ``allOf: [{$ref}]`` + siblings,
  the shape kube-apiserver's v3 documents use (OpenAPI 3.0 ignores siblings of a $ref)
- ``apiVersion`` / ``kind`` of top-level kinds got a one-value ``enum``  -> removed
- IntOrString and Quantity became ``oneOf`` without a description -> the upstream
  definitions (``type: string``, ``format: int-or-string``, their descriptions)

Not recoverable from this source (and not needed by kubectl): the ``default`` values
(``"default": {}``/``""``) that upstream v3 documents carry on non-pointer fields.

Only GA group-versions are kept (no ``v1alpha1``/``v2beta1``...): every kind the engine
serves and everything those kinds reference, about 500 schemas.

How to run (from the repository root)::

    .venv/bin/python tools/gen_openapi.py            # downloads the pinned wheel with pip
    .venv/bin/python tools/gen_openapi.py --wheel /path/to/kubernetes_validate-1.37.0-py3-none-any.whl
    .venv/bin/python tools/gen_openapi.py --check    # exit 1 if the committed file differs

The output is deterministic: sorted keys, compact JSON, gzip with mtime 0.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

PACKAGE = "kubernetes-validate"
PACKAGE_VERSION = "1.37.0"
WHEEL_NAME = "kubernetes_validate-1.37.0-py3-none-any.whl"
WHEEL_SHA256 = "85136d018a27b50ec7fc049d902bfa5193f5976807e6c0f408e3ab6fe078cad9"
KUBERNETES_VERSION = "v1.32.0"
DEFINITIONS = (
    f"kubernetes_validate/kubernetes-json-schema/{KUBERNETES_VERSION}-local/_definitions.json"
)

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "engine" / "api" / "openapi" / "schemas.json.gz"

REF_PREFIX = "#/$defs/"
V3_REF_PREFIX = "#/components/schemas/"
PRERELEASE = re.compile(r"^v\d+(alpha|beta)\d*$")
# Keywords whose value is a map of name -> schema, or a schema, or a list of schemas.
SCHEMA_MAPS = ("properties", "patternProperties", "definitions")
SCHEMA_VALUES = ("items", "additionalProperties", "not", "additionalItems")
SCHEMA_LISTS = ("allOf", "anyOf", "oneOf")

INT_OR_STRING = "io.k8s.apimachinery.pkg.util.intstr.IntOrString"
QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity"
# The upstream definitions of the two types the JSON-schema conversion rewrote (their Go
# doc comments, as k8s.io/kube-openapi publishes them in v1.32).
UPSTREAM: dict[str, dict[str, Any]] = {
    INT_OR_STRING: {
        "description": (
            "IntOrString is a type that can hold an int32 or a string.  When used in JSON"
            " or YAML marshalling and unmarshalling, it produces or consumes the inner"
            " type.  This allows you to have, for example, a JSON field that can accept a"
            " name or number."
        ),
        "format": "int-or-string",
        "type": "string",
    },
    QUANTITY: {
        "description": (
            "Quantity is a fixed-point representation of a number. It provides convenient"
            " marshaling/unmarshaling in JSON and YAML, in addition to String() and"
            " AsInt64() accessors.\n\nThe serialization format is:\n\n``` <quantity>    "
            "    ::= <signedNumber><suffix>\n\n\t(Note that <suffix> may be empty, from"
            ' the "" case in <decimalSI>.)\n\n<digit>           ::= 0 | 1 | ... | 9'
            " <digits>          ::= <digit> | <digit><digits> <number>          ::="
            " <digits> | <digits>.<digits> | <digits>. | .<digits> <sign>            ::="
            ' "+" | "-" <signedNumber>    ::= <number> | <sign><number> <suffix>       '
            "   ::= <binarySI> | <decimalExponent> | <decimalSI> <binarySI>        ::= Ki"
            " | Mi | Gi | Ti | Pi | Ei\n\n\t(International System of units; See:"
            " http://physics.nist.gov/cuu/Units/binary.html)\n\n<decimalSI>       ::= m |"
            ' "" | k | M | G | T | P | E\n\n\t(Note that 1024 = 1Ki but 1000 = 1k; I'
            ' didn\'t choose the capitalization.)\n\n<decimalExponent> ::= "e"'
            ' <signedNumber> | "E" <signedNumber> ```\n\nNo matter which of the three'
            " exponent forms is used, no quantity may represent a number greater than"
            " 2^63-1 in magnitude, nor may it have more than 3 decimal places. Numbers"
            " larger or more precise will be capped or rounded up. (E.g.: 0.1m will"
            " rounded up to 1m.) This may be extended in the future if we require larger"
            " or smaller quantities.\n\nWhen a Quantity is parsed from a string, it will"
            " remember the type of suffix it had, and will use the same type again when it"
            ' is serialized.\n\nBefore serializing, Quantity will be put in "canonical'
            ' form". This means that Exponent/suffix will be adjusted up or down (with a'
            " corresponding increase or decrease in Mantissa) such that:\n\n- No precision"
            " is lost - No fractional digits will be emitted - The exponent (or suffix) is"
            " as large as possible.\n\nThe sign will be omitted unless the number is"
            ' negative.\n\nExamples:\n\n- 1.5 will be serialized as "1500m" - 1.5Gi will'
            ' be serialized as "1536Mi"\n\nNote that the quantity will NEVER be internally'
            " represented by a floating point number. That is the whole point of this"
            " exercise.\n\nNon-canonical values will still parse as long as they are well"
            " formed, but will be re-emitted in their canonical form. (So always use"
            " canonical form, or don't diff.)\n\nThis format is intended to make it"
            " difficult to use these numbers without writing some sort of special handling"
            " code in the hopes that that will cause implementors to also use a fixed"
            " point implementation."
        ),
        "type": "string",
    },
}


# -- reading the source -----------------------------------------------------------------


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def download_wheel(dest: Path) -> Path:
    """The pinned wheel, fetched from PyPI with pip (the only network access)."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--no-deps",
            "--only-binary=:all:",
            "--dest",
            str(dest),
            f"{PACKAGE}=={PACKAGE_VERSION}",
        ],
        check=True,
    )
    return dest / WHEEL_NAME


def read_definitions(wheel: Path) -> dict[str, Any]:
    with zipfile.ZipFile(wheel) as zf:
        document = json.loads(zf.read(DEFINITIONS))
    return document["$defs"]


# -- JSON schema -> OpenAPI v3 ------------------------------------------------------------


def convert_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """One schema object back to kube-openapi's v3 shape (see the module docstring)."""
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "$ref":
            continue
        if key == "type" and isinstance(value, list):
            kinds = [t for t in value if t != "null"]
            value = kinds[0] if len(kinds) == 1 else kinds
        elif key in SCHEMA_MAPS and isinstance(value, dict):
            value = {name: convert_schema(sub) for name, sub in value.items()}
        elif key in SCHEMA_VALUES and isinstance(value, dict):
            value = convert_schema(value)
        elif key in SCHEMA_LISTS and isinstance(value, list):
            value = [convert_schema(sub) for sub in value]
        out[key] = value
    ref = schema.get("$ref")
    if isinstance(ref, str):
        target = {"$ref": V3_REF_PREFIX + ref.removeprefix(REF_PREFIX)}
        if not out:
            return target
        out["allOf"] = [target]
    return out


def convert_definition(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    if name in UPSTREAM:
        return dict(UPSTREAM[name])
    out = convert_schema(schema)
    if "x-kubernetes-group-version-kind" in out:
        # The conversion pinned apiVersion/kind of every kind with a one-value enum.
        for field in ("apiVersion", "kind"):
            prop = out.get("properties", {}).get(field)
            if isinstance(prop, dict) and len(prop.get("enum", ())) == 1:
                del prop["enum"]
    return out


def is_ga(name: str) -> bool:
    return not any(PRERELEASE.match(part) for part in name.split("."))


def references(schema: Any) -> set[str]:
    """Names of the schemas that `schema` refers to (in v3 form)."""
    found: set[str] = set()
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith(V3_REF_PREFIX):
                found.add(ref.removeprefix(V3_REF_PREFIX))
            for key, value in node.items():
                if key in SCHEMA_MAPS and isinstance(value, dict):
                    stack.extend(value.values())
                elif key != "$ref":
                    stack.append(value)
        elif isinstance(node, list):
            stack.extend(node)
    return found


def convert(definitions: dict[str, Any]) -> dict[str, Any]:
    """The GA schemas of `definitions`, converted, plus anything they refer to."""
    wanted = [name for name in definitions if is_ga(name)]
    out: dict[str, Any] = {}
    while wanted:
        name = wanted.pop()
        if name in out:
            continue
        if name not in definitions:
            raise SystemExit(f"dangling reference to {name}")
        out[name] = convert_definition(name, definitions[name])
        wanted.extend(references(out[name]) - out.keys())
    return dict(sorted(out.items()))


def encode(schemas: dict[str, Any]) -> bytes:
    document = {
        "kubernetesVersion": KUBERNETES_VERSION,
        "source": f"{PACKAGE} {PACKAGE_VERSION} {DEFINITIONS} (sha256 of wheel {WHEEL_SHA256})",
        "generator": "tools/gen_openapi.py",
        "schemas": schemas,
    }
    raw = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return gzip.compress(raw.encode(), compresslevel=9, mtime=0)


def generate(wheel: Path, *, verify: bool = True) -> bytes:
    if verify and sha256_of(wheel) != WHEEL_SHA256:
        raise SystemExit(f"{wheel}: sha256 differs from the pinned {PACKAGE} {PACKAGE_VERSION}")
    return encode(convert(read_definitions(wheel)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--wheel", type=Path, help=f"a local {WHEEL_NAME} (default: pip download)")
    parser.add_argument(
        "--out", type=Path, default=OUTPUT, help="where to write (default: %(default)s)"
    )
    parser.add_argument(
        "--check", action="store_true", help="compare with --out instead of writing"
    )
    parser.add_argument("--no-verify", action="store_true", help="skip the wheel's sha256 check")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        wheel = args.wheel or download_wheel(Path(tmp))
        data = generate(wheel, verify=not args.no_verify)
    if args.check:
        current = args.out.read_bytes() if args.out.exists() else b""
        same = gzip.decompress(current) == gzip.decompress(data) if current else False
        print(f"{args.out}: {'up to date' if same else 'DIFFERS'}")
        return 0 if same else 1
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(data)
    print(f"wrote {args.out} ({len(data)} bytes, {len(gzip.decompress(data))} uncompressed)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

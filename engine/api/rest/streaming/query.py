"""Query parameters of the pod stream subresources, decoded as apimachinery's parameter
codec does (the `Convert_Slice_string_To_*` conversions), with its error messages."""

from __future__ import annotations

from datetime import datetime

from engine.api.storage.errors import bad_request

Query = dict[str, list[str]]
RFC3339 = "2006-01-02T15:04:05Z07:00"


def flag(query: Query, name: str) -> bool:
    """A bool: absent, "0" or "false" (any case) is false; anything else is true."""
    values = query.get(name)
    if not values:
        return False
    value = values[0]
    return not (value == "0" or value.lower() == "false")


def integer(query: Query, name: str) -> int | None:
    """An optional int64; a bad value is a 400 with strconv's message."""
    values = query.get(name)
    if not values or values[0] == "":
        return None
    text = values[0]
    try:
        value = int(text, 10)
    except ValueError:
        raise bad_request(f'strconv.ParseInt: parsing "{text}": invalid syntax') from None
    if not -(2**63) <= value < 2**63:
        raise bad_request(f'strconv.ParseInt: parsing "{text}": value out of range')
    return value


def timestamp(query: Query, name: str) -> float | None:
    """An optional metav1.Time (RFC 3339) as seconds since the epoch."""
    values = query.get(name)
    if not values or values[0] == "":
        return None
    text = values[0]
    try:
        parsed = datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None or "T" not in text:
        raise bad_request(f'parsing time "{text}" as "{RFC3339}": cannot parse "{text}" as "2006"')
    return parsed.timestamp()


def ports(query: Query) -> list[int]:
    """`ports=80&ports=443` or `ports=80,443` (the kubelet's NewV4Options)."""
    values = query.get("ports") or []
    if not values:
        raise bad_request('query parameter "ports" is required')
    found: list[int] = []
    for value in values:
        if not value:
            raise bad_request('query parameter "ports" cannot be empty')
        for part in value.split(","):
            if not part.isdigit() or int(part) > 65535:
                raise bad_request(
                    f'unable to parse "{value}" as a port: strconv.ParseUint: '
                    f'parsing "{part}": invalid syntax'
                )
            if int(part) < 1:
                raise bad_request(f'port "{value}" must be > 0')
            found.append(int(part))
    return found

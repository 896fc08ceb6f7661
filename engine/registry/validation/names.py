"""Name formats (apimachinery util/validation) with upstream's messages."""

from __future__ import annotations

import re

from engine.api.selectors.validation import (
    DNS1123_SUBDOMAIN_FMT,
    is_dns1123_subdomain,
    is_qualified_name,
    max_len_error,
    regex_error,
)

from ..field_errors import FieldError, invalid, required
from ..types import DNS1035, LABEL, PATH_SEGMENT, SUBDOMAIN

DNS1123_LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
DNS1123_LABEL_ERR = (
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', "
    "and must start and end with an alphanumeric character"
)
DNS1035_LABEL_FMT = "[a-z]([-a-z0-9]*[a-z0-9])?"
DNS1035_LABEL_ERR = (
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with "
    "an alphabetic character, and end with an alphanumeric character"
)
CONFIG_MAP_KEY_FMT = "[-._a-zA-Z0-9]+"
CONFIG_MAP_KEY_ERR = "a valid config key must consist of alphanumeric characters, '-', '_' or '.'"
LABEL_MAX = 63

_LABEL = re.compile(DNS1123_LABEL_FMT)
_DNS1035 = re.compile(DNS1035_LABEL_FMT)
_CONFIG_MAP_KEY = re.compile(CONFIG_MAP_KEY_FMT)

__all__ = [
    "DNS1123_SUBDOMAIN_FMT",
    "is_config_map_key",
    "is_dns1035_label",
    "is_dns1123_label",
    "is_dns1123_subdomain",
    "is_qualified_name",
    "name_errors",
    "validate_name",
]


def is_dns1123_label(value: str) -> list[str]:
    errs = []
    if len(value.encode()) > LABEL_MAX:
        errs.append(max_len_error(LABEL_MAX))
    if not _LABEL.fullmatch(value):
        errs.append(regex_error(DNS1123_LABEL_ERR, DNS1123_LABEL_FMT, "my-name", "123-abc"))
    return errs


def is_dns1035_label(value: str) -> list[str]:
    errs = []
    if len(value.encode()) > LABEL_MAX:
        errs.append(max_len_error(LABEL_MAX))
    if not _DNS1035.fullmatch(value):
        errs.append(regex_error(DNS1035_LABEL_ERR, DNS1035_LABEL_FMT, "my-name", "abc-123"))
    return errs


def is_path_segment_name(value: str) -> list[str]:
    if value in (".", ".."):
        return [f"may not be '{value}'"]
    errs = []
    for bad in ("/", "%"):
        if bad in value:
            errs.append(f"may not contain '{bad}'")
    return errs


def is_config_map_key(value: str) -> list[str]:
    errs = []
    if len(value.encode()) > 253:
        errs.append(max_len_error(253))
    if not _CONFIG_MAP_KEY.fullmatch(value):
        errs.append(
            regex_error(CONFIG_MAP_KEY_ERR, CONFIG_MAP_KEY_FMT, "key.name", "KEY_NAME", "key-name")
        )
    if value == ".":
        errs.append("must not be '.'")
    elif value == "..":
        errs.append("must not be '..'")
    elif value.startswith(".."):
        errs.append("must not start with '..'")
    return errs


_CHECKS = {
    SUBDOMAIN: is_dns1123_subdomain,
    LABEL: is_dns1123_label,
    DNS1035: is_dns1035_label,
    PATH_SEGMENT: is_path_segment_name,
}


def name_errors(name: str, name_format: str, prefix: bool = False) -> list[str]:
    """Problems with `name`; `prefix` for generateName (checked with a suffix appended)."""
    if prefix and name_format != PATH_SEGMENT:
        name = name + "a"  # upstream: a generateName must be valid once completed
    return _CHECKS[name_format](name)


def validate_name(value: object, field: str, name_format: str) -> list[FieldError]:
    if not value:
        return [required(field, "")]
    if not isinstance(value, str):
        return [invalid(field, value, "must be a string")]
    return [invalid(field, value, msg) for msg in name_errors(value, name_format)]


def qualified_name_errors(value: str) -> list[str]:
    return is_qualified_name(value)

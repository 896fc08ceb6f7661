"""The TLS lab server of tests/api/rest, for the CRD tests."""

from __future__ import annotations

from ..rest.conftest import http, lab  # noqa: F401 (fixtures)

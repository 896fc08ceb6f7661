"""A TLS API server per test module for the kubectl apply tests (the REST suite's lab)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from ..rest.conftest import Lab, create_namespace, start_lab, stop_lab


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    instance = start_lab(tmp_path_factory.mktemp("apply-lab"))
    yield instance
    stop_lab(instance)


@pytest.fixture(scope="module")
def http(lab: Lab) -> Iterator[httpx.Client]:
    import ssl

    context = ssl.create_default_context(cafile=str(lab.ca_file))
    with httpx.Client(
        base_url=lab.url,
        verify=context,
        headers={"Authorization": f"Bearer {lab.token}"},
        timeout=20,
    ) as client:
        yield client


@pytest.fixture(scope="module")
def ns(http: httpx.Client) -> str:
    create_namespace(http, "apply")
    return "apply"

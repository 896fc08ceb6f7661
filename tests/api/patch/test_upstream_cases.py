"""Strategic merge patch against the results upstream's own tests expect (list order too)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from engine.api.patch import FieldMeta, apply_strategic_merge_patch
from engine.api.patch.meta import FieldPath

CASES: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).parent / "upstream_smp_cases.yaml").read_text()
)


class UpstreamTestSchema:
    """Upstream's recursive test type: every `mergingList` or `mergeItemPtr`, at any depth,
    is a list of the same type merged by name. A table cannot say "at any depth", which
    is why PatchMeta is a protocol."""

    def lookup(self, path: FieldPath) -> FieldMeta | None:
        last = path[-1]
        if last in ("mergingList", "mergeItemPtr"):
            return FieldMeta("merge", "name")
        if last == "mergingIntList":
            return FieldMeta("merge")
        if last == "retainKeysMap":
            return FieldMeta(retain_keys=True)
        return None


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_upstream_expectation(case: dict[str, Any]) -> None:
    result = apply_strategic_merge_patch(case["current"], case["patch"], UpstreamTestSchema())
    assert result == case["result"]


def test_there_are_enough_cases() -> None:
    assert len(CASES) >= 25

"""Which ControllerRevision `rollout undo` picks, and when it has nothing to do (no cluster)."""

from __future__ import annotations

from typing import Any

import pytest

from ktui.actions import ActionError
from ktui.actions.rollback_revisions import matches, pick_history, template_patch


def revision(number: int, image: str = "busybox") -> dict[str, Any]:
    template = {
        "metadata": {"creationTimestamp": None, "labels": {"app": "a"}},
        "spec": {"containers": [{"name": "main", "image": image}]},
        "$patch": "replace",
    }
    return {
        "metadata": {"name": f"a-r{number}"},
        "revision": number,
        "data": {"spec": {"template": template}},
    }


def workload(image: str) -> dict[str, Any]:
    template = {
        "metadata": {"labels": {"app": "a"}},
        "spec": {"containers": [{"name": "main", "image": image}]},
    }
    return {"kind": "DaemonSet", "spec": {"selector": {}, "template": template}}


def numbers(history: list[dict[str, Any]]) -> list[int]:
    return [h["revision"] for h in history]


def test_the_default_is_the_revision_before_the_latest_whatever_the_list_order() -> None:
    history = [revision(3), revision(10), revision(1), revision(7)]
    assert pick_history(history, 0)["revision"] == 7
    assert numbers(history) == [3, 10, 1, 7]  # the caller's list is left as it was


@pytest.mark.parametrize("count", [0, 1])
def test_without_two_revisions_there_is_no_last_revision(count: int) -> None:
    with pytest.raises(ActionError, match="^no last revision to roll back to$"):
        pick_history([revision(4)][:count], 0)


def test_a_named_revision_is_found_even_alone() -> None:
    history = [revision(2), revision(5)]
    assert pick_history(history, 5) is history[1]
    assert pick_history([revision(2)], 2)["revision"] == 2


@pytest.mark.parametrize("wanted", [7, -1])
def test_a_revision_not_in_history_is_named_in_the_error(wanted: int) -> None:
    with pytest.raises(
        ActionError, match=f"^unable to find specified revision {wanted} in history$"
    ):
        pick_history([revision(1), revision(2)], wanted)


def test_a_revision_matches_the_same_template_whatever_null_timestamps_say() -> None:
    assert matches(workload("busybox:1"), revision(1, "busybox:1"))
    assert not matches(workload("busybox:2"), revision(1, "busybox:1"))


def test_the_recorded_patch_replaces_the_whole_template() -> None:
    patch = template_patch(workload("busybox:1"))
    assert patch["spec"]["template"]["$patch"] == "replace"
    assert patch["spec"]["template"]["spec"]["containers"][0]["image"] == "busybox:1"
    assert list(patch) == ["spec"] and list(patch["spec"]) == ["template"]

"""rollback of StatefulSets and DaemonSets as `kubectl rollout undo`: an older ControllerRevision
goes back into the set (revisions made by hand: the engine runs no controllers), judged
against the real kubectl run on a twin set."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from ktui import actions
from ktui.actions import ActionError
from ktui.client import Client
from ktui.refs import ObjectRef

from .objects import (
    create,
    get,
    image_of,
    record_revision,
    ref_to,
    rolled_out_set,
    workload_set,
)

KINDS = ["StatefulSet", "DaemonSet"]
KUBECTL = shutil.which("kubectl")


def resource_of(kind: str) -> str:
    return "statefulsets" if kind == "StatefulSet" else "daemonsets"


@pytest.mark.parametrize("kind", KINDS)
async def test_undo_puts_the_previous_template_back(
    client: Client, namespace: str, kind: str
) -> None:
    before, ref = await rolled_out_set(client, kind, "web")
    assert image_of(before) == "busybox:2"
    message = await actions.rollback(client, ref)
    assert message == f"{kind.lower()}.apps/web rolled back"
    after = await get(client, ref)
    assert image_of(after) == "busybox:1"
    assert after["spec"]["template"]["metadata"]["labels"] == {"app": "web"}
    assert "$patch" not in after["spec"]["template"]
    assert after["spec"]["selector"] == before["spec"]["selector"]


@pytest.mark.parametrize("kind", KINDS)
async def test_undo_to_a_named_revision(client: Client, namespace: str, kind: str) -> None:
    _, ref = await rolled_out_set(client, kind, "web", ("busybox:1", "busybox:2", "busybox:3"))
    assert (
        await actions.rollback(client, ref, to_revision=1) == f"{kind.lower()}.apps/web rolled back"
    )
    assert image_of(await get(client, ref)) == "busybox:1"
    with pytest.raises(ActionError, match="^unable to find specified revision 7 in history$"):
        await actions.rollback(client, ref, to_revision=7)
    assert image_of(await get(client, ref)) == "busybox:1"


@pytest.mark.parametrize("kind", KINDS)
async def test_undo_to_the_current_template_is_skipped(
    client: Client, namespace: str, kind: str
) -> None:
    before, ref = await rolled_out_set(client, kind, "web")
    message = await actions.rollback(client, ref, to_revision=2)
    assert message == (
        f"{kind.lower()}.apps/web skipped rollback (current template already matches revision 2)"
    )
    after = await get(client, ref)
    assert after["metadata"]["resourceVersion"] == before["metadata"]["resourceVersion"]


@pytest.mark.parametrize("kind", KINDS)
async def test_without_two_revisions_there_is_nothing_to_undo(
    client: Client, namespace: str, kind: str
) -> None:
    obj = await create(client, resource_of(kind), workload_set(kind, "web", "busybox:1"))
    ref = await ref_to(client, resource_of(kind), obj)
    with pytest.raises(ActionError, match="^no last revision to roll back to$"):
        await actions.rollback(client, ref)
    await record_revision(client, obj, 1)
    with pytest.raises(ActionError, match="^no last revision to roll back to$"):
        await actions.rollback(client, ref)
    assert (await get(client, ref))["spec"] == obj["spec"]


@pytest.mark.parametrize("kind", KINDS)
async def test_revisions_of_another_set_with_the_same_labels_are_not_history(
    client: Client, namespace: str, kind: str
) -> None:
    ours, ref = await rolled_out_set(client, kind, "web", ("busybox:1",))
    other = await create(client, resource_of(kind), workload_set(kind, "web2", "evil:1"))
    other["spec"] = {**other["spec"], "selector": ours["spec"]["selector"]}  # labels like ours
    await record_revision(client, other, 5, name="web2-r5")
    with pytest.raises(ActionError, match="no last revision"):
        await actions.rollback(client, ref)
    with pytest.raises(ActionError, match="unable to find specified revision 5"):
        await actions.rollback(client, ref, to_revision=5)


@pytest.mark.parametrize("kind", KINDS)
async def test_a_revision_the_server_refuses_is_reported_and_changes_nothing(
    client: Client, namespace: str, kind: str
) -> None:
    before, ref = await rolled_out_set(client, kind, "web")
    broken = {**before, "spec": {**before["spec"], "template": {"spec": {"containers": []}}}}
    await record_revision(client, broken, 3, name="web-broken")
    with pytest.raises(ActionError) as refused:
        await actions.rollback(client, ref, to_revision=3)
    assert str(refused.value).startswith(
        f'failed restoring revision 3: {kind}.apps "web" is invalid'
    )
    assert "spec.template.spec.containers: Required value" in str(refused.value)
    after = await get(client, ref)
    assert after["metadata"]["resourceVersion"] == before["metadata"]["resourceVersion"]


# -- the judge: kubectl rollout undo on a twin ---------------------------------------------


def kubectl(kubeconfig: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert KUBECTL is not None
    command = [KUBECTL, "--kubeconfig", str(kubeconfig), *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=60)


async def ktui_says(client: Client, ref: ObjectRef, to_revision: int) -> str:
    """What ktui tells, written as kubectl writes it (an error on stderr after `error: `)."""
    try:
        return await actions.rollback(client, ref, to_revision=to_revision) + "\n"
    except ActionError as error:
        return f"error: {error}\n"


@pytest.mark.skipif(KUBECTL is None, reason="kubectl is not installed")
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("to_revision", [0, 1, 2, 9])
async def test_ktui_and_kubectl_agree(
    client: Client, namespace: str, kubeconfig: Path, kind: str, to_revision: int
) -> None:
    """Same message, same object afterwards (ktui's `web` against kubectl's twin `twin`)."""
    _, ours = await rolled_out_set(client, kind, "web")
    _, theirs = await rolled_out_set(client, kind, "twin")
    said = await ktui_says(client, ours, to_revision)
    args = ["rollout", "undo", f"{resource_of(kind)}/twin", "-n", namespace]
    done = await asyncio.to_thread(kubectl, kubeconfig, *args, f"--to-revision={to_revision}")
    assert said.replace("/web ", "/twin ") == done.stdout + done.stderr
    ours_after, theirs_after = await get(client, ours), await get(client, theirs)
    twin_template = json.dumps(theirs_after["spec"]["template"]).replace('"twin"', '"web"')
    assert json.dumps(ours_after["spec"]["template"]) == twin_template
    assert ours_after["metadata"]["generation"] == theirs_after["metadata"]["generation"]

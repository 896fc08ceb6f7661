"""Events a kubelet records about pods (Created, Started, Killing, BackOff, Unhealthy...),
as client-go's recorder writes them: one Event per (object, reason, message), whose
count and lastTimestamp grow when it happens again."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from engine.api.status import StatusError
from engine.clock import Clock
from engine.registry.types import Obj

from .node_status import rfc3339

log = logging.getLogger(__name__)


class EventRecorder:
    def __init__(self, client: Any, node: str, clock: Clock) -> None:
        self.client = client
        self.node = node
        self.clock = clock
        self._seen: dict[tuple[str, str, str, str], tuple[str, int]] = {}
        self._pending: set[asyncio.Task[None]] = set()

    def emit(
        self, pod: Obj, reason: str, message: str, *, warning: bool = False, field_path: str = ""
    ) -> None:
        """Record without waiting (an event is never worth holding a pod up).
        `field_path` names the container: spec.containers{name}."""
        task = asyncio.ensure_future(self._write(pod, reason, message, warning, field_path))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def _write(
        self, pod: Obj, reason: str, message: str, warning: bool, field_path: str
    ) -> None:
        meta = pod.get("metadata") or {}
        namespace, uid = meta.get("namespace", "default"), str(meta.get("uid", ""))
        key = (uid, field_path, reason, message)
        now = self.clock.time()
        try:
            if key in self._seen:
                name, count = self._seen[key]
                patch = {"count": count + 1, "lastTimestamp": rfc3339(now)}
                await self.client.patch("v1", "Event", name, patch, namespace)
                self._seen[key] = (name, count + 1)
                return
            name = f"{meta.get('name', '')}.{int(now * 1e9):x}"
            involved: Obj = {
                "apiVersion": "v1",
                "kind": "Pod",
                "name": meta.get("name"),
                "namespace": namespace,
                "uid": uid,
                "resourceVersion": meta.get("resourceVersion", ""),
            }
            if field_path:
                involved["fieldPath"] = field_path
            await self.client.create(
                {
                    "apiVersion": "v1",
                    "kind": "Event",
                    "metadata": {"name": name, "namespace": namespace},
                    "involvedObject": involved,
                    "reason": reason,
                    "message": message,
                    "type": "Warning" if warning else "Normal",
                    "source": {"component": "kubelet", "host": self.node},
                    "firstTimestamp": rfc3339(now),
                    "lastTimestamp": rfc3339(now),
                    "eventTime": None,
                    "count": 1,
                    "reportingComponent": "kubelet",
                    "reportingInstance": self.node,
                },
                namespace,
            )
            self._seen[key] = (name, 1)
        except StatusError as exc:
            log.debug("event %s of %s not recorded: %s", reason, meta.get("name"), exc.message)

    def forget(self, uid: str) -> None:
        for key in [k for k in self._seen if k[0] == uid]:
            del self._seen[key]

"""The pod streams kube-apiserver serves by calling the pod's kubelet: pods/log, exec,
attach and portforward. Here the kubelets are node agents in this process
(engine.api.node_agents); this package checks what the API server checks (options, the
pod, its container, its node, RBAC) and speaks the wire protocols to the client:

    log          text/plain, streamed (logs.py, reading the CRI file: cri.py)
    exec/attach  WebSocket channels v5/v4/older (channels.py, remotecommand.py)
    portforward  WebSocket channels v4 (portforward.py), or kubectl's SPDY/3.1 inside
                 a WebSocket (spdy.py, tunnel.py)

Plain SPDY/3.1 (an HTTP upgrade an ASGI server cannot hand over), which kubectl before
1.30 uses for exec, before 1.31 for port-forward, and every kubectl as its fallback, is
not spoken: such a request gets a 400 that says so, after the same checks as a WebSocket
request, so a kubectl that falls back to SPDY still prints the real error (a bad
container name, a missing pod...).
"""

from __future__ import annotations

import asyncio
import threading

from engine.api.app import Request, Response
from engine.api.auth.attributes import from_request
from engine.api.auth.forbidden import forbidden
from engine.api.auth.rbac.authorizer import RBACAuthorizer
from engine.api.auth.users import MASTERS
from engine.api.node_agents import ExecProcess, NodeAgents
from engine.api.storage.errors import bad_request
from engine.api.storage.service import APIStorage
from engine.registry.types import ResourceType

from ..paths import RequestInfo
from . import query as q
from .channels import (
    PORT_FORWARD,
    REMOTE_COMMAND,
    SPDY_TUNNEL,
    ChannelSocket,
    is_websocket,
    negotiate,
    offered,
)
from .logs import LOG_PROTOCOLS, LogOptions, stream_log, stream_log_websocket
from .pods import PodLookup
from .portforward import PortForward
from .remotecommand import RemoteCommand, StreamOptions
from .tunnel import SPDYPortForward

SERVED = frozenset({"log", "exec", "attach", "portforward"})
UPGRADE_REQUIRED = "Upgrade request required"
NO_SPDY = (
    "this API server serves exec, attach and port-forward over WebSocket only "
    "(v5.channel.k8s.io, v4.channel.k8s.io, SPDY/3.1+portforward.k8s.io), not SPDY/3.1: "
    "use kubectl 1.30 or newer for exec and attach, 1.31 or newer for port-forward "
    "(1.30 with KUBECTL_PORT_FORWARD_WEBSOCKETS=true)"
)


class PodStreams:
    def __init__(
        self, storage: APIStorage, agents: NodeAgents, authorizer: RBACAuthorizer | None
    ) -> None:
        self.storage = storage
        self.lookup = PodLookup(storage, agents)
        self.authorizer = authorizer
        # Set when the engine stops: `logs -f` streams end at their next look at the file
        # (WebSocket sessions end as the server closes their sockets).
        self.stopping = threading.Event()

    async def serve(self, req: Request, rt: ResourceType, info: RequestInfo) -> Response | None:
        sub = info.subresource
        if sub == "log":
            return await self.log(req, rt, info)
        self.authorize_upgrade(req)
        if sub == "portforward":
            return await self.port_forward(req, rt, info)
        return await self.remote_command(req, rt, info, attach=sub == "attach")

    async def log(self, req: Request, rt: ResourceType, info: RequestInfo) -> None:
        opts = LogOptions.from_query(req.query, info.name)
        target = await self.lookup.target(rt, info.namespace, info.name, opts.container, "pods/log")
        container_log = target.agent.container_log(
            target.pod, target.container, previous=opts.previous
        )
        now = self.storage.clock.time()
        if is_websocket(req):
            protocol = log_protocol(req)
            await stream_log_websocket(req, container_log, opts, now, self.stopping, protocol)
        else:
            await stream_log(req, container_log, opts, now, self.stopping)
        return None

    async def remote_command(
        self, req: Request, rt: ResourceType, info: RequestInfo, *, attach: bool
    ) -> None:
        what = f"pods/{info.subresource}"
        container = (req.query.get("container") or [""])[0]
        target = await self.lookup.target(rt, info.namespace, info.name, container, what)
        opts = StreamOptions.from_query(req.query, exec_=not attach)
        agent = target.agent
        if not is_websocket(req):
            raise _not_upgraded(req)
        socket = ChannelSocket(req, negotiate(req, REMOTE_COMMAND))
        pod, name = target.pod, target.container

        async def start() -> ExecProcess:
            if attach:
                return await agent.attach(pod, name, tty=opts.tty, stdin=opts.stdin)
            return await agent.exec(pod, name, opts.command, tty=opts.tty, stdin=opts.stdin)

        await socket.accept()
        await RemoteCommand(socket, opts, start, attach=attach).run()

    async def port_forward(self, req: Request, rt: ResourceType, info: RequestInfo) -> None:
        target = await self.lookup.target(rt, info.namespace, info.name, None, "pods/portforward")
        agent = target.agent
        if not is_websocket(req):
            raise _not_upgraded(req)
        protocol = negotiate(req, PORT_FORWARD)
        tunnel = protocol.name == SPDY_TUNNEL  # the ports come in the SPDY streams
        ports = [] if tunnel else q.ports(req.query)
        socket = ChannelSocket(req, protocol)
        pod = target.pod
        meta = pod.get("metadata") or {}
        label = f"{meta.get('namespace', '')}/{meta.get('name', '')}, uid {meta.get('uid', '')}"

        async def connect(port: int) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
            return await agent.port_forward(pod, port)

        await socket.accept()
        if tunnel:
            await SPDYPortForward(socket, connect, label).run()
        else:
            await PortForward(socket, ports, connect, label).run()

    def authorize_upgrade(self, req: Request) -> None:
        """A WebSocket upgrade is a GET, authorized as `get` by the guard; like
        kube-apiserver's AuthorizePodWebsocketUpgradeCreatePermission (on by default
        since 1.35) it must also be allowed to `create` the subresource, as SPDY's
        POST is, so that read-only access never opens a shell."""
        if not is_websocket(req) or self.authorizer is None or MASTERS in req.user.groups:
            return
        attrs = from_request(req.user, "POST", req.path, req.scope.get("query_string", b""))
        decision = self.authorizer.authorize(attrs)
        if not decision.allowed:
            raise forbidden(attrs, decision.reason)


def log_protocol(req: Request) -> str:
    """The client's first offer among wsstream's reader protocols; 400 when none."""
    wanted = offered(req) or [""]
    for name in wanted:
        if name in LOG_PROTOCOLS:
            return name
    supported = " ".join(p for p in LOG_PROTOCOLS if p)
    raise bad_request(
        f"requested protocol(s) are not supported: [{' '.join(wanted)}]; supports [{supported}]"
    )


def _not_upgraded(req: Request) -> Exception:
    """What a plain request gets: SPDY (kubectl's fallback, kubectl < 1.30) is named."""
    upgrade = req.headers.get("upgrade", "")
    if "spdy" in upgrade.lower():
        return bad_request(NO_SPDY)
    return bad_request(UPGRADE_REQUIRED)

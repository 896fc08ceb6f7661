"""The connection to one API server: an httpx.AsyncClient with the cluster's TLS, auth and
proxy, error mapping to typed exceptions, discovery, and the per-resource interface."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import orjson

from .config import ClusterConfig, in_cluster_config, is_in_cluster
from .credentials import ExecPlugin, KubeAuth
from .discovery import APIResource, Discovery
from .errors import ConnectionFailed, KubeconfigError, api_error
from .events import events_for
from .kubeconfig import load_kubeconfig
from .logs import stream_all_containers, stream_logs
from .resource import ResourceClient
from .transport import use_asyncio_streams

if TYPE_CHECKING:  # exec and port-forward load the WebSocket stack (~70 ms) when first used
    from .exec import ExecResult

JSON = "application/json"
DEFAULT_TIMEOUT = 30.0
USER_AGENT = "ktui/0.1"
Trace = Callable[[str, dict[str, Any]], Awaitable[None]]  # httpcore's trace extension
__all__ = ["Client", "connect", "load_config"]


class Client:
    """Async Kubernetes client. Use `await connect(...)` or `Client(config)`; close with
    `await client.aclose()` or `async with`."""

    def __init__(
        self,
        config: ClusterConfig,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        interactive: bool | None = None,
    ) -> None:
        self.config = config
        self.namespace = config.namespace
        self.plugin = ExecPlugin(config.exec, interactive) if config.exec else None
        self.auth = KubeAuth(config, self.plugin)
        self.ssl = config.ssl_context()
        hooks = {"request": [self._sni]} if config.tls_server_name else {}
        try:
            self.http = httpx.AsyncClient(
                base_url=config.server,
                verify=self.ssl,
                auth=self.auth,
                timeout=httpx.Timeout(timeout),
                transport=transport,
                proxy=config.proxy_url if transport is None else None,
                headers={"User-Agent": USER_AGENT, "Accept": JSON},
                event_hooks=hooks,
                limits=httpx.Limits(max_connections=100, max_keepalive_connections=20),
            )
        except ImportError as error:  # socks5:// without the socksio extra
            raise KubeconfigError(f"proxy-url {config.proxy_url}: {error}") from error
        if transport is None:
            use_asyncio_streams(self.http)
        self.discovery = Discovery(self)

    async def _sni(self, request: httpx.Request) -> None:
        request.extensions["sni_hostname"] = self.config.tls_server_name

    async def __aenter__(self) -> Client:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self.http.aclose()

    async def load_exec_certificate(self) -> None:
        """Exec plugins may answer with a client certificate; TLS needs it before connecting."""
        if self.plugin is None or not self.config.uses_tls or self.config.insecure:
            return
        credential = await self.plugin.credential()
        if credential.cert and credential.key and not isinstance(self.ssl, bool):
            self.config.load_client_certificate(self.ssl, credential.cert, credential.key)

    # -- HTTP ---------------------------------------------------------------------------

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        body: Any = None,
        content_type: str = JSON,
        accept: str | None = None,
        timeout: float | None = None,
        trace: Trace | None = None,
    ) -> httpx.Response:
        """One request; raises the typed ApiError for any answer >= 400."""
        headers = {}
        content = None
        if body is not None:
            content = body if isinstance(body, bytes) else orjson.dumps(body)
            headers["Content-Type"] = content_type
        if accept:
            headers["Accept"] = accept
        extra: dict[str, Any] = {"timeout": timeout} if timeout is not None else {}
        if trace is not None:
            extra["extensions"] = {"trace": trace}
        try:
            response = await self.http.request(
                method, path, params=_params(params), content=content, headers=headers, **extra
            )
        except httpx.TransportError as error:
            raise ConnectionFailed(f"{self.config.server}: {_describe(error)}") from error
        if response.status_code >= 400:
            raise api_error(response.status_code, response.content)
        return response

    async def prefetch(
        self, method: str, path: str, **kwargs: Any
    ) -> asyncio.Future[httpx.Response]:
        """Start `request(...)` and return once it is on the wire (or done): the server
        works on it while the caller does something else, then awaits the future."""
        sent = asyncio.Event()

        async def trace(name: str, info: dict[str, Any]) -> None:
            if name.endswith(".send_request_body.complete"):
                sent.set()

        future = asyncio.ensure_future(self.request(method, path, trace=trace, **kwargs))
        waiter = asyncio.ensure_future(sent.wait())
        try:
            await asyncio.wait((future, waiter), return_when=asyncio.FIRST_COMPLETED)
        except BaseException:
            future.cancel()
            raise
        finally:
            waiter.cancel()
        return future

    async def json(self, method: str, path: str, **kwargs: Any) -> Any:
        response = await self.request(method, path, **kwargs)
        return orjson.loads(response.content) if response.content else None

    @asynccontextmanager
    async def stream(
        self,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        accept: str | None = None,
        read_timeout: float | None = None,
    ) -> AsyncIterator[httpx.Response]:
        """A streaming GET (watch, log follow); the body is read lazily by the caller."""
        headers = {"Accept": accept} if accept else {}
        timeout = httpx.Timeout(DEFAULT_TIMEOUT, read=read_timeout)
        try:
            async with self.http.stream(
                "GET", path, params=_params(params), headers=headers, timeout=timeout
            ) as response:
                if response.status_code >= 400:
                    await response.aread()
                    raise api_error(response.status_code, response.content)
                yield response
        except httpx.TransportError as error:
            raise ConnectionFailed(f"{self.config.server}: {_describe(error)}") from error

    # -- resources ----------------------------------------------------------------------

    async def resource(self, name: str) -> ResourceClient:
        """The interface to a kind, by any name kubectl accepts: `po`, `pods`, `Pod`,
        `deployments.apps`, `deploy.v1.apps`, `apps/v1/Deployment`."""
        return ResourceClient(self, await self.discovery.find(name))

    def bind(self, resource: APIResource) -> ResourceClient:
        return ResourceClient(self, resource)

    async def version(self) -> dict[str, Any]:
        return await self.json("GET", "/version")

    # -- pods: logs, exec, attach, port-forward; events ----------------------------------

    def logs(self, pod: str, namespace: str | None = None, **options: Any) -> AsyncIterator[str]:
        return stream_logs(self, pod, namespace, **options)

    def all_logs(
        self, pod: str, namespace: str | None = None, **options: Any
    ) -> AsyncIterator[tuple[str, str]]:
        return stream_all_containers(self, pod, namespace, **options)

    def exec(self, pod: str, command: list[str], namespace: str | None = None, **options: Any):
        """`async with client.exec(pod, ["sh"], stdin=True, tty=True) as session: ...`"""
        from .exec import exec_session

        return exec_session(self, pod, command, namespace, **options)

    def attach(self, pod: str, namespace: str | None = None, **options: Any):
        from .exec import attach_session

        return attach_session(self, pod, namespace, **options)

    async def run(
        self, pod: str, command: list[str], namespace: str | None = None, **options: Any
    ) -> ExecResult:
        from .exec import run

        return await run(self, pod, command, namespace, **options)

    def port_forward(self, pod: str, ports: list[int], namespace: str | None = None):
        from .portforward import port_forward

        return port_forward(self, pod, ports, namespace)

    async def forward(self, pod: str, remote_port: int, namespace: str | None = None, **kw: Any):
        from .portforward import forward

        return await forward(self, pod, remote_port, namespace, **kw)

    async def events_for(self, obj: dict[str, Any]) -> list[dict[str, Any]]:
        return await events_for(self, obj)


def _params(params: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if not params:
        return None
    out: dict[str, Any] = {}
    for key, value in params.items():
        if value is None or value is False:
            continue
        out[key] = "true" if value is True else value
    return out


def _describe(error: httpx.TransportError) -> str:
    text = str(error) or type(error).__name__
    if isinstance(error, httpx.ConnectError):
        return f"cannot connect: {text}"
    return text


def load_config(
    kubeconfig: str | os.PathLike[str] | None = None,
    context: str | None = None,
    namespace: str | None = None,
    env: Mapping[str, str] | None = None,
    account_dir: Path | None = None,
) -> ClusterConfig:
    """kubectl's order: --kubeconfig, $KUBECONFIG, ~/.kube/config; inside a pod with none
    of these, the ServiceAccount."""
    env = os.environ if env is None else env
    home = Path(env.get("HOME") or os.path.expanduser("~"))
    has_file = kubeconfig or env.get("KUBECONFIG") or (home / ".kube" / "config").is_file()
    if not has_file and is_in_cluster(env):
        kwargs = {"account_dir": account_dir} if account_dir else {}
        config = in_cluster_config(env, **kwargs)
        if namespace:
            config.namespace = namespace
        return config
    return load_kubeconfig(kubeconfig, env).resolve(context, namespace)


async def connect(
    kubeconfig: str | os.PathLike[str] | None = None,
    context: str | None = None,
    namespace: str | None = None,
    **kwargs: Any,
) -> Client:
    """A ready client for a kubeconfig context (or in-cluster)."""
    client = Client(load_config(kubeconfig, context, namespace), **kwargs)
    await client.load_exec_certificate()
    return client

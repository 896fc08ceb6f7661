"""The first view's Table LIST, started by the command line before the UI is imported.

Python start, Textual's imports and the first screen take most of a second; a LIST of
50,000 pods takes the server as long again. So `ktui --context …` sends the first view's
LIST (pods, as TableFeed asks for them) from a thread as the very first thing: the server
builds the pages while the app imports, the thread decodes them into lean rows (msgspec,
tables.decode_lean_table) while the app composes, and the feed that shows that view
`claim`s the result instead of listing again, then watches from its resourceVersion.

Only the standard library's HTTP client is used here, so the request leaves before httpx
is imported. Two connections take turns: page k+1 is asked for as soon as page k's
`continue` token is read from its head, so the server builds it while page k is read
and decoded. Anything unusual (an exec plugin or auth-provider, a proxy, a TLS server
name, an answer that is not a 200 Table) is left to the normal path: the feed lists as it
always does. The request is the one the feed sends (standard query parameters), so it
works against any Kubernetes API server.
"""

from __future__ import annotations

import base64
import concurrent.futures
import http.client
import logging
import os
import sys
import threading
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ktui.client.config import ClusterConfig, is_in_cluster
from ktui.client.errors import KubeconfigError
from ktui.client.kubeconfig import load_kubeconfig

if TYPE_CHECKING:
    from ktui.client.tables import TableRow

ACCEPT_TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"  # tables.py's

log = logging.getLogger(__name__)

PAGE_SIZE = 2000  # feeds.TABLE_PAGE_SIZE is this: the feed asks for what was listed here
TIMEOUT = 15.0  # seconds without an answer before the feed lists on its own
SWITCH_INTERVAL = 0.0005
_HEAD = 4096  # bytes read before the rest of a page: the list metadata comes first


@dataclass
class Listed:
    """A complete LIST: what a Reflector's first list would have produced."""

    columns: list[dict[str, Any]]
    rows: list[TableRow]
    resource_version: str


class FirstList:
    """One paged Table LIST on a thread; `result` is a concurrent Future of `Listed`."""

    def __init__(self, config: ClusterConfig, path: str, page_size: int = PAGE_SIZE) -> None:
        self.config = config
        self.path = path
        self.page_size = page_size
        self.result: concurrent.futures.Future[Listed] = concurrent.futures.Future()
        self._headers = {"Accept": ACCEPT_TABLE, "User-Agent": "ktui/0.1", **_auth(config)}

    def start(self) -> FirstList:
        threading.Thread(target=self._run, name="ktui first list", daemon=True).start()
        return self

    def _run(self) -> None:
        if not self.result.set_running_or_notify_cancel():
            return
        # Each TLS record read gives up the GIL, and taking it back from the importing
        # main thread waits out the switch interval: 5 ms per 16 KB made a 50 MB list
        # take seconds. Switch often while the list runs (the engine does, for its HTTP).
        interval = sys.getswitchinterval()
        sys.setswitchinterval(min(interval, SWITCH_INTERVAL))
        try:
            self.result.set_result(self._list())
        except BaseException as error:  # the feed lists on its own and reports errors
            log.info("first list of %s: %s", self.path, error)
            self.result.set_exception(error)
        finally:
            sys.setswitchinterval(interval)

    def _list(self) -> Listed:
        connections = [self._connection(), self._connection()]
        try:
            return self._pages(connections)
        finally:
            for connection in connections:
                connection.close()

    def _pages(self, connections: list[http.client.HTTPConnection]) -> Listed:
        query = {"limit": str(self.page_size)}
        self._send(connections[0], query)
        # Imported once the request is out (msgspec and orjson: 50 ms before it otherwise).
        from ktui.client.pages import freeze_heap, paused_gc, peek_list_metadata
        from ktui.client.tables import decode_lean_table

        columns: list[dict[str, Any]] = []
        rows: list[TableRow] = []
        rv = ""
        turn = 0
        response: http.client.HTTPResponse | None = _answer(connections[0])
        while response is not None:
            head = response.read(_HEAD)
            meta = peek_list_metadata(head)
            asked = False
            if meta is not None and meta.get("continue"):
                # Ask for the next page now, not waiting for its answer: the server builds
                # it while this one is read and decoded.
                turn ^= 1
                self._send(connections[turn], {**query, "continue": meta["continue"]})
                asked = True
            body = head + response.read()
            with paused_gc():
                page, batch = decode_lean_table(body)
                if asked or rows:  # as the Reflector does after each page of a big list
                    freeze_heap()
            if page.get("kind") != "Table":
                raise ValueError(f"expected a Table, got {page.get('kind')!r}")
            columns = page.get("columnDefinitions") or columns
            rows.extend(batch)
            token = (page.get("metadata") or {}).get("continue")
            rv = rv or (page.get("metadata") or {}).get("resourceVersion") or ""
            if token and not asked:  # the head did not show it: ask now
                turn ^= 1
                self._send(connections[turn], {**query, "continue": token})
                asked = True
            response = _answer(connections[turn]) if asked else None
        return Listed(columns, rows, rv)

    def _connection(self) -> http.client.HTTPConnection:
        url = urllib.parse.urlsplit(self.config.server)
        if url.scheme == "https":
            context = self.config.ssl_context()
            assert not isinstance(context, bool)
            return http.client.HTTPSConnection(
                url.hostname or "", url.port or 443, timeout=TIMEOUT, context=context
            )
        return http.client.HTTPConnection(url.hostname or "", url.port or 80, timeout=TIMEOUT)

    def _send(self, connection: http.client.HTTPConnection, query: Mapping[str, str]) -> None:
        base = urllib.parse.urlsplit(self.config.server).path.rstrip("/")
        connection.request(
            "GET", f"{base}{self.path}?{urllib.parse.urlencode(query)}", headers=self._headers
        )


def _answer(connection: http.client.HTTPConnection) -> http.client.HTTPResponse:
    response = connection.getresponse()
    if response.status != 200:
        raise ValueError(f"first list: HTTP {response.status}")
    return response


def _auth(config: ClusterConfig) -> dict[str, str]:
    token = config.token
    if not token and config.token_file:
        token = Path(config.token_file).read_text().strip()
    if token:
        return {"Authorization": f"Bearer {token}"}
    if config.username and config.password:
        pair = f"{config.username}:{config.password}".encode()
        return {"Authorization": "Basic " + base64.b64encode(pair).decode()}
    return {}


# -- the one first list of this process ---------------------------------------------------

_started: FirstList | None = None
_lock = threading.Lock()


def pods_path(namespace: str | None) -> str:
    """The pods' path as the feed lists them (ResourceClient.path of core v1 pods)."""
    return f"/api/v1/namespaces/{namespace}/pods" if namespace else "/api/v1/pods"


def start(kubeconfig: Path | None, context: str | None, namespace: str | None) -> FirstList | None:
    """Start listing the pods of `namespace` (None: every namespace) of the cluster the
    app will use; None when that is left to the normal path (see the module docstring)."""
    global _started
    env = os.environ
    has_file = kubeconfig or env.get("KUBECONFIG") or (Path.home() / ".kube/config").is_file()
    if not has_file and is_in_cluster(env):
        return None  # in a pod: the ServiceAccount's config, resolved by the client
    try:
        config = load_kubeconfig(kubeconfig, env).resolve(context, None)
        if config.exec or config.auth_provider or config.proxy_url or config.tls_server_name:
            return None
        if namespace == "":
            namespace = config.namespace or "default"
        first = FirstList(config, pods_path(namespace))
    except (KubeconfigError, OSError, ValueError) as error:
        log.info("no first list: %s", error)  # the app reports kubeconfig problems itself
        return None
    with _lock:
        _started = first.start()
    return first


def claim(
    path: str, label_selector: str | None, field_selector: str | None, page_size: int
) -> concurrent.futures.Future[Listed] | None:
    """The started first list if it is this LIST. The first feed to ask decides: the list
    is handed over or dropped (its rows are not kept for a view that never comes)."""
    global _started
    with _lock:
        first, _started = _started, None
    if first is None or (first.path, first.page_size) != (path, page_size):
        return None
    if label_selector or field_selector:
        return None
    return first.result

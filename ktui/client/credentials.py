"""Authentication: bearer tokens (inline, file, exec plugin) and basic auth, as an httpx.Auth.

An exec plugin's credential is cached until its `expirationTimestamp`; any 401 throws the
cached credential away and retries the request once with a fresh one, as client-go does.
"""

from __future__ import annotations

import asyncio
import base64
import os
import sys
import time
from collections.abc import AsyncGenerator, Callable, Generator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import httpx
import orjson

from .config import ClusterConfig, ExecConfig
from .errors import CredentialError, KubeconfigError

TOKEN_FILE_REFRESH = 60.0  # seconds; projected ServiceAccount tokens rotate on disk
EXPIRY_SKEW = 10.0  # seconds; renew a little before the plugin's stated expiry


@dataclass(frozen=True)
class ExecCredential:
    token: str | None
    cert: bytes | None
    key: bytes | None
    expires_at: float | None  # epoch seconds; None = until a 401


class ExecPlugin:
    """Runs a client.authentication.k8s.io credential plugin and caches its answer."""

    def __init__(
        self,
        config: ExecConfig,
        interactive: bool | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.config = config
        self._clock = clock
        self._interactive = interactive
        self._cached: ExecCredential | None = None
        self._lock = asyncio.Lock()
        self.runs = 0  # how many times the plugin was executed (tests and diagnostics)

    def valid(self, credential: ExecCredential | None) -> bool:
        if credential is None:
            return False
        return credential.expires_at is None or self._clock() < credential.expires_at - EXPIRY_SKEW

    async def credential(self, force: bool = False) -> ExecCredential:
        async with self._lock:
            if force or not self.valid(self._cached):
                self._cached = await self._run()
            assert self._cached is not None
            return self._cached

    def invalidate(self) -> None:
        self._cached = None

    def _is_interactive(self) -> bool:
        mode = self.config.interactive_mode
        if mode == "Never":
            return False
        tty = self._interactive if self._interactive is not None else sys.stdin.isatty()
        if mode == "Always" and not tty:
            raise CredentialError(
                f"exec plugin {self.config.command} needs an interactive terminal "
                "(interactiveMode: Always) but none is available"
            )
        return tty

    async def _run(self) -> ExecCredential:
        cfg = self.config
        interactive = self._is_interactive()
        spec: dict[str, object] = {"interactive": interactive}
        if cfg.cluster_info:
            spec["cluster"] = cfg.cluster_info
        info = {"apiVersion": cfg.api_version, "kind": "ExecCredential", "spec": spec}
        env = {**os.environ, **cfg.env, "KUBERNETES_EXEC_INFO": orjson.dumps(info).decode()}
        try:
            proc = await asyncio.create_subprocess_exec(
                cfg.command,
                *cfg.args,
                env=env,
                stdin=None if interactive else asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.PIPE,
                stderr=None if interactive else asyncio.subprocess.PIPE,
            )
        except OSError as error:
            hint = f"\n{cfg.install_hint.strip()}" if cfg.install_hint else ""
            raise CredentialError(
                f"exec plugin: cannot run {cfg.command!r}: {error.strerror or error}{hint}"
            ) from error
        stdout, stderr = await proc.communicate()
        self.runs += 1
        if proc.returncode != 0:
            detail = (stderr or b"").decode("utf-8", "replace").strip()
            raise CredentialError(
                f"exec plugin {cfg.command!r} exited with code {proc.returncode}"
                + (f": {detail}" if detail else "")
            )
        return self._parse(stdout)

    def _parse(self, stdout: bytes) -> ExecCredential:
        name = self.config.command
        try:
            doc = orjson.loads(stdout)
        except orjson.JSONDecodeError as error:
            raise CredentialError(f"exec plugin {name!r} did not print JSON: {error}") from error
        if not isinstance(doc, dict) or doc.get("kind") != "ExecCredential":
            raise CredentialError(f"exec plugin {name!r} did not print an ExecCredential")
        if doc.get("apiVersion") != self.config.api_version:
            raise CredentialError(
                f"exec plugin {name!r} answered apiVersion {doc.get('apiVersion')!r}, "
                f"expected {self.config.api_version!r}"
            )
        status = doc.get("status") or {}
        token = status.get("token")
        cert, key = status.get("clientCertificateData"), status.get("clientKeyData")
        if not token and not (cert and key):
            raise CredentialError(f"exec plugin {name!r} returned neither a token nor a cert")
        return ExecCredential(
            token=token,
            cert=cert.encode() if cert else None,
            key=key.encode() if key else None,
            expires_at=_parse_time(status.get("expirationTimestamp"), name),
        )


def _parse_time(value: str | None, name: str) -> float | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except ValueError as error:
        raise CredentialError(f"exec plugin {name!r}: bad expirationTimestamp {value!r}") from error


class KubeAuth(httpx.Auth):
    """Adds the Authorization header; refreshes and retries once on a 401."""

    def __init__(
        self, config: ClusterConfig, plugin: ExecPlugin | None = None, clock=time.monotonic
    ) -> None:
        self.config = config
        self.plugin = plugin
        self._clock = clock
        self._file_token: str | None = None
        self._file_read_at = 0.0
        if config.auth_provider and not (config.token or config.token_file or plugin):
            raise KubeconfigError(
                f"auth-provider {config.auth_provider!r} is not supported (removed from "
                "kubectl in 1.26); use an exec credential plugin"
            )

    @property
    def refreshable(self) -> bool:
        return self.plugin is not None or self.config.token_file is not None

    async def header(self, force: bool = False) -> str | None:
        cfg = self.config
        if self.plugin is not None:
            credential = await self.plugin.credential(force)
            if credential.token:
                return f"Bearer {credential.token}"
        if cfg.token:
            return f"Bearer {cfg.token}"
        if cfg.token_file:
            return f"Bearer {self._read_token_file(force)}"
        if cfg.username is not None and cfg.password is not None:
            pair = f"{cfg.username}:{cfg.password}".encode()
            return "Basic " + base64.b64encode(pair).decode()
        return None

    def _read_token_file(self, force: bool) -> str:
        now = self._clock()
        if force or self._file_token is None or now - self._file_read_at > TOKEN_FILE_REFRESH:
            path = self.config.token_file or ""
            try:
                self._file_token = Path(path).read_text().strip()
            except OSError as error:
                raise KubeconfigError(f"{path}: cannot read token file: {error}") from error
            self._file_read_at = now
        return self._file_token

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        value = await self.header()
        if value:
            request.headers["Authorization"] = value
        response = yield request
        if response.status_code == 401 and self.refreshable:
            value = await self.header(force=True)
            if value:
                request.headers["Authorization"] = value
            yield request

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response]:
        raise RuntimeError("ktui.client is asynchronous; use httpx.AsyncClient")
        yield request  # pragma: no cover

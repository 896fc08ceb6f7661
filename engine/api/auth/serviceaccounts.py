"""ServiceAccount tokens: bound JWTs signed by the engine's key (DATA/pki/sa.key).

Claims as kube-apiserver issues them (pkg/serviceaccount/claims.go)::

    {"aud": [...], "exp": N, "iat": N, "nbf": N, "iss": ISSUER, "jti": "<uuid>",
     "sub": "system:serviceaccount:<ns>:<name>",
     "kubernetes.io": {"namespace": ns, "serviceaccount": {"name", "uid"},
                       "pod": {"name", "uid"}?, "secret": {"name", "uid"}?}}

A token authenticates only while its ServiceAccount (and the object it is bound to)
still exists with the same uid: deleting the ServiceAccount revokes its tokens.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import orjson
from cryptography.hazmat.primitives.asymmetric import ec

from engine.api.app import User
from engine.store import Store, StoreError

from . import jwt
from .users import service_account_user

log = logging.getLogger(__name__)

ISSUER = "https://kubernetes.default.svc.cluster.local"
API_AUDIENCES: tuple[str, ...] = (ISSUER,)
DEFAULT_EXPIRATION = 3600
MIN_EXPIRATION = 600  # "may not specify a duration less than 10 minutes"
MAX_EXPIRATION = 2**32
CLAIMS = "kubernetes.io"
CREDENTIAL_ID = "authentication.kubernetes.io/credential-id"
POD_NAME = "authentication.kubernetes.io/pod-name"
POD_UID = "authentication.kubernetes.io/pod-uid"
BOUND_PREFIXES = {"Pod": "/registry/pods/", "Secret": "/registry/secrets/"}
SERVICE_ACCOUNTS = "/registry/serviceaccounts/"


class TokenInvalid(Exception):
    """A token this issuer signed that does not authenticate (expired, revoked...)."""


@dataclass(frozen=True, slots=True)
class Issued:
    token: str
    expires: int  # unix seconds
    audiences: tuple[str, ...]


class ServiceAccountTokens:
    def __init__(
        self,
        key: ec.EllipticCurvePrivateKey,
        store: Store | None,
        now: Callable[[], float] = time.time,
    ) -> None:
        self.key = key
        self.public_key = key.public_key()
        self.store = store
        self.now = now

    # -- issuing -------------------------------------------------------------------------

    def issue(
        self,
        namespace: str,
        service_account: dict[str, Any],
        audiences: Iterable[str] = (),
        expiration_seconds: int = DEFAULT_EXPIRATION,
        bound: dict[str, Any] | None = None,
    ) -> Issued:
        meta = service_account.get("metadata") or {}
        now = int(self.now())
        expires = now + expiration_seconds
        auds = tuple(audiences) or API_AUDIENCES
        private: dict[str, Any] = {
            "namespace": namespace,
            "serviceaccount": {"name": meta.get("name", ""), "uid": meta.get("uid", "")},
        }
        if bound and bound.get("kind") in BOUND_PREFIXES:
            private[bound["kind"].lower()] = {
                "name": bound.get("name", ""),
                "uid": bound.get("uid", ""),
            }
        claims = {
            "aud": list(auds),
            "exp": expires,
            "iat": now,
            "iss": ISSUER,
            "jti": str(uuid.uuid4()),
            CLAIMS: private,
            "nbf": now,
            "sub": f"system:serviceaccount:{namespace}:{meta.get('name', '')}",
        }
        return Issued(jwt.sign(claims, self.key), expires, auds)

    # -- authenticating ------------------------------------------------------------------

    def authenticate(self, token: str, audiences: Iterable[str] = API_AUDIENCES) -> User | None:
        """The ServiceAccount user, None when the token is not ours, TokenInvalid when it
        is ours but must not authenticate."""
        claims = jwt.unverified_claims(token)
        if claims is None or claims.get("iss") != ISSUER:
            return None
        try:
            claims = jwt.verify(token, self.public_key)
        except jwt.InvalidToken as exc:
            raise TokenInvalid(str(exc)) from None
        now = self.now()
        if not isinstance(claims.get("exp"), int) or claims["exp"] < now:
            raise TokenInvalid("token has expired")
        if isinstance(claims.get("nbf"), int) and claims["nbf"] > now + 60:
            raise TokenInvalid("token used before issued")
        token_auds = claims.get("aud")
        token_auds = [token_auds] if isinstance(token_auds, str) else token_auds or []
        if not set(token_auds) & set(audiences):
            raise TokenInvalid("token audiences is invalid for the target audiences")
        private = claims.get(CLAIMS)
        if not isinstance(private, dict):
            raise TokenInvalid("token lacks the kubernetes.io claims")
        namespace = private.get("namespace", "")
        sa = private.get("serviceaccount") or {}
        name, uid = sa.get("name", ""), sa.get("uid", "")
        live = self._live(SERVICE_ACCOUNTS, namespace, name)
        if live is None:
            raise TokenInvalid(f"service account {namespace}/{name} has been deleted")
        if (live.get("metadata") or {}).get("uid") != uid:
            raise TokenInvalid(f"service account UID ({uid}) does not match claim")
        extra: list[tuple[str, tuple[str, ...]]] = []
        for kind, prefix in BOUND_PREFIXES.items():
            ref = private.get(kind.lower())
            if not isinstance(ref, dict):
                continue
            obj = self._live(prefix, namespace, ref.get("name", ""))
            if obj is None or (obj.get("metadata") or {}).get("uid") != ref.get("uid"):
                raise TokenInvalid(f"{kind.lower()} {ref.get('name')} is no longer valid")
            if kind == "Pod":
                extra += [(POD_NAME, (ref.get("name", ""),)), (POD_UID, (ref.get("uid", ""),))]
        if claims.get("jti"):
            extra.insert(0, (CREDENTIAL_ID, (f"JTI={claims['jti']}",)))
        return service_account_user(namespace, name, uid, tuple(extra))

    def _live(self, prefix: str, namespace: str, name: str) -> dict[str, Any] | None:
        if self.store is None or not namespace or not name:
            return None
        try:
            kv = self.store.get(f"{prefix}{namespace}/{name}")
        except StoreError:
            return None
        try:
            obj = orjson.loads(kv.value)
        except orjson.JSONDecodeError:
            return None
        return obj if isinstance(obj, dict) else None

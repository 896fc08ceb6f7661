"""The authentication and authorization APIs kubectl uses: SelfSubjectAccessReview,
SubjectAccessReview, LocalSubjectAccessReview, SelfSubjectRulesReview (`kubectl auth
can-i [--list]`), SelfSubjectReview (`auth whoami`), TokenReview, and the
`serviceaccounts/<name>/token` TokenRequest (`kubectl create token`)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import orjson

from engine.api.app import JSON, Request, Response, User
from engine.api.status import StatusError

from .attributes import Attributes
from .rbac.authorizer import RBACAuthorizer
from .serviceaccounts import (
    API_AUDIENCES,
    DEFAULT_EXPIRATION,
    MAX_EXPIRATION,
    MIN_EXPIRATION,
    ServiceAccountTokens,
    TokenInvalid,
)
from .users import with_authenticated

if TYPE_CHECKING:
    from engine.api.rest.paths import RequestInfo
    from engine.api.storage.service import APIStorage
    from engine.registry.types import ResourceType

Obj = dict[str, Any]


def invalid(kind: str, group: str, field: str, message: str, value: Any = None) -> StatusError:
    shown = f": {orjson.dumps(value).decode()}" if value is not None else ""
    detail = (
        f"{field}: Invalid value{shown}: {message}" if value is not None else f"{field}: {message}"
    )
    return StatusError(
        422,
        "Invalid",
        f'{kind}.{group} "" is invalid: {detail}',
        {
            "group": group,
            "kind": kind,
            "causes": [{"reason": "FieldValueInvalid", "message": message, "field": field}],
        },
    )


def user_info(user: User) -> Obj:
    info: Obj = {"username": user.name}
    if user.uid:
        info["uid"] = user.uid
    if user.groups:
        info["groups"] = list(user.groups)
    if user.extra:
        info["extra"] = {key: list(values) for key, values in user.extra}
    return info


def _user_from_spec(spec: Obj) -> User:
    extra = tuple((k, tuple(v)) for k, v in (spec.get("extra") or {}).items())
    return User(
        spec.get("user") or "", tuple(spec.get("groups") or ()), spec.get("uid") or "", extra
    )


def attributes_of(user: User, spec: Obj) -> Attributes | None:
    res = spec.get("resourceAttributes")
    if isinstance(res, dict):
        return Attributes(
            user,
            res.get("verb") or "",
            True,
            res.get("group") or "",
            res.get("version") or "",
            res.get("resource") or "",
            res.get("subresource") or "",
            res.get("namespace") or "",
            res.get("name") or "",
        )
    non = spec.get("nonResourceAttributes")
    if isinstance(non, dict):
        return Attributes(user, non.get("verb") or "", False, path=non.get("path") or "")
    return None


class AuthAPIs:
    def __init__(
        self,
        storage: APIStorage,
        authorizer: RBACAuthorizer,
        tokens: ServiceAccountTokens,
        authenticate_token: Any,
    ) -> None:
        self.storage = storage
        self.authorizer = authorizer
        self.tokens = tokens
        self.authenticate_token = authenticate_token  # str → User | None

    async def handle(self, req: Request, rt: ResourceType, info: RequestInfo) -> Response:
        from engine.api.rest import bodies
        from engine.api.status import method_not_allowed

        if req.method != "POST" or info.name:
            raise method_not_allowed()
        body, _ = await bodies.read_object(req, rt.kind)
        if not isinstance(body, dict):
            raise StatusError(400, "BadRequest", "the body of the request must be an object")
        spec = body.get("spec") if isinstance(body.get("spec"), dict) else {}
        status = self.answer(req.user, rt, info.namespace, spec)
        out = {
            "kind": rt.kind,
            "apiVersion": rt.api_version,
            "metadata": {**(body.get("metadata") or {}), "creationTimestamp": None},
        }
        if rt.kind != "SelfSubjectReview":
            out["spec"] = spec
        out["status"] = status
        return Response(orjson.dumps(out), 201, JSON)

    def answer(self, requestor: User, rt: ResourceType, namespace: str, spec: Obj) -> Obj:
        kind, group = rt.kind, rt.group
        if kind == "SelfSubjectReview":
            return {"userInfo": user_info(requestor)}
        if kind == "TokenReview":
            return self.token_review(spec)
        if kind == "SelfSubjectRulesReview":
            return self.rules_review(requestor, spec.get("namespace") or "")
        subject = requestor if kind == "SelfSubjectAccessReview" else _user_from_spec(spec)
        if kind != "SelfSubjectAccessReview" and not subject.name and not subject.groups:
            raise invalid(
                kind, group, "spec.user", "at least one of user or group must be specified"
            )
        attrs = attributes_of(subject, spec)
        if attrs is None:
            raise invalid(
                kind,
                group,
                "spec.resourceAttributes",
                "exactly one of nonResourceAttributes or resourceAttributes must be specified",
            )
        if kind == "LocalSubjectAccessReview" and attrs.namespace != namespace:
            raise invalid(
                kind,
                group,
                "spec.resourceAttributes.namespace",
                f"must match namespace: {namespace}",
                attrs.namespace,
            )
        decision = self.authorizer.authorize(attrs)
        status: Obj = {"allowed": decision.allowed}
        if decision.reason:
            status["reason"] = decision.reason
        return status

    def rules_review(self, user: User, namespace: str) -> Obj:
        rules, incomplete = self.authorizer.rules_for(user, namespace)
        resource, non_resource = [], []
        for rule in rules:
            if rule.non_resource_urls:
                non_resource.append(
                    {"verbs": sorted(rule.verbs), "nonResourceURLs": list(rule.non_resource_urls)}
                )
            else:
                entry: Obj = {
                    "verbs": sorted(rule.verbs),
                    "apiGroups": sorted(rule.api_groups),
                    "resources": sorted(rule.resources),
                }
                if rule.resource_names:
                    entry["resourceNames"] = sorted(rule.resource_names)
                resource.append(entry)
        return {
            "resourceRules": resource,
            "nonResourceRules": non_resource,
            "incomplete": incomplete,
        }

    def token_review(self, spec: Obj) -> Obj:
        token = spec.get("token") or ""
        audiences = list(spec.get("audiences") or ())
        try:
            user = self._review_token(token, audiences)
        except TokenInvalid as exc:
            return {"user": {}, "error": f"[invalid bearer token, {exc}]"}
        if user is None:
            return {"user": {}, "error": "[invalid bearer token]"}
        return {
            "authenticated": True,
            "user": user_info(with_authenticated(user)),
            "audiences": audiences or list(API_AUDIENCES),
        }

    def _review_token(self, token: str, audiences: list[str]) -> User | None:
        if audiences and set(audiences) != set(API_AUDIENCES):
            return self.tokens.authenticate(token, audiences)
        return self.authenticate_token(token)

    # -- serviceaccounts/<name>/token -----------------------------------------------------

    async def token_request(self, req: Request, rt: ResourceType, info: RequestInfo) -> Response:
        from engine.api.rest import bodies
        from engine.api.status import method_not_allowed

        if req.method != "POST":
            raise method_not_allowed()
        body, _ = await bodies.read_object(req, "TokenRequest")
        spec = (body.get("spec") if isinstance(body, dict) else None) or {}
        expiration = spec.get("expirationSeconds") or DEFAULT_EXPIRATION
        if not isinstance(expiration, int) or expiration < MIN_EXPIRATION:
            raise invalid(
                "TokenRequest",
                "authentication.k8s.io",
                "spec.expirationSeconds",
                "may not specify a duration less than 10 minutes",
                expiration,
            )
        if expiration > MAX_EXPIRATION:
            raise invalid(
                "TokenRequest",
                "authentication.k8s.io",
                "spec.expirationSeconds",
                "may not specify a duration larger than 2^32 seconds",
                expiration,
            )
        account = await self.storage.get_object(rt, info.namespace, info.name)
        bound = spec.get("boundObjectRef")
        if isinstance(bound, dict) and bound.get("kind"):
            bound = await self._bound(info.namespace, bound)
        issued = self.tokens.issue(
            info.namespace, account, spec.get("audiences") or (), expiration, bound or None
        )
        expires = dt.datetime.fromtimestamp(issued.expires, dt.timezone.utc)
        out = {
            "kind": "TokenRequest",
            "apiVersion": "authentication.k8s.io/v1",
            "metadata": {"name": info.name, "namespace": info.namespace, "creationTimestamp": None},
            "spec": {
                "audiences": list(issued.audiences),
                "expirationSeconds": expiration,
                "boundObjectRef": bound or None,
            },
            "status": {
                "token": issued.token,
                "expirationTimestamp": expires.strftime("%Y-%m-%dT%H:%M:%SZ"),
            },
        }
        return Response(orjson.dumps(out), 201, JSON)

    async def _bound(self, namespace: str, ref: Obj) -> Obj:
        kind = ref.get("kind")
        plural = {"Pod": "pods", "Secret": "secrets"}.get(str(kind))
        if plural is None:
            raise invalid(
                "TokenRequest",
                "authentication.k8s.io",
                "spec.boundObjectRef.kind",
                'supported values: "Pod", "Secret"',
                kind,
            )
        rt = self.storage.registry.lookup("", "v1", plural)
        assert rt is not None
        obj = await self.storage.get_object(rt, namespace, ref.get("name") or "")
        uid = obj["metadata"].get("uid", "")
        if ref.get("uid") and ref["uid"] != uid:
            raise StatusError(
                409,
                "Conflict",
                f"the UID in the bound object reference "
                f"({ref['uid']}) does not match the UID in record ({uid})",
            )
        return {"kind": kind, "apiVersion": "v1", "name": ref.get("name"), "uid": uid}

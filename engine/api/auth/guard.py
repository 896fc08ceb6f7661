"""What the App runs after authentication on every non-public route: impersonation,
then RBAC. Members of system:masters skip the RBAC evaluation entirely (the fast path
for the admin, which is most of the traffic)."""

from __future__ import annotations

from engine.api.app import Request

from .attributes import Attributes, from_request
from .forbidden import forbidden
from .impersonation import impersonate
from .rbac.authorizer import RBACAuthorizer
from .users import MASTERS


class AuthorizationGuard:
    def __init__(self, authorizer: RBACAuthorizer) -> None:
        self.authorizer = authorizer

    def allowed(self, attrs: Attributes) -> bool:
        return self.authorizer.authorize(attrs).allowed

    async def __call__(self, req: Request) -> None:
        acting = impersonate(req.user, req.scope, self.allowed)
        if acting is not None:
            req.user = acting
        user = req.user
        if MASTERS in user.groups:
            return
        attrs = from_request(user, req.method, req.path, req.scope.get("query_string", b""))
        decision = self.authorizer.authorize(attrs)
        if not decision.allowed:
            raise forbidden(attrs, decision.reason)

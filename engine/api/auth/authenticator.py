"""The authenticator chain, in kube-apiserver's order: a verified client certificate, then
the bearer token (the static admin token, then ServiceAccount JWTs). No credential at
all is the anonymous user; a bearer token nobody recognises is 401 on every path."""

from __future__ import annotations

import logging

from engine.api.app import ANONYMOUS, Scope, TokenAuthenticator, User, authorization_header
from engine.api.status import unauthorized

from .certificates import CertificateUsers
from .serviceaccounts import ServiceAccountTokens, TokenInvalid

log = logging.getLogger(__name__)


class RequestAuthenticator:
    def __init__(
        self,
        static: TokenAuthenticator,
        service_accounts: ServiceAccountTokens | None = None,
        certificates: CertificateUsers | None = None,
    ) -> None:
        self.static = static
        self.service_accounts = service_accounts
        self.certificates = certificates if certificates is not None else CertificateUsers()

    def authenticate_request(self, scope: Scope, peer_certificate: bytes | None = None) -> User:
        if peer_certificate is not None:
            user = self.certificates.user(peer_certificate)
            if user is not None:
                return user
        header = authorization_header(scope)
        if not header:
            return ANONYMOUS
        scheme, _, token = header.strip().partition(b" ")
        token = token.strip()
        if scheme.lower() != b"bearer" or not token:
            return ANONYMOUS
        user = self.authenticate_token(token.decode("latin-1"))
        if user is None:
            raise unauthorized()
        return user

    def authenticate_token(self, token: str) -> User | None:
        """The user of a bearer token, or None (TokenReview asks the same question)."""
        user = self.static.find(token.encode("latin-1", "replace"))
        if user is not None or self.service_accounts is None:
            return user
        try:
            return self.service_accounts.authenticate(token)
        except TokenInvalid as exc:
            log.debug("service account token rejected: %s", exc)
            return None

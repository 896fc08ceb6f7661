"""engine/api/auth: who is asking (authentication) and may they (authorization).

users.py          well-known users and groups (system:masters, service accounts, nodes)
jwt.py            compact JWS (ES256) for ServiceAccount tokens
serviceaccounts.py issuing and validating ServiceAccount tokens (TokenRequest)
certificates.py   client certificates: peer certificates from the TLS layer, CN/O → user
authenticator.py  the chain: client certificate, static tokens, ServiceAccount tokens
attributes.py     request → authorizer attributes (verb, group, resource, namespace...)
forbidden.py      the 403 Status exactly as kube-apiserver words it
impersonation.py  Impersonate-User / Impersonate-Group headers
guard.py          the hook the App calls after authentication: impersonate, authorize
rbac/             rules, the informer-like cache, the authorizer, aggregation, policy
reviews.py        SelfSubjectAccessReview & co., SelfSubjectReview, TokenReview, TokenRequest
"""

"""RBAC as upstream: rules, the informer-like cache of the four kinds, the authorizer,
ClusterRole aggregation and the bootstrap policy."""

"""How kubectl names an object in its messages: `deployment.apps/web`, `pod "web" deleted`."""

from __future__ import annotations

from ktui.refs import ObjectRef


def kind_name(ref: ObjectRef) -> str:
    """`deployment.apps`, or `pod` for the core group."""
    r = ref.resource
    singular = r.singular or r.kind.lower()
    return f"{singular}.{r.group}" if r.group else singular


def display(ref: ObjectRef) -> str:
    """`deployment.apps/web`."""
    return f"{kind_name(ref)}/{ref.name}"

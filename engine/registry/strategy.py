"""What a kind may do on create, update and delete: upstream's RESTCreateStrategy & co.

The storage layer does what every kind shares (metadata, uid, timestamps, generation,
spec/status separation, name and label validation); a `Strategy` adds the kind's own
defaulting, resets and validation. Every method works on decoded JSON dicts in place.
"""

from __future__ import annotations

from .field_errors import FieldError
from .types import Obj


class Strategy:
    """The default strategy: no defaults, no extra validation (ConfigMap-like kinds)."""

    def default(self, obj: Obj) -> None:
        """Server-side defaulting of fields a client left out (the scheme's defaulters)."""

    def prepare_for_create(self, obj: Obj) -> None:
        """Kind-specific resets before a create (status is reset generically)."""

    def prepare_for_update(self, new: Obj, old: Obj) -> None:
        """Kind-specific changes before an update of the main resource."""

    def prepare_for_status_update(self, new: Obj, old: Obj) -> None:
        """Kind-specific changes before a /status update (spec is restored generically)."""

    def validate(self, obj: Obj) -> list[FieldError]:
        return []

    def validate_update(self, new: Obj, old: Obj) -> list[FieldError]:
        return self.validate(new)

    def validate_status_update(self, new: Obj, old: Obj) -> list[FieldError]:
        return []

    def grace_period(self, obj: Obj, requested: int | None) -> int | None:
        """Seconds of graceful deletion for `obj`, or None if the kind deletes at once.

        Only pods delete gracefully (the kubelet finishes the deletion).
        """
        return None

    def reset_status_on_create(self) -> bool:
        """Whether a create drops the client's status (kinds with a status subresource)."""
        return True

    def deletion_finalizers(self, obj: Obj) -> list[str]:
        """Finalizers a DELETE adds, so that a controller finishes the deletion (a CRD
        waits for its custom resources to be removed)."""
        return []


class StatusKeptOnCreate(Strategy):
    """Nodes and a few others accept status on create (a kubelet registers its node)."""

    def reset_status_on_create(self) -> bool:
        return False

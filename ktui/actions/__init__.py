"""The actions that change a cluster, as kubectl performs them: plain async functions over
the client (no Textual), each answering a short message for the user or raising the
client's typed errors (ApiError subclasses) or an ActionError.

    message = await scale(client, ref, 3)   # "deployment.apps/web scaled to 3"
"""

from __future__ import annotations

from .drain import DrainPlan, drain, plan
from .edit import dry_run_replace, field_paths, replace
from .errors import ActionError, DrainError
from .lifecycle import delete, kill
from .names import display, kind_name
from .nodes import cordon, uncordon
from .rollback import rollback
from .workloads import containers_of, restart, scale, set_image

__all__ = [
    "ActionError",
    "DrainError",
    "DrainPlan",
    "containers_of",
    "cordon",
    "delete",
    "display",
    "drain",
    "dry_run_replace",
    "field_paths",
    "kill",
    "kind_name",
    "plan",
    "replace",
    "restart",
    "rollback",
    "scale",
    "set_image",
    "uncordon",
]

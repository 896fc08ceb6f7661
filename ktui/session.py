"""What every screen needs to know about the cluster it shows: the client, where it points,
and whether changes are allowed. One Session per running app."""

from __future__ import annotations

from dataclasses import dataclass, field

from ktui.client import Client
from ktui.config import Config


@dataclass
class Session:
    client: Client
    context: str = ""  # kubeconfig context name ("lab" for the embedded lab)
    cluster: str = ""
    user: str = ""
    server_version: str = ""  # gitVersion of /version, e.g. "v1.32.0"
    readonly: bool = False
    config: Config = field(default_factory=Config)

    @property
    def namespace(self) -> str:
        """The namespace the app starts in: config, else the context's, else default."""
        return self.config.namespace or self.client.namespace or "default"

"""Table column definitions (metav1.TableColumnDefinition) and the ones most kinds share."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .docs import doc


@dataclass(frozen=True)
class Column:
    name: str
    type: str = "string"
    description: str = ""
    format: str = ""
    priority: int = 0  # 1: only shown by `kubectl get -o wide`

    def as_dict(self) -> dict[str, Any]:
        # Every field is always present: none of them is omitempty in Go.
        return {
            "name": self.name,
            "type": self.type,
            "format": self.format,
            "description": self.description,
            "priority": self.priority,
        }


def col(name: str, key_or_text: str, type: str = "string", priority: int = 0) -> Column:
    """A column whose description is a DOCS key ("Type.field") or, failing that, literal."""
    try:
        description = doc(key_or_text)
    except KeyError:
        description = key_or_text
    return Column(name, type, description, "", priority)


def wide(name: str, key_or_text: str, type: str = "string") -> Column:
    return col(name, key_or_text, type, priority=1)


NAME = Column("Name", "string", doc("ObjectMeta.name"), "name")
AGE = col("Age", "ObjectMeta.creationTimestamp")
CONTAINERS = wide("Containers", "Names of each container in the template.")
IMAGES = wide("Images", "Images referenced by each container in the template.")

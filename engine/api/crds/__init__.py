"""engine/api/crds: CustomResourceDefinitions (apiextensions.k8s.io/v1) and the custom
resources they define. See docs/crds.md.

    controller = install_crds(storage)   # at API install: serves every stored CRD
    controller.stop()                    # at close
"""

from __future__ import annotations

from .controller import CRDController, install_crds
from .strategies import CLEANUP_FINALIZER, CRDStrategy, CustomResourceStrategy

__all__ = [
    "CLEANUP_FINALIZER",
    "CRDController",
    "CRDStrategy",
    "CustomResourceStrategy",
    "install_crds",
]

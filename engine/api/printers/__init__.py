"""Server-side printing: the meta.k8s.io/v1 Table kube-apiserver returns to `kubectl get`.

    table("apps", "v1", "Deployment", deployments, now=clock.time())
    columns("", "v1", "Pod");  cells("", "v1", "Pod", pod, now)
    table("example.com", "v1", "Widget", widgets, now, crd_columns=printer_columns)

Every built-in kind with an upstream printer (pkg/printers/internalversion/printers.go)
has its columns and row function here; other kinds get upstream's default NAME /
CREATED AT table, and custom resources their CRD's additionalPrinterColumns.
"""

from __future__ import annotations

# Importing the modules registers their printers.
from . import apps, batch, cluster, core, events, network, nodes, pods, storage
from .columns import Column
from .crd import crd_printer
from .registry import PRINTERS, Printer, printer_for
from .table import (
    INCLUDE_METADATA,
    INCLUDE_NONE,
    INCLUDE_OBJECT,
    IncludeObjectError,
    cells,
    columns,
    embedded,
    get_printer,
    row,
    stored_table,
    table,
)

del apps, batch, cluster, core, events, network, nodes, pods, storage

__all__ = [
    "INCLUDE_METADATA",
    "INCLUDE_NONE",
    "INCLUDE_OBJECT",
    "PRINTERS",
    "Column",
    "IncludeObjectError",
    "Printer",
    "cells",
    "columns",
    "crd_printer",
    "embedded",
    "get_printer",
    "printer_for",
    "row",
    "stored_table",
    "table",
]

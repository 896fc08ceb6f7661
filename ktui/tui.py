"""From the command line to a running app: pick the cluster, connect, run, clean up.

the embedded lab (default)   boot it, read the kubeconfig it wrote, stop it at exit
--context / --kubeconfig     read the user's kubeconfig; the lab is not started
"""

from __future__ import annotations

import logging
from pathlib import Path

from ktui.client import Client, KubeconfigError, load_config, load_kubeconfig
from ktui.config import load_config as load_settings
from ktui.session import Session

log = logging.getLogger(__name__)

LAB_CONTEXT = "ktui-lab"


class TuiError(Exception):
    """The app cannot start (one line, for the user)."""


def run(
    *,
    cluster_dir: Path | None = None,
    data_dir: Path | None = None,
    context: str | None = None,
    kubeconfig: Path | None = None,
    readonly: bool = False,
    all_namespaces: bool = False,
) -> int:
    from ktui.app import KtuiApp
    from ktui.lab import EmbeddedLab, LabError

    settings = load_settings()
    problems: list[str] = []
    lab: EmbeddedLab | None = None
    if context is None and kubeconfig is None:
        lab = EmbeddedLab(cluster_dir, data_dir)
        try:
            lab.start()
        except LabError as exc:
            raise TuiError(str(exc)) from None
        kubeconfig, context = lab.kubeconfig, LAB_CONTEXT
        problems += lab.problems
    try:
        session = connect_session(kubeconfig, context, readonly or settings.readonly)
        session.config = settings
        app = KtuiApp(session, problems=problems, all_namespaces=all_namespaces)
        app.run()
        return app.return_code or 0
    finally:
        if lab is not None:
            lab.stop()


def connect_session(kubeconfig: Path | None, context: str | None, readonly: bool) -> Session:
    try:
        config = load_config(kubeconfig, context)
        cluster = ""
        try:
            contexts = load_kubeconfig(kubeconfig).contexts
            cluster = (contexts.get(config.context or "") or {}).get("cluster", "")
        except KubeconfigError:
            pass
    except KubeconfigError as exc:
        raise TuiError(str(exc)) from None
    client = Client(config)
    return Session(
        client,
        context=config.context or "",
        cluster=cluster or config.server,
        readonly=readonly,
    )

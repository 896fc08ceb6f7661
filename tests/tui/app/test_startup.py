"""From the command line to a session: the lab boots and stops; kubeconfig errors are clear."""

from __future__ import annotations

from pathlib import Path

import pytest

from ktui.lab import EmbeddedLab, default_cluster_dir
from ktui.tui import TuiError, connect_session


def test_the_default_lab_folder_is_the_sample_lab():
    assert (default_cluster_dir() / "cluster.toml").is_file()


def test_the_embedded_lab_boots_seeded_and_stops(tmp_path: Path):
    lab = EmbeddedLab(default_cluster_dir(), tmp_path / "lab")
    lab.start()
    try:
        assert lab.kubeconfig.is_file()
        assert lab.problems == []
        session = connect_session(lab.kubeconfig, "ktui-lab", readonly=True)
        assert session.context == "ktui-lab" and session.readonly
    finally:
        lab.stop()
    # Stopped means the data directory is free for the next start.
    again = EmbeddedLab(default_cluster_dir(), tmp_path / "lab")
    again.start()
    again.stop()


def test_an_unknown_context_is_a_clear_error(kubeconfig: Path):
    with pytest.raises(TuiError, match='context "nope" not found'):
        connect_session(kubeconfig, "nope", readonly=False)


def test_a_broken_kubeconfig_is_a_clear_error(tmp_path: Path):
    broken = tmp_path / "config"
    broken.write_text("clusters: [unclosed\n")
    with pytest.raises(TuiError, match=str(broken)):
        connect_session(broken, None, readonly=False)

"""The `ktui` command line (contract: DESIGN.md, "The command line").

    ktui [--cluster DIR]      the TUI on the embedded lab (sample_clusters/lab by default)
    ktui --context NAME       the TUI on a cluster of your kubeconfig
    ktui serve [options]      the engine alone, headless

This is the one place ktui/ boots the engine (DESIGN: ktui never imports engine otherwise).
"""

from __future__ import annotations

import argparse
import logging
import os
import shlex
import signal
import sys
import threading
from pathlib import Path
from types import FrameType

log = logging.getLogger(__name__)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ktui",
        description="A keyboard-driven terminal app for Kubernetes, with an embedded lab cluster.",
    )
    parser.add_argument("--cluster", type=Path, metavar="DIR", help="boot the lab from DIR")
    parser.add_argument("--context", metavar="NAME", help="a context of your kubeconfig")
    parser.add_argument(
        "--kubeconfig", dest="read_kubeconfig", type=Path, metavar="FILE", help="kubeconfig to read"
    )
    parser.add_argument("--readonly", action="store_true", help="offer no action that changes")
    parser.add_argument(
        "-A", "--all-namespaces", action="store_true", help="start on the pods of every namespace"
    )
    _engine_options(parser, with_cluster=False)
    parser.add_argument("-v", "--verbose", action="count", default=0, help="log more (-vv: debug)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    serve = commands.add_parser(
        "serve",
        help="run the lab engine headless",
        description="Serve the lab engine's Kubernetes API over HTTPS and write an admin "
        "kubeconfig; stop with Ctrl+C. Started again on the same data directory, it resumes.",
    )
    _engine_options(serve, with_cluster=True)
    serve.add_argument(
        "--kubeconfig",
        type=Path,
        metavar="FILE",
        default=argparse.SUPPRESS,
        help="write the admin kubeconfig to FILE, merged with what is there (default DATA/kubeconfig)",
    )
    serve.add_argument(
        "--insecure-http",
        action="store_true",
        default=argparse.SUPPRESS,
        help="serve plain HTTP without authentication (debugging only)",
    )
    serve.add_argument("-v", "--verbose", action="count", default=argparse.SUPPRESS)
    return parser


def _engine_options(parser: argparse.ArgumentParser, with_cluster: bool) -> None:
    # SUPPRESS: an option given before the subcommand is not reset by the subcommand's default.
    if with_cluster:
        parser.add_argument(
            "--cluster", type=Path, metavar="DIR", default=argparse.SUPPRESS, help="cluster folder"
        )
    parser.add_argument(
        "--data",
        type=Path,
        metavar="DIR",
        default=argparse.SUPPRESS,
        help="state directory (default $XDG_DATA_HOME/ktui/lab)",
    )
    parser.add_argument(
        "--host", metavar="ADDR", default=argparse.SUPPRESS, help="listen address (127.0.0.1)"
    )
    parser.add_argument(
        "--port",
        type=_port,
        metavar="PORT",
        default=argparse.SUPPRESS,
        help="listen port (6443; 0 picks a free one)",
    )


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"port out of range: {port}")
    return port


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        return run_tui(args)
    _configure_logging(args.verbose)
    if args.context or args.read_kubeconfig:
        parser.error(
            "--context/--kubeconfig before the command are TUI options; use `ktui serve --kubeconfig FILE`"
        )
    return serve(args)


def run_tui(args: argparse.Namespace) -> int:
    """The app on the embedded lab, or on a kubeconfig context; 0 on a clean exit."""
    log_file = _log_to_file(args.verbose)
    if args.context or args.read_kubeconfig:
        start_first_list(args.read_kubeconfig, args.context, args.all_namespaces)
    from ktui.tui import TuiError, run  # Textual and httpx: while the first list runs

    try:
        return run(
            cluster_dir=getattr(args, "cluster", None),
            data_dir=getattr(args, "data", None),
            context=args.context,
            kubeconfig=args.read_kubeconfig,
            readonly=args.readonly,
            all_namespaces=args.all_namespaces,
        )
    except TuiError as exc:
        print(f"ktui: error: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:
        log.exception("ktui failed")
        print(f"ktui: error: {exc} (details in {log_file})", file=sys.stderr)
        return 1


def start_first_list(kubeconfig: Path | None, context: str | None, all_namespaces: bool) -> None:
    """Send the first view's LIST now, before the app is imported (ktui.first_list): the
    pods of every namespace with -A, else of the namespace the app starts in."""
    from ktui import first_list

    namespace = None
    if not all_namespaces:
        from ktui.config import load_config as load_settings

        namespace = load_settings().namespace or ""  # "": the kubeconfig context's
    first_list.start(kubeconfig, context, namespace)


def _log_to_file(verbosity: int) -> Path:
    """The screen belongs to the app: logs go to $XDG_STATE_HOME/ktui/ktui.log."""
    base = os.environ.get("XDG_STATE_HOME", "")
    root = Path(base) if os.path.isabs(base) else Path.home() / ".local" / "state"
    path = root / "ktui" / "ktui.log"
    path.parent.mkdir(parents=True, exist_ok=True)
    level = logging.WARNING if verbosity <= 0 else logging.INFO if verbosity == 1 else logging.DEBUG
    logging.basicConfig(
        level=level,
        filename=path,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    return path


def _configure_logging(verbosity: int) -> None:
    level = logging.WARNING if verbosity <= 0 else logging.INFO if verbosity == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="ktui: %(levelname)s %(name)s: %(message)s")


def serve(args: argparse.Namespace) -> int:
    """Run the engine until SIGINT/SIGTERM. 0 on a clean stop, 1 when it cannot serve."""
    from engine.cluster import Cluster, ClusterError, default_data_dir

    stop = threading.Event()
    _install_signal_handlers(stop)
    cluster = Cluster(
        getattr(args, "data", None) or default_data_dir(),
        cluster_dir=getattr(args, "cluster", None),
        host=getattr(args, "host", "127.0.0.1"),
        port=getattr(args, "port", 6443),
        kubeconfig=getattr(args, "kubeconfig", None),
        insecure_http=getattr(args, "insecure_http", False),
    )
    try:
        cluster.start()
    except ClusterError as exc:
        print(f"ktui: error: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:
        log.debug("start failed", exc_info=True)
        print(
            f"ktui: error: the engine failed to start: {exc} (-vv shows details)", file=sys.stderr
        )
        return 1

    kubeconfig = shlex.quote(str(cluster.kubeconfig_path))
    if cluster.insecure_http:
        print(
            f"ktui: WARNING: serving plain HTTP on {cluster.url} with no TLS and no "
            "authentication (--insecure-http); for debugging only.",
            file=sys.stderr,
        )
    print(f"kubeconfig: {cluster.kubeconfig_path}")
    print(f"try: kubectl --kubeconfig {kubeconfig} get ns", flush=True)
    print(
        f"ktui: serving {cluster.url}, data in {cluster.data_dir} (Ctrl+C stops)", file=sys.stderr
    )

    code = 0
    try:
        while not stop.wait(0.5):
            if not cluster.alive:
                print("ktui: error: the API server stopped unexpectedly", file=sys.stderr)
                code = 1
                break
        else:
            print("ktui: stopping", file=sys.stderr, flush=True)
    finally:
        cluster.stop()
    return code


def _install_signal_handlers(stop: threading.Event) -> None:
    def handle(signum: int, frame: FrameType | None) -> None:
        if stop.is_set() and signum == signal.SIGINT:  # Ctrl+C again while stopping
            os.write(2, b"ktui: forced exit\n")
            os._exit(1)
        stop.set()

    signal.signal(signal.SIGINT, handle)
    signal.signal(signal.SIGTERM, handle)

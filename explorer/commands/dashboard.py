"""``explorer dashboard --storage URL``: optuna-dashboard on a stored search or sweep.

Each trial shows its sampled choices as parameters and its solved sizes and totals
(``d_model``, ``parameters``, ``flops`` ...) as user attributes. Needs the ``dashboard``
extra (``pip install 'explorer[dashboard]'``); serves until Ctrl-C.
"""

from __future__ import annotations

import argparse

NAME = "dashboard"
HELP = "optuna-dashboard on a stored study (pip install 'explorer[dashboard]')"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``--storage``, ``--host``, ``--port``."""
    parser.add_argument(
        "--storage",
        required=True,
        help="the study's storage: a journal file (search.log), sqlite:///search.db or "
        "postgresql://...",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to serve on (127.0.0.1)")
    parser.add_argument("--port", type=int, default=8080, help="port to serve on (8080)")
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)


def run(args: argparse.Namespace) -> str:
    """Serve until Ctrl-C; then say so."""
    from searches import dashboard

    try:
        dashboard(args.storage, host=args.host, port=args.port)
    except KeyboardInterrupt:
        return "dashboard stopped"
    return "dashboard stopped"

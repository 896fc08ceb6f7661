"""Process-wide settings for the engine process (one process, many threads, one GIL)."""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import sys

log = logging.getLogger(__name__)

SWITCH_INTERVAL = 0.0005  # reference/http-stack.md: 5 ms starves the HTTP thread
_M_TRIM_THRESHOLD = -1
_M_TOP_PAD = -2


def tune_process() -> None:
    """Short GIL switch interval; keep freed heap instead of returning it to the kernel.

    Lists copy megabytes of values out of LMDB; with glibc's default trim threshold each
    list re-faults its memory from the kernel, which doubled the time of a 10,000-key range.
    """
    sys.setswitchinterval(SWITCH_INTERVAL)
    name = ctypes.util.find_library("c")
    if not name or not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(name)
        libc.mallopt(_M_TRIM_THRESHOLD, 256 << 20)
        libc.mallopt(_M_TOP_PAD, 64 << 20)
    except (OSError, AttributeError):  # not glibc: nothing to tune
        log.debug("mallopt unavailable; heap tuning skipped")

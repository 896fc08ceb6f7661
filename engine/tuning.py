"""Process-wide settings for the engine process (one process, many threads, one GIL)."""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import logging
import sys

log = logging.getLogger(__name__)

SWITCH_INTERVAL = 0.0005  # reference/http-stack.md: 5 ms starves the HTTP thread
GC_THRESHOLDS = (10_000, 50, 100)
_M_TRIM_THRESHOLD = -1
_M_TOP_PAD = -2
_M_MMAP_THRESHOLD = -3


def tune_process() -> None:
    """Short GIL switch interval; fewer garbage collections; keep freed heap.

    - The collector's thresholds: with the default (700, 10, 10) a bench run of the API
      server made 14 full collections of the engine heap, up to 78 ms each (every thread
      stops), and a LIST with a label selector over 10,000 pods (each one decoded) cost
      750-850 ms of CPU; with (10,000, 50, 100): no full collection, gen-0 pauses up to
      ~16-30 ms, and 390-490 ms for that LIST (docs/performance.md, "API server").
    - Lists copy megabytes of values out of LMDB; with glibc's default trim threshold each
      list re-faults its memory from the kernel, which doubled the time of a 10,000-key
      range. Buffers up to 32 MiB (LIST chunks, TLS records) come from that heap too, not
      from a fresh mmap each: the page faults took a 10,000-pod LIST from ~57 to ~100 ms
      of engine CPU.
    """
    sys.setswitchinterval(SWITCH_INTERVAL)
    gc.set_threshold(*GC_THRESHOLDS)
    name = ctypes.util.find_library("c")
    if not name or not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(name)
        libc.mallopt(_M_TRIM_THRESHOLD, 256 << 20)
        libc.mallopt(_M_TOP_PAD, 64 << 20)
        libc.mallopt(_M_MMAP_THRESHOLD, 32 << 20)
    except (OSError, AttributeError):  # not glibc: nothing to tune
        log.debug("mallopt unavailable; heap tuning skipped")

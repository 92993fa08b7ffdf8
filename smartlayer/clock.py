"""The one clock: every timestamp smartlayer passes to Redis comes from here (tests patch it)."""

from __future__ import annotations

import time


def now_ms() -> int:
    """Return wall-clock time in integer milliseconds."""
    return time.time_ns() // 1_000_000


def monotonic() -> float:
    """Return a monotonic time in seconds, for timeouts and the circuit breaker."""
    return time.monotonic()

"""The exceptions smartlayer raises.

``ConfigError`` carries every problem found in ``SMART_MIDDLEWARE`` (system checks turn each
into a message with a stable ID); ``StoreUnavailable`` is the only error the Redis access
layer lets out, whatever redis-py raised underneath. An unexpected error of ours is never
raised to Django: ``log_internal`` logs it (at most every 10 s) and the request goes on.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from smartlayer import clock

# An unexpected error of ours is logged at most this often (seconds), never raised.
INTERNAL_ERROR_LOG_INTERVAL = 10.0

_logger = logging.getLogger("smartlayer")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the settings: a stable check ID, a message and a hint."""

    id: str
    msg: str
    hint: str | None = None


class ConfigError(Exception):
    """``SMART_MIDDLEWARE`` is invalid; ``problems`` lists everything found, not just the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{p.id}: {p.msg}" for p in problems))


class StoreUnavailable(Exception):
    """Redis could not answer in time (down, hung, refused, or the circuit breaker is open)."""


class _Throttled:
    """Log an internal error with its traceback, at most once per interval per process."""

    def __init__(self) -> None:
        self.next_at = 0.0
        self.lock = threading.Lock()

    def __call__(self, what: str) -> None:
        now = clock.monotonic()
        with self.lock:
            if now < self.next_at:
                return
            self.next_at = now + INTERNAL_ERROR_LOG_INTERVAL
        _logger.exception("smartlayer: internal error in %s; request let through", what)


log_internal = _Throttled()

"""The exceptions smartlayer raises.

``ConfigError`` carries every problem found in ``SMART_MIDDLEWARE`` (system checks turn each
into a message with a stable ID); ``StoreUnavailable`` is the only error the Redis access
layer lets out, whatever redis-py raised underneath.
"""

from __future__ import annotations

from dataclasses import dataclass


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

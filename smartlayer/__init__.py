"""smartlayer: a Redis-backed security, rate-limiting and monitoring layer for Django."""

from __future__ import annotations

__version__ = "0.2.0.dev0"

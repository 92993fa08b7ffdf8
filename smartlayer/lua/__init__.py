"""The Lua scripts, read once from the ``.lua`` files beside this module.

``PRE_REQUEST`` is assembled from one file per feature section plus the dispatcher in
``pre_request.lua`` (after ``bytes.lua`` and ``facts.lua``, the binary counters' helpers and the anomaly
counters' layout), so a feature adds its section file here and its keys and args in Python,
and still costs no extra round trip.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from importlib.resources import files
from typing import Any

PRE_SECTIONS = ("ban", "anomaly", "ratelimit")


@dataclass(frozen=True)
class LuaScript:
    name: str
    source: str

    @property
    def sha(self) -> str:
        return hashlib.sha1(self.source.encode()).hexdigest()

    @cached_property
    def sha_bytes(self) -> bytes:
        return self.sha.encode()


# (script, KEYS, ARGV): one call of a pipeline (store.run_many)
ScriptCall = tuple[LuaScript, Sequence[str], Sequence[Any]]


SEPARATOR = b"\x1f"


def fields(reply: bytes | str | Sequence[Any]) -> list[Any]:
    """The fields of one section's reply to PRE_REQUEST (empty when the section did not run)."""
    if isinstance(reply, str):
        reply = reply.encode()
    if isinstance(reply, bytes):
        return reply.split(SEPARATOR) if reply else []
    return list(reply)


def _read(name: str) -> str:
    return files(__package__).joinpath(name).read_text(encoding="utf-8")


PRE_REQUEST = LuaScript(
    "pre_request",
    "local SECTIONS = {}\n"
    + _read("bytes.lua")
    + _read("facts.lua")
    + "".join(_read(f"{section}.lua") for section in PRE_SECTIONS)
    + _read("pre_request.lua"),
)

# bytes.lua and facts.lua: the anomaly counters' binary layout, shared with the anomaly section
ANOMALY_AFTER = LuaScript(
    "anomaly_after", _read("bytes.lua") + _read("facts.lua") + _read("anomaly_after.lua")
)
BAN_INDEX = LuaScript("ban_index", _read("ban_index.lua"))
STRIKE = LuaScript("strike", _read("strike.lua"))
MONITOR = LuaScript("monitor", _read("monitor.lua"))

ALL = (PRE_REQUEST, ANOMALY_AFTER, BAN_INDEX, STRIKE, MONITOR)
FILES = (
    "pre_request.lua",
    "anomaly_after.lua",
    "ban_index.lua",
    "strike.lua",
    "monitor.lua",
    "bytes.lua",
    "facts.lua",
    *(f"{section}.lua" for section in PRE_SECTIONS),
)

"""The Lua scripts, read once from the ``.lua`` files beside this module.

``PRE_REQUEST`` is assembled from one file per feature section plus the dispatcher in
``pre_request.lua``, so a feature adds its section file here and its keys and args in Python,
and still costs no extra round trip.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from importlib.resources import files

PRE_SECTIONS = ("ban", "ratelimit")


@dataclass(frozen=True)
class LuaScript:
    name: str
    source: str

    @property
    def sha(self) -> str:
        return hashlib.sha1(self.source.encode()).hexdigest()


def _read(name: str) -> str:
    return files(__package__).joinpath(name).read_text(encoding="utf-8")


PRE_REQUEST = LuaScript(
    "pre_request",
    "local SECTIONS = {}\n"
    + "".join(_read(f"{section}.lua") for section in PRE_SECTIONS)
    + _read("pre_request.lua"),
)

ALL = (PRE_REQUEST,)
FILES = ("pre_request.lua", *(f"{section}.lua" for section in PRE_SECTIONS))

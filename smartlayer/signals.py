"""Signals sites can connect to.

``request_blocked(sender, request, reason, identity, enforced)``: a request was refused
(``enforced=False`` in monitor mode, where it was let through). ``reason`` is a short code
such as ``"rate_limit"``, ``"quota"``, ``"banned"`` or ``"unavailable"``.

``identity_banned(sender, identity, reason, seconds, enforced)``: an identity was banned.
"""

from __future__ import annotations

from django.dispatch import Signal

request_blocked = Signal()
identity_banned = Signal()

"""The clock, in one place so tests can freeze it (``monkeypatch.setattr(spill.clock, "utcnow", ...)``)."""

from __future__ import annotations

import datetime as dt


def utcnow() -> str:
    """Now, as ISO 8601 UTC with milliseconds (how every timestamp in a case file is written)."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")

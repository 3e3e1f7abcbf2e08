"""What the app remembers between runs: recent cases and the last measured scan speed.

One small JSON file in the user's state directory (``$XDG_STATE_HOME/spill/recent.json``,
default ``~/.local/state/spill``; folder 0700, file 0600). It holds case paths, share paths
and counts — never a finding's value or preview — so it leaks no more than a directory
listing. A damaged file is set aside and the list starts again empty.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import tempfile
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

from spill import clock

KEEP = 12  # cases in the list


def state_dir() -> Path:
    """``$XDG_STATE_HOME/spill`` (default ``~/.local/state/spill``), created 0700."""
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    path = Path(base) / "spill"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


@dataclass(frozen=True, slots=True)
class RecentCase:
    """A case as the start screen lists it; figures as of ``seen_at``."""

    path: str
    share: str | None = None
    seen_at: str = ""  # ISO 8601 UTC: last opened or scanned from the app
    findings: int | None = None
    decided: int | None = None  # findings no longer open
    scan: str | None = None  # the last scan's status: running, finished, interrupted, failed

    @property
    def name(self) -> str:
        return Path(self.path).name

    @property
    def unfinished(self) -> bool:
        return self.scan in ("running", "interrupted", "failed")


class RecentCases:
    """The list, most recent first; every change is written at once (atomically)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or state_dir() / "recent.json"
        self._data = self._load()

    def entries(self) -> list[RecentCase]:
        known = {f.name for f in fields(RecentCase)}
        out = []
        for raw in self._data.get("cases", []):
            if isinstance(raw, dict) and isinstance(raw.get("path"), str):
                out.append(RecentCase(**{k: v for k, v in raw.items() if k in known}))
        return out

    def get(self, path: Path | str) -> RecentCase | None:
        key = _key(path)
        return next((e for e in self.entries() if e.path == key), None)

    def remember(self, path: Path | str, **figures: Any) -> RecentCase:
        """Put the case first with these figures (the others kept from before), stamped now."""
        key = _key(path)
        entry = replace(self.get(key) or RecentCase(key), **figures, seen_at=clock.utcnow())
        rest = [e for e in self.entries() if e.path != key]
        self._data["cases"] = [asdict(e) for e in [entry, *rest][:KEEP]]
        self._save()
        return entry

    def update(self, path: Path | str, **figures: Any) -> None:
        """New figures for a listed case, keeping its place and time (the start screen's refresh)."""
        key = _key(path)
        self._data["cases"] = [asdict(replace(e, **figures)) if e.path == key else asdict(e) for e in self.entries()]
        self._save()

    def forget(self, path: Path | str) -> None:
        key = _key(path)
        self._data["cases"] = [asdict(e) for e in self.entries() if e.path != key]
        self._save()

    # ------------------------------------------------------------ scan speed
    def speed(self, use_ner: bool) -> float | None:
        """Bytes per second of the last scan measured from the app with this names setting."""
        value = self._data.get("speed", {}).get(_speed_key(use_ner))
        return float(value) if isinstance(value, (int, float)) and value > 0 else None

    def record_speed(self, use_ner: bool, bytes_per_second: float) -> None:
        if bytes_per_second > 0:
            self._data.setdefault("speed", {})[_speed_key(use_ner)] = round(bytes_per_second, 1)
            self._save()

    # -------------------------------------------------------------- storage
    def _load(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError):
            with contextlib.suppress(OSError):
                self.path.replace(self.path.with_suffix(".damaged"))
            return {}
        return data if isinstance(data, dict) else {}

    def _save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".recent-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(self._data, fh, indent=1, sort_keys=True)
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise


def read_figures(path: Path) -> dict[str, Any] | None:
    """A case's figures for its entry (share, findings, decided, last scan status); None when it cannot
    be read. Index-only counts: a few hundred ms on a million findings."""
    from spill.case import Case
    from spill.errors import SpillError
    from spill.model import Status

    try:
        with Case.open(path, readonly=True) as case:
            o = case.reports.overview()
    except (SpillError, OSError, sqlite3.Error):
        return None
    return {"share": o.scan.root if o.scan else None, "findings": o.findings,
            "decided": o.findings - o.with_status(Status.OPEN), "scan": o.scan.status if o.scan else None}


def _key(path: Path | str) -> str:
    return str(Path(path).expanduser().resolve())


def _speed_key(use_ner: bool) -> str:
    return "names" if use_ner else "no_names"

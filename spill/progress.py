"""How a running scan tells a person (or another tool) where it is.

On a terminal: a live bar with files and bytes done/total, throughput, ETA, findings by
category and the error count; the file being read is shown with its control characters
escaped (a name is data, not a terminal command). Not a terminal (CI, nohup): one line every N seconds.
``--json-progress``: one JSON object per line on stderr, for other tools.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from typing import Any, TextIO

from rich.console import Console
from rich.live import Live
from rich.text import Text

from spill.inert import terminal


def human_bytes(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if abs(n) < 1024 or unit == "TB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} TB"


def describe(p: Any) -> str:
    """One line: files, bytes, rate, ETA, findings by category, errors."""
    done = p.bytes_done + getattr(p, "bytes_in_flight", 0)  # files finished + read of those in progress
    rate = done / p.elapsed if p.elapsed > 0 else 0.0
    total_files = f"/{p.files_total}" if p.files_total is not None else ""
    total_bytes = f"/{human_bytes(p.bytes_total)}" if p.bytes_total is not None else ""
    eta = ""
    if p.bytes_total and rate > 0 and not p.finished:
        left = max(0.0, (p.bytes_total - done) / rate)
        eta = f" · ETA {_clock(left)}"
    cats = " ".join(f"{k}:{v}" for k, v in sorted(p.by_category.items()))
    pausing = "pausing: finishing the files in hand · " if getattr(p, "pausing", False) and not p.finished else ""
    return (f"{pausing}{p.files_done}{total_files} files · {human_bytes(done)}{total_bytes} · "
            f"{human_bytes(rate)}/s{eta} · {p.findings} findings{' (' + cats + ')' if cats else ''} · "
            f"{p.errors} errors · {p.skipped} skipped")


def _clock(seconds: float) -> str:
    seconds = int(seconds)
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


class ProgressReporter:
    """Chooses the display for the stream and is the engine's progress callback."""

    def __init__(self, stream: TextIO | None = None, *, json_lines: bool = False, every: float = 10.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.stream = stream or sys.stderr
        self.json_lines = json_lines
        self.every = every
        self.clock = clock
        self._last = -1e9
        self._pausing = False  # a change is shown at once, whatever the interval
        self._live: Live | None = None
        if not json_lines and self.stream.isatty():
            self._live = Live(Text("starting workers…"), console=Console(file=self.stream), transient=True,
                              refresh_per_second=4)
            self._live.start()

    def __call__(self, p: Any) -> None:
        if self._live is not None:
            self._live.update(Text(describe(p) + (f"\n{terminal(p.current)}" if p.current else ""),
                                   overflow="ellipsis"))
            return
        now = self.clock()
        pausing, paused = getattr(p, "pausing", False), getattr(p, "paused", False)
        if now - self._last < (1.0 if self.json_lines else self.every) and not (p.finished or paused) \
                and pausing == self._pausing:
            return
        self._pausing = pausing
        self._last = now
        if self.json_lines:
            done = p.bytes_done + getattr(p, "bytes_in_flight", 0)
            payload = {"files_done": p.files_done, "files_total": p.files_total, "bytes_done": done,
                       "bytes_total": p.bytes_total, "findings": p.findings, "by_category": dict(p.by_category),
                       "errors": p.errors, "skipped": p.skipped, "elapsed": round(p.elapsed, 2),
                       "finished": p.finished, "pausing": pausing, "paused": paused}
            print(json.dumps(payload), file=self.stream, flush=True)
        else:
            print(f"spill: {describe(p)}", file=self.stream, flush=True)

    def close(self) -> None:
        if self._live is not None:
            self._live.stop()
            self._live = None

"""Shares for the scan-from-the-app tests, and a guard that no scan process outlives its test."""

from __future__ import annotations

import signal
import subprocess
from pathlib import Path

from spill import scan_job

IBAN = "GB82 WEST 1234 5698 7654 32"


def make_share(root: Path, files: int, name: str = "vendor-export") -> Path:
    """``files`` small text files, each with one e-mail address and one IBAN (two findings): enough files
    that a --no-ner scan runs for many seconds on one worker, so the app can watch, pause and cancel it."""
    share = root / name
    share.mkdir(parents=True)
    filler = "quarterly payout batch reconciled without exceptions\n" * 40
    for i in range(files):
        folder = share / f"batch-{i // 250:02d}"
        folder.mkdir(exist_ok=True)
        (folder / f"payout-{i:05d}.txt").write_text(
            f"payout record {i}\ncontact annotator{i}@vendorco.example, IBAN {IBAN}\n{filler}", encoding="utf-8")
    return share


def stop_every_scan() -> None:
    """Ctrl-C, then kill, every scan process this test process started (a test must not leave one behind)."""
    for pid, process in list(scan_job._children.items()):
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        scan_job._children.pop(pid, None)

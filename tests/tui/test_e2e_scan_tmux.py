"""End to end, as a person does it: `spill` alone in a real terminal (tmux, 80×24) starts, pauses and
resumes a scan, quits leaving it running headless; a second `spill` follows it again and stops it on
quitting; a third reopens the case from the recent list.

The app is the real command (``python -m spill.cli``, the network guard armed), the scan a real
`spill scan` process; the test types keys with ``send-keys`` and reads the screen with
``capture-pane``, then checks the case file itself.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from scan_share import make_share
from test_e2e_tmux import Terminal

pytestmark = [pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"), pytest.mark.slow]
SCAN_SECONDS = 90.0


class Spill:
    """`spill` sessions in tmux, all in one working folder with one state folder."""

    def __init__(self, box: Path) -> None:
        self.box = box
        self.names: list[str] = []

    def start(self) -> Terminal:
        name = f"spill-scan-e2e-{os.getpid()}-{len(self.names)}"
        env = f"XDG_STATE_HOME={shlex.quote(str(self.box / 'state'))}"
        repo = Path(__file__).parents[2]
        command = (f"cd {shlex.quote(str(self.box / 'cases'))} && {env} PYTHONPATH={shlex.quote(str(repo))} "
                   f"{shlex.quote(sys.executable)} -m spill.cli; echo SPILL-EXITED; sleep 120")
        subprocess.run(["tmux", "new-session", "-d", "-s", name, "-x", "80", "-y", "24", command], check=True)
        self.names.append(name)
        return Terminal(name)

    def close(self) -> None:
        for name in self.names:
            subprocess.run(["tmux", "kill-session", "-t", name], capture_output=True)


@pytest.fixture
def spill(tmp_path: Path) -> Iterator[Spill]:
    box = tmp_path / "box"
    (box / "cases").mkdir(parents=True)
    make_share(box, 3000)
    sessions = Spill(box)
    yield sessions
    sessions.close()
    for record in (box / "state" / "spill" / "scans").glob("*.json"):  # never leave a scan behind
        pid = json.loads(record.read_text())["pid"]
        try:
            os.kill(pid, 2)
        except ProcessLookupError:
            continue
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and alive(pid):
            time.sleep(0.2)


def alive(pid: int) -> bool:
    """Still running (a zombie is not: the app that started the scan has gone, and whoever adopted it
    may never reap it in a container)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def running_pid(box: Path) -> int:
    records = list((box / "state" / "spill" / "scans").glob("*.json"))
    assert len(records) == 1
    return int(json.loads(records[0].read_text())["pid"])


def test_e2e_scan_from_the_app_in_a_real_terminal(spill: Spill) -> None:
    box = spill.box
    case = box / "cases" / "vendor-export.db"
    first = spill.start()
    first.wait_for("No recent cases yet")
    first.keys("n")
    first.wait_for("Share to scan")
    first.keys("BSpace")  # the tree starts in the working folder: up one, to where the share is
    first.wait_for("vendor-export")
    first.keys("Down", "Down", "Down", "Enter")  # cases, state, vendor-export
    first.wait_for("3,000 files")  # the share is picked and measured
    first.keys("Tab", "Tab", "Tab", "Tab", "Space")  # share, case, rules, names: off (a fast first pass)
    first.keys("Tab", "1")  # jobs: one worker
    first.keys("C-s")
    shown = first.wait_for("RUNNING", timeout=SCAN_SECONDS)
    assert "Scan of" in shown and "/ 3,000 files" in shown
    first.keys("p")
    first.wait_for("PAUSED", timeout=SCAN_SECONDS)
    first.keys("r")
    first.wait_for("--resume", timeout=SCAN_SECONDS)
    first.wait_for("RUNNING", timeout=SCAN_SECONDS)
    first.keys("q")
    first.wait_for("leave it running")
    first.keys("l")
    shown = first.wait_for("SPILL-EXITED")
    assert "runs on in the background" in shown.replace("\n", "")
    pid = running_pid(box)
    assert alive(pid), "the scan goes on without the app"

    second = spill.start()  # `spill` again: the scan is first in the list, running; enter follows it
    second.wait_for_line("vendor-export.db", "RUNNING")
    second.keys("Enter")
    second.wait_for("Scan of", timeout=SCAN_SECONDS)
    second.wait_for(f"(pid {pid})")
    second.keys("q")  # quit again, and this time stop it (like Ctrl-C) on the way out
    second.wait_for("leave it running")
    second.keys("s")
    second.wait_for("SPILL-EXITED", timeout=SCAN_SECONDS)
    assert not alive(pid)

    third = spill.start()  # and back to the case from the list
    third.wait_for_line("vendor-export.db", "UNFINISHED")
    third.keys("Enter")
    third.wait_for("[1 Overview]")
    third.keys("q")
    third.wait_for("SPILL-EXITED")

    conn = sqlite3.connect(f"file:{case}?mode=ro", uri=True)
    assert conn.execute("SELECT status FROM scans ORDER BY id").fetchall() == [("interrupted",)] * 2
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    done = conn.execute("SELECT count(*) FROM files WHERE status = 'done'").fetchone()[0]
    assert 0 < done < 3000
    conn.close()
    assert not alive(pid)
    assert not list((box / "state" / "spill" / "scans").glob("*.json"))

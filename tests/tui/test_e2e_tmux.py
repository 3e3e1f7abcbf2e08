"""End to end, as a person uses it: the real app in a real terminal (tmux), keys in, screen text out.

The app is started the way the CLI starts it (``run_triage``) in a 100×30 tmux session;
the test types keys with ``send-keys``, reads the screen with ``capture-pane -p`` and,
after quitting, checks the case file itself.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sample_case import SampleCase

from spill.case import Case

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")

LAUNCH = """
import sys
from pathlib import Path
sys.path.insert(0, {tests!r})
from sample_case import SampleCase
from tui.app import run_triage
sample = SampleCase(Path({case!r}), Path({share!r}))
run_triage(sample.path, "e2e-analyst", sample.revealer())
"""


class Terminal:
    def __init__(self, name: str) -> None:
        self.name = name

    def keys(self, *keys: str) -> None:
        for key in keys:
            subprocess.run(["tmux", "send-keys", "-t", self.name, key], check=True)
            time.sleep(0.15)

    def text(self) -> str:
        return subprocess.run(["tmux", "capture-pane", "-p", "-t", self.name], check=True, capture_output=True,
                              text=True).stdout

    def wait_for(self, needle: str, timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            shown = self.text()
            if needle in shown:
                return shown
            time.sleep(0.1)
        raise AssertionError(f"{needle!r} never appeared; the screen shows:\n{self.text()}")

    def wait_for_line(self, *needles: str, timeout: float = 20.0) -> str:
        """The first screen line holding every needle (rows may paint after the title)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in self.text().splitlines():
                if all(n in line for n in needles):
                    return line
            time.sleep(0.1)
        raise AssertionError(f"no line with {needles!r}; the screen shows:\n{self.text()}")

    def alive(self) -> bool:
        return subprocess.run(["tmux", "has-session", "-t", self.name], capture_output=True).returncode == 0


@pytest.fixture
def terminal(sample: SampleCase, tmp_path: Path) -> Iterator[Terminal]:
    name = f"spill-e2e-{tmp_path.name}"[:60]
    script = tmp_path / "launch.py"
    script.write_text(LAUNCH.format(tests=str(Path(__file__).parent), case=str(sample.path),
                                    share=str(sample.share)))
    command = f"cd {Path(__file__).parents[2]} && {sys.executable} {script}"
    subprocess.run(["tmux", "new-session", "-d", "-s", name, "-x", "100", "-y", "30", command], check=True)
    try:
        yield Terminal(name)
    finally:
        subprocess.run(["tmux", "kill-session", "-t", name], capture_output=True)


def test_e2e_triage_in_a_real_terminal(terminal: Terminal, sample: SampleCase) -> None:
    shown = terminal.wait_for("findings decided")
    assert "[1 Overview]" in shown and "21 scanned · 2 skipped · 1 failed" in shown

    terminal.keys("2")
    shown = terminal.wait_for("51 findings · sort")
    assert "IN_PAN" in shown and "ABCPE1234F" not in shown  # masked

    terminal.keys("/")
    terminal.keys("t:PHONE_NUMBER")
    terminal.wait_for("t:PHONE_NUMBER")
    terminal.keys("Enter")
    terminal.wait_for("30 findings · sort")
    terminal.keys("g")  # group by value: the support phone is one row of 30
    terminal.wait_for("group by value")
    terminal.wait_for_line("PHONE_NUMBER", "30")  # its count column
    terminal.keys("x")  # one key decides all 30, in 15 files: it asks first
    terminal.wait_for("30 open → false positive")
    terminal.keys("y")
    terminal.wait_for("30 changed")

    terminal.keys("g", "g", "g", "g")  # back to the plain list
    terminal.wait_for("30 findings · sort")
    terminal.keys("/")
    terminal.keys("C-u", "type:IN_PAN", "Enter")
    terminal.wait_for("1 finding · sort")
    terminal.keys("r")  # reveal: re-read from the share, logged
    shown = terminal.wait_for("REVEALED")
    assert "ABCPE1234F" in shown
    terminal.keys("c")  # confirming moves on: the value is hidden again
    shown = terminal.wait_for("confirmed")
    deadline = time.monotonic() + 10
    while "ABCPE1234F" in terminal.text() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert "ABCPE1234F" not in terminal.text()

    terminal.keys("3")
    shown = terminal.wait_for("Not scanned: 3 files")
    assert "encrypted PDF" in shown

    terminal.keys("q")
    deadline = time.monotonic() + 10
    while terminal.alive() and time.monotonic() < deadline:
        time.sleep(0.1)

    with Case.open(sample.path) as case:
        found = list(case.iter_findings())
        assert {f.status.value for f in found if f.entity_type == "PHONE_NUMBER"} == {"false_positive"}
        pan = next(f for f in found if f.entity_type == "IN_PAN")
        assert pan.status.value == "confirmed"
        log = case.log.entries()
        assert {d.analyst for d in log} == {"e2e-analyst"}
        assert [d.action for d in case.log.entries(pan.id)] == ["reveal", "status"]
        assert case.log.verify() == []

"""Paths: stored unambiguously, read below the scan root only, however deep (issue 12, sections 5 and 6)."""

from __future__ import annotations

import json
import os
import sqlite3
import zipfile
from pathlib import Path

import pytest

from scanners.walk import display_path, fs_path
from spill.cli import main
from spill.errors import OutsideRoot

IBAN = "DE89370400440532013000"


def _scan(share: Path, case: Path) -> None:
    assert main(["scan", str(share), "--case", str(case), "--jobs", "1", "--no-ner"]) == 0


def _revealed(case: Path, tmp: Path) -> dict[str, dict]:
    out = tmp / "revealed.jsonl"
    assert main(["export", str(case), "--format", "jsonl", "--reveal", "-o", str(out)]) == 0
    return {r["path"]: r for r in map(json.loads, out.read_text().splitlines())}


def _tamper(case: Path, old: str, new: str) -> None:
    conn = sqlite3.connect(case)
    conn.execute("UPDATE files SET path = ? WHERE path = ?", (new, old))
    conn.execute("UPDATE findings SET path = ? WHERE path = ?", (new, old))
    conn.commit()
    conn.close()


@pytest.mark.parametrize("stored", ["../../../etc/hostname", "/etc/hostname", "notes/../../outside.txt",
                                    "link/hostname"])
def test_verify_and_reveal_refuse_a_path_outside_the_scan_root(tmp_path: Path, stored: str,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    share = tmp_path / "share"
    share.mkdir()
    (share / "notes.txt").write_text(f"IBAN {IBAN}\n")
    (tmp_path / "outside.txt").write_text(f"IBAN {IBAN}\n")  # what a tampered path would reach
    case = tmp_path / "case.db"
    _scan(share, case)
    (share / "link").symlink_to("/etc")  # a link inside the share is no way out either
    _tamper(case, "notes.txt", stored)
    capsys.readouterr()
    assert main(["verify", str(case)]) == 2
    captured = capsys.readouterr()
    assert f"refused  {stored}" in captured.out and "refused (outside the scan root)" in captured.err
    row = _revealed(case, tmp_path)[stored]
    assert "value" not in row and ("scan root" in row["reveal_error"] or "symbolic link" in row["reveal_error"])


def test_fs_path_refuses_what_climbs_out_and_maps_back_what_display_path_wrote(tmp_path: Path) -> None:
    for bad in ("..", "a/../../b", "/etc/passwd", "a//b", "./a"):
        with pytest.raises(OutsideRoot):
            fs_path(tmp_path, bad)
    for raw in (b"dir!/n.txt", b"back\\slash.txt", b"caf\xe9.txt", b"a!!/b!", b"ok!x/y"):
        shown = display_path(raw)
        assert fs_path(tmp_path, shown).rel == raw
    assert display_path(b"dir!/n.txt") == "dir\\x21/n.txt" and display_path(b"a\\b") == "a\\x5cb"


def test_a_bang_in_folder_and_member_names_keeps_every_path_revealable(tmp_path: Path) -> None:
    share = tmp_path / "share"
    (share / "dir!").mkdir(parents=True)
    (share / "dir!" / "n.txt").write_text(f"IBAN {IBAN}\n")
    with zipfile.ZipFile(share / "x.zip", "w") as zf:
        zf.writestr("a!/b.txt", f"IBAN {IBAN}\n")
        zf.writestr("c!", f"IBAN {IBAN} again\n")
    case = tmp_path / "case.db"
    _scan(share, case)
    rows = _revealed(case, tmp_path)
    assert set(rows) == {"dir\\x21/n.txt", "x.zip!/a\\x21/b.txt", "x.zip!/c\\x21"}
    assert all(r["value"] == IBAN for r in rows.values())
    assert all(p.count("!/") == (1 if p.startswith("x.zip") else 0) for p in rows)


def test_a_file_deeper_than_path_max_is_scanned_revealed_and_verified(tmp_path: Path) -> None:
    share = tmp_path / "share"
    share.mkdir()
    fd = os.open(share, os.O_RDONLY)
    name = "d" * 200
    depth = 25  # 25 × 201 bytes: past Linux's 4096-byte PATH_MAX
    for _ in range(depth):
        os.mkdir(name, dir_fd=fd)
        nxt = os.open(name, os.O_RDONLY, dir_fd=fd)
        os.close(fd)
        fd = nxt
    out = os.open("deep.txt", os.O_WRONLY | os.O_CREAT, 0o600, dir_fd=fd)
    os.write(out, f"Wire the payout to IBAN {IBAN}\n".encode())
    os.close(out)
    os.close(fd)
    case = tmp_path / "case.db"
    _scan(share, case)
    deep = "/".join([name] * depth + ["deep.txt"])
    (status, reason) = sqlite3.connect(case).execute("SELECT status, reason FROM files WHERE path = ?",
                                                     (deep,)).fetchone()
    assert (status, reason) == ("done", None)
    assert _revealed(case, tmp_path)[deep]["value"] == IBAN
    assert main(["verify", str(case)]) == 0

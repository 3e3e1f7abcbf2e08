"""zip, tar, tgz/tbz2/txz, gz: members with nested paths; hostile archives as recorded non-events."""

from __future__ import annotations

import io
import os
import tarfile
import time
import zipfile

import pytest
from extract_helpers import NoSeek, make_gzip, make_tar, make_zip, read_all, set_encrypted_flag, walk

from scanners.extract import Budget, Limits, Member, budget_scope
from scanners.extract import gzip as gx
from scanners.extract import tar as tx
from scanners.extract import zip as zx
from scanners.extract.names import sanitize_name
from spill.errors import Skipped, Unreadable

CSV = b"name,email\nJane Doe,jane@example.com\n"


def members(extract, data: bytes, limits: Limits | None = None) -> list[Member]:  # type: ignore[no-untyped-def]
    return list(extract(io.BytesIO(data), limits or Limits()))


def test_zip_members_nested_paths_and_recursion() -> None:
    inner = make_zip({"deep/c.csv": CSV})
    outer = make_zip({"a/b.txt": b"notes about Bob", "inner.zip": inner, "dir/": b""})
    ms = members(zx.extract, outer)
    assert [(m.name, m.size) for m in ms] == [("a/b.txt", 15), ("inner.zip", len(inner))]
    assert ms[0].mtime == 1704164646.0
    assert read_all(ms[0].open()) == b"notes about Bob"
    w = walk(outer, "share.zip")
    assert w.kinds == {
        "share.zip": "zip",
        "share.zip!/a/b.txt": "text",
        "share.zip!/inner.zip": "zip",
        "share.zip!/inner.zip!/deep/c.csv": "csv",
    }
    assert "jane@example.com" in w.texts("share.zip!/inner.zip!/deep/c.csv")


@pytest.mark.filterwarnings("ignore:Duplicate name")
def test_zip_slip_names_are_sanitized() -> None:
    names = ["../../x", "/etc/passwd", "C:\\x", "a/../../b", "./ok/./f.txt", "evil\x01name", "same.txt", "same.txt"]
    data = _zip_with_duplicates(names)
    got = [m.name for m in members(zx.extract, data)]
    assert got == ["x", "etc/passwd", "x (2)", "a/b", "ok/f.txt", "evil\\x01name", "same.txt", "same (2).txt"]
    for name in got:
        assert not name.startswith("/") and ".." not in name.split("/")


def _zip_with_duplicates(names: list[str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for n in names:
            info = zipfile.ZipInfo("placeholder")
            info.filename = n  # ZipInfo would normalize "..": write the hostile name as given
            info.orig_filename = n
            zf.writestr(info, b"x")
    return buf.getvalue()


def test_sanitize_name_rules() -> None:
    assert sanitize_name(b"caf\xe9.csv") == "caf\\xe9.csv"  # not UTF-8: escaped bytes
    assert sanitize_name("a!/b.zip") == "a\\x21/b.zip"  # would read as an archive boundary
    assert sanitize_name("\\\\server\\share\\x.txt") == "server/share/x.txt"
    assert sanitize_name("../..") == "unnamed"


def test_encrypted_zip_member_is_skipped_not_tried() -> None:
    data = set_encrypted_flag(make_zip({"secret.csv": CSV}))
    (member,) = members(zx.extract, data)
    with pytest.raises(Skipped, match=r"^encrypted$"):
        member.open()
    w = walk(data, "enc.zip")
    assert w.problems == {"enc.zip!/secret.csv": ("skipped", "encrypted")}


@pytest.fixture(scope="session")
def zip_bomb() -> bytes:
    # 200 MB of zeros, deflated while streaming: about 200 KB on disk
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("readme.txt", b"hello")
        with zf.open("zeros.bin", "w") as out:
            block = b"\0" * (1 << 20)
            for _ in range(200):
                out.write(block)
    return buf.getvalue()


def test_zip_bomb_member_is_skipped_and_the_rest_goes_on(zip_bomb: bytes) -> None:
    assert len(zip_bomb) < 400_000
    start = time.perf_counter()
    w = walk(zip_bomb, "bomb.zip", Limits(ratio_min_bytes=100 << 20))  # 200 MiB of zeros: past the floor
    assert time.perf_counter() - start < 2
    status, reason = w.problems["bomb.zip!/zeros.bin"]
    assert status == "skipped" and reason.startswith("zip bomb: ratio ") and reason.endswith("> 200")
    assert w.texts("bomb.zip!/readme.txt") == ["hello"]


def test_zip_declared_size_over_budget_and_shared_budget_across_nesting() -> None:
    payload = os.urandom(300_000).hex().encode()  # 600 KB that deflates about 2:1
    inner = make_zip({"big.txt": payload})
    outer = make_zip({"one.zip": inner, "two.zip": inner}, zipfile.ZIP_STORED)  # stored: not "expanded"
    w = walk(outer, "o.zip", Limits(max_expanded_bytes=1_000_000))
    assert "o.zip!/one.zip!/big.txt" not in w.problems
    status, reason = w.problems["o.zip!/two.zip!/big.txt"]
    assert status == "skipped" and reason.startswith("expanded size limit")


def test_gzip_bomb_is_caught_while_streaming() -> None:
    bomb = make_gzip(b"\0" * (50 << 20))
    (member,) = members(gx.extract, bomb, Limits(ratio_min_bytes=10 << 20))
    with pytest.raises(Skipped, match=r"gzip bomb: ratio \d+ > 200"), member.open() as stream:
        read_all(stream)


def test_expanded_bytes_budget_is_enforced_while_streaming() -> None:
    # a gzip declares no size: the counting reader stops it at the budget
    data = make_gzip(os.urandom(1 << 20).hex().encode())
    limits = Limits(max_expanded_bytes=500_000)
    with budget_scope(Budget(limits.max_expanded_bytes)):
        (member,) = members(gx.extract, data, limits)
        with pytest.raises(Skipped, match="expanded size limit"), member.open() as stream:
            read_all(stream)


def test_too_many_members() -> None:
    data = make_zip({f"f{i}.txt": b"x" for i in range(20)})
    with pytest.raises(Skipped, match="too many members: 20 > 10"):
        members(zx.extract, data, Limits(max_members=10))
    tar = make_tar({f"f{i}.txt": b"x" for i in range(20)})
    with pytest.raises(Skipped, match="too many members"):
        members(tx.extract, tar, Limits(max_members=10))


@pytest.mark.parametrize(
    "mode, name", [("w", "a.tar"), ("w:gz", "a.tgz"), ("w:bz2", "a.tar.bz2"), ("w:xz", "a.tar.xz")]
)
def test_tar_variants_with_nested_paths(mode: str, name: str) -> None:
    data = make_tar({"export/2024/roster.csv": CSV, "export/readme.txt": b"hi"}, mode, links={"export/ln": "/etc"})
    w = walk(data, name)
    assert w.kinds[name] == "tar"
    assert w.kinds[f"{name}!/export/2024/roster.csv"] == "csv"
    assert "jane@example.com" in w.texts(f"{name}!/export/2024/roster.csv")
    assert w.problems[f"{name}!/export/ln"] == ("skipped", "symlink in archive")


def test_tar_members_can_be_reopened_when_seekable() -> None:
    ms = members(tx.extract, make_tar({"a.txt": b"first", "b.txt": b"second"}, "w:gz"))
    assert [read_all(m.open()) for m in ms] == [b"first", b"second"]
    assert read_all(ms[0].open()) == b"first"




def test_tar_from_a_non_seekable_stream_is_read_in_one_pass() -> None:
    data = make_tar({"a.txt": b"first", "b.txt": b"second"}, "w:gz")
    got = []
    for m in tx.extract(io.BufferedReader(NoSeek(data)), Limits()):  # type: ignore[arg-type]
        got.append(read_all(m.open()))
        with pytest.raises(Unreadable, match="already read"):
            m.open()
    assert got == [b"first", b"second"]


def test_tar_special_entries_are_recorded() -> None:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tf:
        for name, kind in (("fifo", tarfile.FIFOTYPE), ("dev", tarfile.CHRTYPE), ("hard", tarfile.LNKTYPE)):
            info = tarfile.TarInfo(name)
            info.type = kind
            tf.addfile(info)
    problems = walk(buf.getvalue(), "s.tar").problems
    assert problems == {
        "s.tar!/fifo": ("skipped", "fifo in archive"),
        "s.tar!/dev": ("skipped", "device in archive"),
        "s.tar!/hard": ("skipped", "hard link in archive"),
    }


def test_single_file_gzip_member_name() -> None:
    w = walk(make_gzip(CSV), "payouts.csv.gz")
    assert w.kinds == {"payouts.csv.gz": "gzip", "payouts.csv.gz!/payouts.csv": "csv"}
    (member,) = members(gx.extract, make_gzip(CSV, filename="stored.csv"))
    assert member.name == "stored.csv"  # no outer name: the one stored in the gzip header
    (member,) = members(gx.extract, make_gzip(CSV))
    assert member.name == "data"


@pytest.mark.parametrize("damage", ["truncate", "flip"])
def test_corrupt_archives(damage: str) -> None:
    data = make_zip({"a.csv": os.urandom(3000).hex().encode()})
    if damage == "truncate":
        with pytest.raises(Unreadable, match="corrupt zip"):
            members(zx.extract, data[: len(data) // 2])
    else:
        broken = bytearray(data)
        for i in range(45, 400, 5):
            broken[i] ^= 0x55
        (m,) = members(zx.extract, bytes(broken))
        with pytest.raises(Unreadable, match="corrupt zip member"):
            read_all(m.open())
    gz = make_gzip(CSV * 100)
    (m,) = members(gx.extract, gz[: len(gz) // 2])
    with pytest.raises(Unreadable, match="corrupt gzip data"):
        read_all(m.open())


@pytest.mark.parametrize("name", ["a.zip", "a.tgz", "a.tar", "a.csv.gz", "box.mbox"])
def test_one_read_returns_the_whole_member(name: str) -> None:
    # the engine reads a member with a single read(cap): member streams must not return short reads
    payload = os.urandom(3 << 20)
    if name == "a.zip":
        data, extract = make_zip({"m": payload}), zx.extract
    elif name == "a.tgz":
        data, extract = make_tar({"m": payload}, "w:gz"), tx.extract
    elif name == "a.tar":
        data, extract = make_tar({"m": payload}), tx.extract
    elif name == "a.csv.gz":
        data, extract = make_gzip(payload), gx.extract
    else:
        from scanners.extract import mbox

        payload = payload.hex().encode()
        data, extract = b"From a@b Mon Jan  1 00:00:00 2024\n" + payload, mbox.extract
    (member,) = members(extract, data)
    with member.open() as stream:
        assert stream.read(10 << 20) == payload

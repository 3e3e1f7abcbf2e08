"""Tampering with a copy of the model (see the ``model_copy`` fixture in conftest.py)."""

from __future__ import annotations

from pathlib import Path


def flip_one_byte(path: Path, offset: int = 1000) -> None:
    with open(path, "r+b") as fh:
        fh.seek(offset)
        byte = fh.read(1)
        fh.seek(offset)
        fh.write(bytes([byte[0] ^ 0x01]))

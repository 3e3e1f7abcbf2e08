"""The compound-file (.msg, encrypted OOXML) writer lives with the sample generator, which ships an
Outlook message in the sample share; the tests build their fixtures with the same writer."""

from __future__ import annotations

import sys
from pathlib import Path

_SAMPLE_DATA = str(Path(__file__).resolve().parents[2] / "sample_data")
if _SAMPLE_DATA not in sys.path:
    sys.path.insert(0, _SAMPLE_DATA)

from synth.cfb import build_encrypted_ooxml, build_msg, write_cfb  # noqa: E402

__all__ = ["build_encrypted_ooxml", "build_msg", "write_cfb"]

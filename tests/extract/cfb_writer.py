"""The compound-file (.msg, encrypted OOXML) writer lives with the sample generator, which ships an
Outlook message in the sample share; the tests build their fixtures with the same writer."""

from __future__ import annotations

from sample_data.synth.cfb import build_encrypted_ooxml, build_msg, write_cfb

__all__ = ["build_encrypted_ooxml", "build_msg", "write_cfb"]

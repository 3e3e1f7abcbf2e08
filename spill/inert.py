"""Content is data, never code: text from the evidence made inert for each place it is shown.

File names, values and parsers' messages come from the evidence, which an attacker may have
shaped. The case stores them losslessly; what leaves spill passes through one of these:

- :func:`terminal` for a terminal line (progress, ``spill verify``, errors, the triage app):
  control characters (``ESC``, ``BEL``, ``CR``, newlines…) and the Unicode controls that
  reorder or hide text (bidi overrides and isolates) are shown as ``\\xNN`` / ``\\uNNNN``;
- :func:`csv_cell` for a CSV cell: a cell that a spreadsheet would run as a formula (it starts
  with ``= + - @``, a tab or a CR, after any spaces) gets a leading ``'`` (OWASP's CSV
  injection guidance); JSON Lines stays exact;
- :func:`markdown` for a Markdown table cell: HTML and Markdown syntax escaped, so a folder
  named ``<img src=x onerror=…>`` or ``[x](javascript:…)`` is text;
- :func:`markdown_prose` for Markdown a person reads in a terminal as it is: the same guarantees with
  fewer backslashes (parentheses, ``!`` and braces do nothing once ``[`` and ``]`` are escaped);
- :func:`html_text` for HTML text and attribute values: escaped, controls shown as on a terminal.
"""

from __future__ import annotations

import html
import re

#: C0 and C1 controls, DEL, and the format characters that reorder or hide text.
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_MARKDOWN = re.compile(r"([\\`*{}\[\]()!|~<>])")
_PROSE = re.compile(r"([\\`*\[\]|~<>#])")
_UNDERSCORE = re.compile(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")  # inside a word it is no emphasis


def _escape(m: re.Match[str]) -> str:
    code = ord(m.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal(text: object) -> str:
    """``text`` safe to print on a terminal line: every control character shown escaped."""
    return _CONTROLS.sub(_escape, str(text))


def csv_cell(value: object) -> object:
    """A CSV cell a spreadsheet will not run: text that starts like a formula gets a leading ``'``."""
    if isinstance(value, str) and value.lstrip(" ").startswith(_FORMULA_START):
        return "'" + value
    return value


def markdown(value: object) -> str:
    """A Markdown table cell: HTML escaped, Markdown punctuation backslash-escaped, one line."""
    text = terminal("" if value is None else value)
    escaped = _MARKDOWN.sub(r"\\\1", html.escape(text, quote=False))
    return _UNDERSCORE.sub(r"\\_", escaped)


def html_text(value: object) -> str:
    """HTML text or a quoted attribute value: markup escaped, control characters shown escaped."""
    return html.escape(terminal("" if value is None else value), quote=True)


def markdown_prose(value: object) -> str:
    """Markdown text or a table cell with only the syntax that can act escaped (links need ``[``)."""
    text = terminal("" if value is None else value)
    escaped = _PROSE.sub(r"\\\1", html.escape(text, quote=False)).replace("](", "]\\(")  # no "](" left to link
    return _UNDERSCORE.sub(r"\\_", escaped)

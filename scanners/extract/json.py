"""JSON documents and JSON Lines: every string value (and integer of 6+ digits, as text).

Locators: ``{"json_path": "$.messages[4].text"}``; for JSON Lines ``{"line": n, "json_path":
"$.prompt"}`` with ``Segment.line = n``. ``context`` is the last three keys of the path
(``"user.profile.email"``); ``record`` is the path of the nearest enclosing object that is an array
element (one row of a list: a user, a message), else of the enclosing object, so the fields of one
thing link together (JSON Lines: ``line:<n>`` plus the inner path). Object keys that are not plain
identifiers (``{"alice@x.com": ...}``) are yielded too, with ``"key": true`` in the locator.

Slack exports (an array of objects with ``type: "message"`` and ``ts``): each message's ``text`` is
a ``prose=True`` segment with ``{"json_path": "$[4].text", "ts": "…"}``; its other fields are
walked as generic JSON except ``blocks`` (a rich-text copy of ``text``), ``type``, ``subtype`` and
``ts``.

A document bigger than ``JSON_MAX_BYTES`` (32 MiB), nested too deep, or not valid JSON is read as
plain text instead (text windows / paragraphs: see ``text``), so nothing goes unscanned. A JSON
Lines line that does not parse is yielded as text with ``{"line": n}``. Floats and booleans are
skipped.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from typing import Any, BinaryIO

from spill.model import Segment

from . import text
from .base import Limits, Member
from .streams import ChainStream, read_head
from .textio import decode_all, iter_decoded, iter_lines, looks_like_prose

JSON_MAX_BYTES = 32 * 1024 * 1024
_IDENT = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$-]*$")
_PLAIN_KEY = re.compile(r"^[A-Za-z_$][\w$ .:/-]{0,63}$")


class _Int(str):
    """An integer kept as its source text (no float or digit-limit surprises)."""


def extract(stream: BinaryIO, limits: Limits) -> Iterator[Segment | Member]:
    """A JSON document (or a Slack export)."""
    data = read_head(stream, JSON_MAX_BYTES + 1)
    if len(data) > JSON_MAX_BYTES:
        yield from text.extract(ChainStream(data, stream), limits)
        return
    try:
        doc = _loads(data)
    except (ValueError, RecursionError):
        yield from text.extract(io.BytesIO(data), limits)
        return
    if is_slack_export(doc):
        yield from _slack(doc)
    else:
        yield from _walk(doc, "$", "", None)


def extract_lines(stream: BinaryIO, limits: Limits) -> Iterator[Segment | Member]:
    """JSON Lines, one line at a time."""
    n = 0
    for raw in iter_lines(iter_decoded(stream), JSON_MAX_BYTES):
        n += 1
        line = raw.strip()
        if not line:
            continue
        try:
            value = json.loads(line, parse_int=_Int)
        except (ValueError, RecursionError):
            yield Segment(line, locator={"line": n}, line=n, prose=looks_like_prose(line))
            continue
        yield from _walk(value, "$", f"line:{n}", n)


def _loads(data: bytes) -> Any:
    try:
        return json.loads(data, parse_int=_Int)
    except UnicodeDecodeError:
        return json.loads(decode_all(data), parse_int=_Int)


def is_slack_export(doc: Any) -> bool:
    """An array of Slack message objects (a channel's day file in a Slack export)."""
    if not isinstance(doc, list) or not doc:
        return False
    head = doc[:20]
    messages = sum(1 for m in head if isinstance(m, dict) and m.get("type") == "message" and "ts" in m)
    return messages * 2 > len(head)


def _slack(doc: list[Any]) -> Iterator[Segment]:
    for i, msg in enumerate(doc):
        path = f"$[{i}]"
        if not (isinstance(msg, dict) and msg.get("type") == "message"):
            yield from _walk(msg, path, "", None)
            continue
        body = msg.get("text")
        if isinstance(body, str) and body.strip():
            yield Segment(
                body,
                locator={"json_path": f"{path}.text", "ts": str(msg.get("ts", "")),
                         "thread": str(msg.get("thread_ts") or msg.get("ts", ""))},
                context="text",
                prose=True,
                record=path,
            )
        rest = {k: v for k, v in msg.items() if k not in _SLACK_SKIP}
        yield from _walk(rest, path, "", None)


_SLACK_SKIP = frozenset({"text", "blocks", "type", "subtype", "ts"})


def _child_path(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    if _IDENT.match(key):
        return f"{path}.{key}"
    return f"{path}[{json.dumps(key, ensure_ascii=False)}]"


def _walk(root: Any, root_path: str, prefix: str, line: int | None) -> Iterator[Segment]:
    """Depth-first, iterative (no recursion limit), in document order."""

    def locator(path: str, **extra: Any) -> dict[str, Any]:
        loc: dict[str, Any] = {"json_path": path} if line is None else {"line": line, "json_path": path}
        loc.update(extra)
        return loc

    def record_of(path: str) -> str:
        return prefix if path == "$" and prefix else f"{prefix}{path}"

    # (value, path, keys, record, inside_row)
    stack: list[tuple[Any, str, tuple[str, ...], str, bool]] = [
        (root, root_path, (), record_of(root_path), root_path != "$" or bool(prefix))
    ]
    while stack:
        value, path, keys, record, in_row = stack.pop()
        if isinstance(value, dict):
            if path.endswith("]"):
                record, in_row = record_of(path), True
            elif not in_row:
                record = record_of(path)
            children = []
            for key, child in value.items():
                child_path = _child_path(path, key)
                if key.strip() and not _PLAIN_KEY.match(key):
                    yield Segment(
                        key,
                        locator=locator(child_path, key=True),
                        context=".".join(keys[-2:]),
                        line=line,
                        record=record,
                    )
                children.append((child, child_path, (*keys, key), record, in_row))
            stack.extend(reversed(children))
        elif isinstance(value, list):
            stack.extend(reversed([(child, f"{path}[{i}]", keys, record, in_row) for i, child in enumerate(value)]))
        elif isinstance(value, _Int):
            if sum(ch.isdigit() for ch in value) >= 6:
                yield Segment(str(value), locator=locator(path), context=".".join(keys[-3:]), line=line, record=record)
        elif isinstance(value, str) and value.strip():
            yield Segment(
                value,
                locator=locator(path),
                context=".".join(keys[-3:]),
                line=line,
                prose=looks_like_prose(value),
                record=record,
            )

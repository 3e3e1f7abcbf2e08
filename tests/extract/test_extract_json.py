"""JSON, JSON Lines and Slack exports: paths, contexts, records."""

from __future__ import annotations

import io
import json

import pytest

from scanners.extract import Limits
from scanners.extract import json as jx


def segs(doc: object) -> list:
    return list(jx.extract(io.BytesIO(json.dumps(doc).encode()), Limits()))


def test_json_paths_contexts_and_records() -> None:
    doc = {
        "users": [
            {"name": "Jane Doe", "profile": {"email": "jane@example.com", "phone": 4155550123, "age": 31}},
            {"name": "Bob", "tags": ["vip", "bob@example.org"]},
        ],
        "config": {"db": {"password": "hunter2!"}},
        "messages": [{"role": "user", "text": "My card number is 4111 1111 1111 1111, please refund me."}],
    }
    out = {s.text: s for s in segs(doc)}
    email = out["jane@example.com"]
    assert email.locator == {"json_path": "$.users[0].profile.email"}
    assert email.context == "users.profile.email"
    assert email.record == out["Jane Doe"].record == "$.users[0]"  # one person's fields link together
    assert out["4155550123"].context == "users.profile.phone"  # big numbers as text
    assert "31" not in out  # small numbers are not
    assert out["bob@example.org"].locator == {"json_path": "$.users[1].tags[1]"}
    assert out["hunter2!"].record == "$.config.db"
    msg = out["My card number is 4111 1111 1111 1111, please refund me."]
    assert msg.locator == {"json_path": "$.messages[0].text"} and msg.prose is True


def test_json_keys_that_are_data_and_odd_keys() -> None:
    out = {s.text: s for s in segs({"jane@example.com": {"first name": "Jane"}})}
    assert out["jane@example.com"].locator == {"json_path": '$["jane@example.com"]', "key": True}
    assert out["Jane"].locator == {"json_path": '$["jane@example.com"]["first name"]'}


def test_slack_export_messages() -> None:
    # Source: shape of a Slack workspace export channel day file (synthetic values)
    day = [
        {"type": "message", "user": "U024BE7LH", "text": "Jane's SSN is 078-05-1120", "ts": "1704067200.000100",
         "blocks": [{"type": "rich_text", "elements": [{"text": "Jane's SSN is 078-05-1120"}]}],
         "user_profile": {"real_name": "Rita Reviewer"}},
        {"type": "message", "subtype": "channel_join", "user": "U1", "text": "<@U1> has joined", "ts": "1704067300.1"},
        {"type": "message", "user": "U1", "text": "a reply", "ts": "1704067400.2", "thread_ts": "1704067200.000100"},
    ]  # fmt: skip
    out = segs(day)
    first = next(s for s in out if s.text == "Jane's SSN is 078-05-1120")
    assert first.locator == {"json_path": "$[0].text", "ts": "1704067200.000100", "thread": "1704067200.000100"}
    reply = next(s for s in out if s.text == "a reply")
    assert reply.locator["thread"] == "1704067200.000100"  # a reply belongs to its thread (rubric verdicts)
    assert first.prose is True and first.record == "$[0]"
    assert [s.text for s in out].count("Jane's SSN is 078-05-1120") == 1  # blocks not repeated
    assert any(s.text == "Rita Reviewer" and s.record == "$[0]" for s in out)
    assert not any(s.text == "message" for s in out)


def test_jsonl_line_locators() -> None:
    data = b'{"prompt": "hi", "meta": {"email": "a@example.com"}}\n\nnot json at all\n{"prompt": "bye"}\n'
    out = list(jx.extract_lines(io.BytesIO(data), Limits()))
    assert [(s.text, s.locator, s.line, s.record) for s in out] == [
        ("hi", {"line": 1, "json_path": "$.prompt"}, 1, "line:1"),
        ("a@example.com", {"line": 1, "json_path": "$.meta.email"}, 1, "line:1"),
        ("not json at all", {"line": 3}, 3, None),
        ("bye", {"line": 4, "json_path": "$.prompt"}, 4, "line:4"),
    ]


def test_invalid_or_deep_json_is_read_as_text() -> None:
    out = list(jx.extract(io.BytesIO(b'{"email": "jane@example.com",,}'), Limits()))
    assert "jane@example.com" in out[0].text
    deep = b"[" * 100_000 + b'"x@example.com"' + b"]" * 100_000
    out = list(jx.extract(io.BytesIO(deep), Limits()))
    assert any("x@example.com" in s.text for s in out)


def test_huge_json_falls_back_to_text_windows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jx, "JSON_MAX_BYTES", 1000)
    doc = json.dumps([{"email": f"user{i}@example.com"} for i in range(200)]).encode()
    out = list(jx.extract(io.BytesIO(doc), Limits(chunk_chars=500, chunk_overlap=40)))
    assert len(out) > 1 and all(s.offset is not None for s in out)
    assert "user199@example.com" in "".join(s.text for s in out)

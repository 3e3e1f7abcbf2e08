"""HTML visible text and XML text/attributes, including entity bombs."""

from __future__ import annotations

import io
import time

import pytest

from scanners.extract import Limits
from scanners.extract import html as hx
from scanners.extract import xml as xx
from spill.errors import Skipped, Unreadable


def test_html_visible_text_only() -> None:
    page = b"""<!DOCTYPE html><html><head><title>Payroll Jan</title>
    <meta name="author" content="meta@example.com"><style>.x{color:red}</style>
    <script>var token = "sk_live_hidden";</script></head>
    <body><h1>Contractors</h1><p>Jane   Doe
    lives at <b>12 Main St</b>.</p><!-- comment@example.com -->
    <table><tr><th>Name</th><th>Email</th></tr><tr><td>Bob</td><td>bob@example.org</td></tr></table>
    <template><p>template@example.com</p></template><pre>  keep   spacing</pre></body></html>"""
    segs = list(hx.extract(io.BytesIO(page), Limits()))
    text = "\n".join(s.text for s in segs)
    assert "Jane Doe lives at 12 Main St." in text
    assert "Bob\tbob@example.org" in text
    assert "Payroll Jan" in text
    assert "  keep   spacing" in text
    for hidden in ("sk_live_hidden", "meta@example.com", "comment@example.com", "template@example.com", "color"):
        assert hidden not in text
    assert segs[0].line == 1


def test_html_segments_split_and_lines() -> None:
    body = "".join(f"<p>Paragraph {i} about the contractor payouts and their bank details.</p>\n" for i in range(200))
    segs = list(hx.extract(io.BytesIO(f"<html><body>\n{body}</body></html>".encode()), Limits()))
    assert len(segs) > 1 and all(len(s.text) <= hx.SEGMENT_CHARS + 100 for s in segs)
    assert segs[1].line is not None and segs[1].line > segs[0].line


def test_html_to_text() -> None:
    assert hx.html_to_text("<div>a<br>b</div><script>x</script>") == "a\nb"


def test_xml_text_attributes_paths_and_records() -> None:
    doc = b"""<?xml version="1.0" encoding="UTF-8"?>
    <roster xmlns="urn:vendor" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" version="2">
      <contractor id="17" email="jane@example.com" active="true"><name>Jane Doe</name><iban>GB82 WEST 1234 5698 7654 32</iban></contractor>
      <contractor id="18"><name>Bob</name></contractor>
    </roster>"""  # noqa: E501
    out = {s.text: s for s in xx.extract(io.BytesIO(doc), Limits())}
    assert out["jane@example.com"].locator == {"xml_path": "/roster/contractor[1]/@email"}
    assert out["jane@example.com"].context == "roster/contractor/@email"
    assert out["Jane Doe"].locator == {"xml_path": "/roster/contractor[1]/name[1]"}
    assert out["Jane Doe"].context == "roster/contractor/name"
    assert out["Jane Doe"].record == out["jane@example.com"].record == "/roster/contractor[1]"
    assert out["Bob"].record == "/roster/contractor[2]"
    for noise in ("17", "true", "2", "urn:vendor"):
        assert noise not in out


def test_xml_billion_laughs_is_skipped_fast() -> None:
    # Source: the classic billion-laughs document (OWASP)
    lol = b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    for i in range(2, 10):
        prev = b"&lol%d;" % (i - 1) if i > 2 else b"&lol;"
        lol += b'<!ENTITY lol%d "%s">' % (i, prev * 10)
    lol += b"]><lolz>&lol9;</lolz>"
    start = time.perf_counter()
    with pytest.raises(Skipped, match="xml bomb"):
        list(xx.extract(io.BytesIO(lol), Limits()))
    assert time.perf_counter() - start < 2


def test_xml_external_entity_is_refused() -> None:
    xxe = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>'
    with pytest.raises(Unreadable):
        list(xx.extract(io.BytesIO(xxe), Limits()))


def test_xml_malformed_keeps_what_came_before() -> None:
    seen = []
    with pytest.raises(Unreadable, match="corrupt xml: mismatched tag"):
        for s in xx.extract(io.BytesIO(b"<a><b>Jane Doe</b><c></a>"), Limits()):
            seen.append(s.text)
    assert seen == ["Jane Doe"]

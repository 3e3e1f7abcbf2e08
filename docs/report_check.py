"""`make report-check`: the HTML report in headless Chromium — offline, no console error, A4 — and its screenshots.

    python -m docs.report_check                 # scans sample_data/share, writes docs/report-*.png
    python -m docs.report_check --case CASE.db  # an existing case

Chromium (Debian's ``chromium``) loads the report with a network log: every request it makes is
listed, and anything but the page itself (``file:``) or inline data (``data:``) fails the
check; console messages are read from its log (a blocked request or a script error shows there).
The page is printed to PDF, which must have A4 pages, and each section is screenshot alone
(the others hidden) into ``docs/report-<section>.png``. The test ``tests/test_report_render.py``
runs the same checks when Chromium is installed.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SECTIONS = ("summary", "people", "clients", "custody")
A4_POINTS = (595, 842)  # a PDF page's MediaBox, in points (210 × 297 mm)
_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
          "--disable-component-update", "--no-first-run", "--hide-scrollbars", "--mute-audio", "--disable-sync",
          "--disable-extensions", "--disable-default-apps",
          "--disable-features=NetworkTimeServiceQuerying,Translate,OptimizationHints,MediaRouter,SpellCheck",
          # whatever the browser still tries goes nowhere: no name resolves, every connection is to a closed
          # loopback port (the page's own requests are still logged and fail the check)
          "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=socks5://127.0.0.1:9"]


@dataclass
class PageCheck:
    requests: list[str] = field(default_factory=list)  # every URL the page made Chromium request
    console: list[str] = field(default_factory=list)  # console messages from the page
    pdf_pages: int = 0
    pdf_a4: bool = False

    @property
    def outside(self) -> list[str]:
        """Requests for anything but the page itself and inline data."""
        return [u for u in self.requests if not u.startswith(("file:", "data:"))]


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _run(browser: str, profile: Path, *args: str, timeout: float = 90) -> subprocess.CompletedProcess[str]:
    return subprocess.run([browser, *_FLAGS, f"--user-data-dir={profile}", *args], capture_output=True, text=True,
                          timeout=timeout, check=False)


def check_page(html: Path, browser: str | None = None) -> PageCheck:
    """Load ``html`` with a network log and print it to PDF; what it requested, logged and printed."""
    browser = browser or chromium()
    if browser is None:
        raise RuntimeError("chromium is not installed (apt-get install chromium)")
    result = PageCheck()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        netlog, pdf = work / "net.json", work / "page.pdf"
        run = _run(browser, work / "profile", f"--log-net-log={netlog}", "--enable-logging=stderr", "--v=0",
                   "--no-pdf-header-footer", f"--print-to-pdf={pdf}", html.resolve().as_uri())
        result.requests = _requested_urls(netlog)
        result.console = [line for line in run.stderr.splitlines() if ":CONSOLE" in line or "Refused to" in line]
        if pdf.is_file():
            data = pdf.read_bytes()
            result.pdf_pages = len(re.findall(rb"/Type\s*/Page[^s]", data))
            boxes = {tuple(round(float(x)) for x in m.groups()) for m in re.finditer(
                rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", data)}
            result.pdf_a4 = bool(boxes) and boxes == {A4_POINTS}
    return result


def screenshot_sections(html: Path, out_dir: Path, browser: str | None = None, width: int = 820,
                        height: int = 1100) -> list[Path]:
    """One PNG per section, the page showing that section alone (the others hidden by a style)."""
    browser = browser or chromium()
    if browser is None:
        raise RuntimeError("chromium is not installed (apt-get install chromium)")
    page = html.read_text(encoding="utf-8")
    shots = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for section in SECTIONS:
            alone = page.replace("</head>", f"<style>header, section:not(#{section}) {{ display: none }}"
                                            " section { break-before: auto }</style></head>", 1)
            view = work / f"{section}.html"
            view.write_text(alone, encoding="utf-8")
            target = out_dir / f"report-{section}.png"
            _run(browser, work / "profile", f"--screenshot={target}", f"--window-size={width},{height}",
                 view.as_uri())
            shots.append(target)
    return shots


def _requested_urls(netlog: Path) -> list[str]:
    """The URLs a page made Chromium request, from its NetLog (cut short at exit: read what is there).

    The browser's own background requests (time, updates, dictionaries) start with no origin
    (``initiator: not an origin``); a page's, even a file page's, carry its origin (``null``).
    """
    if not netlog.is_file():
        return []
    text = netlog.read_text(encoding="utf-8", errors="replace")
    try:
        events = json.loads(text).get("events", [])
    except json.JSONDecodeError:
        events = json.loads(text.rstrip().rstrip(",") + "]}").get("events", []) if '"events"' in text else []
    urls = []
    for ev in events:
        params = ev.get("params") or {}
        url = params.get("url")
        if isinstance(url, str) and "initiator" in params and params["initiator"] != "not an origin" \
                and url not in urls:
            urls.append(url)
    return urls


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--case", type=Path, help="a scanned case (default: scan sample_data/share)")
    ap.add_argument("--out", type=Path, default=ROOT / "docs", help="where the screenshots go")
    args = ap.parse_args()
    browser = chromium()
    if browser is None:
        print("report-check: chromium is not installed (apt-get install chromium)", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        case = args.case
        if case is None:
            case = work / "case.db"
            subprocess.run([sys.executable, "-m", "spill.cli", "scan", str(ROOT / "sample_data" / "share"), "--case",
                            str(case), "--rules", str(ROOT / "sample_data" / "vendor_rules")], check=True)
        html = work / "report.html"
        subprocess.run([sys.executable, "-m", "spill.cli", "report", str(case), "--format", "html", "-o", str(html)],
                       check=True)
        check = check_page(html, browser)
        shots = screenshot_sections(html, args.out, browser)
    print(f"report-check: {len(check.requests)} requests ({len(check.outside)} outside the page), "
          f"{len(check.console)} console messages, {check.pdf_pages} PDF pages, A4: {check.pdf_a4}")
    for line in check.outside + check.console:
        print(f"  {line}")
    for shot in shots:
        print(f"  wrote {shot.relative_to(ROOT) if shot.is_relative_to(ROOT) else shot}")
    return 0 if not check.outside and not check.console and check.pdf_a4 else 1


if __name__ == "__main__":
    sys.exit(main())

"""``make audit``: the locked runtime dependencies against a known-vulnerability database.

pip-audit (in ``.venv-supply``) reads the lock as hash-pinned requirements and asks a
vulnerability service about each pinned version: PyPI's JSON API by default, or an OSV
API at ``AUDIT_OSV_URL`` (a mirror inside your own network, say). pip-audit has no
file-based database, so on a machine that reaches neither, no audit is possible: this
says so and exits 2 rather than reporting a clean result it did not check.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

from supply.lockfile import REPO, export_requirements

PYPI_PROBE = "https://pypi.org/pypi/pip/20.0/json"  # the per-version API pip-audit uses
NO_DATABASE = ("audit: no vulnerability database reachable ({why}). pip-audit needs PyPI's JSON API or an OSV "
               "API (set AUDIT_OSV_URL); none is available offline. Run make audit on a connected machine; "
               "nothing was checked.")


def database_reachable(osv_url: str | None) -> tuple[bool, str]:
    """Ask the service about one well-known package before trusting an empty answer from it."""
    if osv_url:
        request = urllib.request.Request(osv_url, data=json.dumps({"package": {"name": "pip", "ecosystem": "PyPI"},
                                                                   "version": "20.0"}).encode(),
                                         headers={"Content-Type": "application/json"})
    else:
        request = urllib.request.Request(PYPI_PROBE)
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            answer = json.loads(response.read())
        if "vulns" not in answer and "vulnerabilities" not in answer:
            return False, f"{request.full_url}: the answer holds no vulnerability data"
        return True, ""
    except (urllib.error.URLError, OSError, ValueError) as err:
        return False, f"{request.full_url}: {getattr(err, 'reason', err)}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m supply.audit", description=__doc__.split("\n")[0])
    parser.add_argument("--uv", default=os.environ.get("UV") or shutil.which("uv") or "uv")
    parser.add_argument("--pip-audit", default=str(REPO / ".venv-supply" / "bin" / "pip-audit"))
    parser.add_argument("--osv-url", default=os.environ.get("AUDIT_OSV_URL"))
    args = parser.parse_args(argv)
    reachable, why = database_reachable(args.osv_url)
    if not reachable:
        print(NO_DATABASE.format(why=why), file=sys.stderr)
        return 2
    service = ["--vulnerability-service", "osv", "--osv-url", args.osv_url] if args.osv_url else []
    with tempfile.TemporaryDirectory() as tmp:
        reqs = Path(tmp) / "requirements.txt"
        reqs.write_text(export_requirements(args.uv))
        return subprocess.run([args.pip_audit, "--requirement", str(reqs), "--require-hashes", "--disable-pip",
                               "--progress-spinner", "off", "--strict", *service], check=False).returncode


if __name__ == "__main__":
    sys.exit(main())

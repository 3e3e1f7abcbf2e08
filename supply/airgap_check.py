"""``make airgap-check``: install the offline bundle where there is no network, and use it there.

Each step runs in a fresh network namespace (``unshare -n``, or ``unshare -rn`` for an
ordinary user where unprivileged user namespaces are allowed): no interface is up, not
even loopback. First a connect is shown to fail with "Network is unreachable"; then
``install.sh`` installs the bundle into a new virtual environment, and the installed
``spill`` runs ``rules test``, a scan of ``sample_data/share`` and ``doctor``. Where no
namespace can be made, the check is skipped with the reason (exit 0, "SKIPPED").
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from supply.lockfile import REPO, project

NO_NETWORK_PROOF = (
    "import errno, socket\n"
    "for host in ('127.0.0.1', '192.0.2.1'):\n"
    "    s = socket.socket(); s.settimeout(2)\n"
    "    try:\n"
    "        s.connect((host, 9)); raise SystemExit(f'{host}: connected: the namespace has a network')\n"
    "    except OSError as e:\n"
    "        assert e.errno == errno.ENETUNREACH, (host, e)\n"
    "print('no network: connects to 127.0.0.1 and 192.0.2.1 fail with Network is unreachable')\n"
)


def namespace_prefix() -> tuple[list[str] | None, str]:
    """The command prefix that runs a command in a fresh network namespace, or None and why not."""
    unshare = shutil.which("unshare")
    if unshare is None:
        return None, "the unshare command (util-linux) is not installed"
    errors = []
    for prefix in ([unshare, "-n", "--"], [unshare, "-r", "-n", "--"]):
        done = subprocess.run([*prefix, "true"], capture_output=True, text=True, check=False)
        if done.returncode == 0:
            return prefix, ""
        errors.append(done.stderr.strip() or f"exit {done.returncode}")
    return None, ("cannot create a network namespace here (" + "; ".join(errors) + "): it needs root, or "
                  "unprivileged user namespaces (kernel.unprivileged_userns_clone=1, user.max_user_namespaces>0)")


def run(prefix: list[str], cmd: list[str], **kw) -> subprocess.CompletedProcess:
    print(f"airgap-check: $ {' '.join(cmd)}", flush=True)
    return subprocess.run([*prefix, *cmd], check=True, **kw)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m supply.airgap_check", description=__doc__.split("\n")[0])
    parser.add_argument("--bundle", type=Path, default=REPO / "dist" / f"spill-offline-{project()['version']}")
    parser.add_argument("--python", action="append", default=[], help="interpreter(s) to install with (python3)")
    args = parser.parse_args(argv)
    if not (args.bundle / "install.sh").is_file():
        print(f"airgap-check: no bundle at {args.bundle}: run make bundle first", file=sys.stderr)
        return 1
    prefix, why = namespace_prefix()
    if prefix is None:
        print(f"airgap-check: SKIPPED: {why}")
        return 0
    run(prefix, [sys.executable, "-I", "-c", NO_NETWORK_PROOF])
    results = []
    for python in args.python or ["python3"]:
        with tempfile.TemporaryDirectory(prefix="spill-airgap-") as tmp:
            venv, case = Path(tmp) / "spill-venv", Path(tmp) / "airgap.db"
            env = {**os.environ, "PYTHON": python}
            t0 = time.monotonic()
            run(prefix, ["sh", str(args.bundle / "install.sh"), str(venv)], env=env)
            install_s = time.monotonic() - t0
            spill = str(venv / "bin" / "spill")
            version = subprocess.run([str(venv / "bin" / "python"), "-c", "import platform; "
                                      "print(platform.python_version())"], capture_output=True, text=True,
                                     check=True).stdout.strip()
            run(prefix, [spill, "rules", "test"])
            t0 = time.monotonic()
            scan = run(prefix, [spill, "scan", str(REPO / "sample_data" / "share"), "--case", str(case)],
                       capture_output=True, text=True)
            scan_s = time.monotonic() - t0
            summary = scan.stdout.strip().splitlines()[-1]
            print(summary)
            run(prefix, [spill, "doctor"])
            results.append(f"Python {version}: offline install {install_s:.1f} s, sample scan {scan_s:.1f} s: "
                           f"{summary.removeprefix('spill: ')}")
    for line in results:
        print(f"airgap-check: PASSED: {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The ``install.sh`` written into the offline bundle (``@VERSION@`` is filled in by ``bundle``)."""

INSTALL_SH = r'''#!/bin/sh
# spill @VERSION@ offline installer:   ./install.sh [DIR]     (default DIR: ./spill-venv)
# Needs CPython 3.11-3.13 with venv (PYTHON=/path/to/python3 to choose one); no network.
# 1. every file of this bundle is checked against SHA256SUMS (and nothing unlisted may be in wheels/);
# 2. a virtual environment is created at DIR;
# 3. pip installs requirements.txt from wheels/ only (--no-index) and checks each wheel against the
#    sha256 pinned for it (--require-hashes); no package index is ever contacted.
set -eu
HERE=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)
DIR=${1:-./spill-venv}
PYTHON=${PYTHON:-python3}
if ! command -v "$PYTHON" >/dev/null 2>&1; then
    echo "install.sh: $PYTHON not found; set PYTHON=/path/to/python3 (3.11-3.13)" >&2
    exit 1
fi
"$PYTHON" - "$HERE" <<'EOF'
import hashlib
import sys
from pathlib import Path

if not ((3, 11) <= sys.version_info[:2] <= (3, 13)):
    sys.exit(f"install.sh: Python {sys.version.split()[0]} is not supported: this bundle has wheels for "
             "CPython 3.11-3.13 (set PYTHON=/path/to/python3)")
here = Path(sys.argv[1])
listed, bad = set(), []
for line in (here / "SHA256SUMS").read_text().splitlines():
    digest, name = line.split(None, 1)
    listed.add(name)
    h = hashlib.sha256()
    try:
        with open(here / name, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
    except OSError as err:
        bad.append(f"{name}: {err.strerror}")
        continue
    if h.hexdigest() != digest:
        bad.append(f"{name}: sha256 differs from SHA256SUMS")
for path in sorted((here / "wheels").iterdir()):
    if f"wheels/{path.name}" not in listed:
        bad.append(f"wheels/{path.name}: not listed in SHA256SUMS")
if bad:
    sys.exit("install.sh: the bundle is damaged or was altered; nothing was installed:\n  " + "\n  ".join(bad))
print(f"install.sh: {len(listed)} files match SHA256SUMS")
EOF
"$PYTHON" -m venv "$DIR"
PIP_CONFIG_FILE=/dev/null "$DIR/bin/python" -m pip install --quiet --no-index --find-links "$HERE/wheels" \
    --require-hashes --only-binary :all: --no-cache-dir --disable-pip-version-check -r "$HERE/requirements.txt"
echo "install.sh: spill @VERSION@ installed in $DIR; check it with: $DIR/bin/spill doctor"
'''

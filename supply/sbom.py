"""``make sbom``: a CycloneDX SBOM of spill and every locked runtime dependency.

The lock is exported as hash-pinned requirements (``uv export --no-dev``) and handed to
cyclonedx-bom (``cyclonedx-py requirements``, installed in ``.venv-supply``), with
``pyproject.toml`` for the root component. Each dependency is a component with its name,
version and package URL; its ``distribution`` reference lists the sha256 of every artifact
the lock allows (one wheel per platform and Python). The result is checked: every locked
runtime package must be there with its version and at least one sha256.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from supply.bundle import parse_requirements
from supply.lockfile import PYPROJECT, REPO, export_requirements, project


def sha256s(component: dict) -> list[str]:
    return [h["content"] for ref in component.get("externalReferences", []) for h in ref.get("hashes", [])
            if h.get("alg") == "SHA-256"] + [h["content"] for h in component.get("hashes", [])
                                             if h.get("alg") == "SHA-256"]


def check(sbom: dict, requirements: str) -> list[str]:
    """What a locked runtime package lacks in the SBOM (empty: complete)."""
    components = {(c["name"].lower(), c.get("version")): c for c in sbom.get("components", [])}
    problems = []
    for req in parse_requirements(requirements):
        component = components.get((req.name.lower(), req.version))
        if component is None:
            problems.append(f"{req.name}=={req.version}: missing")
        elif not set(req.hashes) <= set(sha256s(component)):
            problems.append(f"{req.name}=={req.version}: sha256 of its artifacts missing")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m supply.sbom", description=__doc__.split("\n")[0])
    parser.add_argument("--uv", default=os.environ.get("UV") or shutil.which("uv") or "uv")
    parser.add_argument("--cyclonedx", default=str(REPO / ".venv-supply" / "bin" / "cyclonedx-py"))
    parser.add_argument("-o", "--output", type=Path,
                        default=REPO / "dist" / f"spill-{project()['version']}.cdx.json")
    args = parser.parse_args(argv)
    requirements = export_requirements(args.uv)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        reqs = Path(tmp) / "requirements.txt"
        reqs.write_text(requirements)
        subprocess.run([args.cyclonedx, "requirements", "--pyproject", str(PYPROJECT), "--output-reproducible",
                        "--of", "JSON", "-o", str(args.output), str(reqs)], check=True,
                       env={**os.environ, "PYTHONWARNINGS": "ignore::UserWarning"})
    sbom = json.loads(args.output.read_text())
    problems = check(sbom, requirements)
    for p in problems:
        print(f"sbom: {p}", file=sys.stderr)
    root = sbom["metadata"]["component"]
    print(f"sbom: {args.output}: CycloneDX {sbom['specVersion']}, {root['name']} {root['version']} and "
          f"{len(sbom['components'])} locked dependencies, "
          + ("each with its version and sha256" if not problems else f"{len(problems)} incomplete"))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

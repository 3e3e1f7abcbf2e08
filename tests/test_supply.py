"""Supply-chain tooling, offline: the model comparison, the bundle plan, the SBOM check, install.sh's refusal."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from tampering import flip_one_byte

from spill import model_integrity as mi
from supply import bundle, sbom, verify_model
from supply.install_script import INSTALL_SH
from supply.lockfile import locked_packages


def fake_official_wheel(tmp_path: Path, tamper: str | None = None) -> Path:
    """The official wheel's layout (en_core_web_sm/en_core_web_sm-3.8.0/…) made from the installed files."""
    src = mi.package_dir() / mi.load_manifest().data_folder
    wheel = tmp_path / "en_core_web_sm-3.8.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as zf:
        for path in sorted(p for p in src.rglob("*") if p.is_file()):
            rel = path.relative_to(src).as_posix()
            data = path.read_bytes()
            if rel == "meta.json":
                meta = json.loads(data)
                meta.update(name="core_web_sm", description="English pipeline optimized for CPU.")
                data = json.dumps(meta).encode()
            if rel == tamper:
                data = data[:100] + bytes([data[100] ^ 1]) + data[101:]
            zf.writestr(f"en_core_web_sm/en_core_web_sm-3.8.0/{rel}", data)
    return wheel


def test_verify_model_accepts_the_renamed_reupload_of_identical_files(tmp_path: Path) -> None:
    result = verify_model.compare(fake_official_wheel(tmp_path), mi.load_manifest())
    assert result.ok and result.allowed == ["meta.json"] and "ner/model" in result.identical


def test_verify_model_rejects_a_weight_that_differs_from_the_official_release(tmp_path: Path) -> None:
    result = verify_model.compare(fake_official_wheel(tmp_path, tamper="ner/model"), mi.load_manifest())
    assert not result.ok and result.different == ["ner/model"]


def test_verify_model_without_network_says_what_it_needs(tmp_path: Path, monkeypatch, capsys) -> None:
    def offline(*args, **kwargs):
        raise OSError("Name or service not known")

    monkeypatch.setattr(verify_model, "fetch_official", offline)
    assert verify_model.main([]) == 2
    assert "needs a machine that reaches github.com" in capsys.readouterr().err


REQS = """\
soupsieve==2.10 ; python_full_version < '3.11.5' \\
    --hash=sha256:aaaa
soupsieve==4.1.2 ; python_full_version >= '3.11.5' \\
    --hash=sha256:bbbb
colorama==0.4.6 ; sys_platform == 'win32' \\
    --hash=sha256:cccc
numpy==2.4.6 \\
    --hash=sha256:dddd
"""


def test_bundle_keeps_both_sides_of_a_python_patch_split_and_drops_windows_only() -> None:
    reqs = bundle.parse_requirements(REQS)
    linux311 = next(t for t in bundle.targets() if t.name == "cp311-linux-x86_64")
    linux313 = next(t for t in bundle.targets() if t.name == "cp313-linux-x86_64")
    assert [(r.name, r.version) for r in bundle.needed(linux311, reqs)] == [
        ("soupsieve", "2.10"), ("soupsieve", "4.1.2"), ("numpy", "2.4.6")]  # Debian 12 has 3.11.2
    assert [(r.name, r.version) for r in bundle.needed(linux313, reqs)] == [("soupsieve", "4.1.2"), ("numpy", "2.4.6")]


def test_bundle_picks_the_most_widely_installable_wheel() -> None:
    locked = locked_packages()
    numpy = next(p for (name, _), p in locked.items() if name == "numpy")
    targets = {t.name: t for t in bundle.targets()}
    linux = bundle.best_wheel(numpy, targets["cp312-linux-x86_64"].supported())
    mac = bundle.best_wheel(numpy, targets["cp312-macos-arm64"].supported())
    assert linux is not None and "-cp312-cp312-manylinux" in linux.filename and "musllinux" not in linux.filename
    assert mac is not None and "-cp312-cp312-macosx_" in mac.filename and "arm64" in mac.filename


def test_sbom_check_names_what_is_missing() -> None:
    doc = {"components": [{"name": "numpy", "version": "2.4.6", "externalReferences": [
        {"type": "distribution", "hashes": [{"alg": "SHA-256", "content": "dddd"}]}]}]}
    problems = sbom.check(doc, REQS)
    assert "numpy==2.4.6: missing" not in " ".join(problems)
    assert problems == ["soupsieve==2.10: missing", "soupsieve==4.1.2: missing", "colorama==0.4.6: missing"]


def test_install_sh_refuses_an_altered_bundle_and_installs_nothing(tmp_path: Path) -> None:
    root = tmp_path / "bundle"
    (root / "wheels").mkdir(parents=True)
    wheel = root / "wheels" / "demo-1.0-py3-none-any.whl"
    wheel.write_bytes(b"PK demo")
    (root / "install.sh").write_text(INSTALL_SH.replace("@VERSION@", "0.0"))
    bundle.write_checksums(root)
    flip_one_byte(wheel, offset=2)
    (root / "wheels" / "extra-1.0-py3-none-any.whl").write_bytes(b"PK extra")
    done = subprocess.run(["sh", str(root / "install.sh"), str(tmp_path / "venv")], capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", "PYTHON": sys.executable}, check=False)
    assert done.returncode == 1
    assert "wheels/demo-1.0-py3-none-any.whl: sha256 differs from SHA256SUMS" in done.stderr
    assert "wheels/extra-1.0-py3-none-any.whl: not listed in SHA256SUMS" in done.stderr
    assert not (tmp_path / "venv").exists()


@pytest.mark.parametrize("target", [t.name for t in bundle.targets()])
def test_every_bundle_target_has_wheels_for_the_compiled_dependencies(target: str) -> None:
    """The lock decides coverage: a lock update that loses a platform's wheel fails here, before a bundle."""
    supported = next(t for t in bundle.targets() if t.name == target).supported()
    compiled = {"numpy", "spacy", "thinc", "blis", "cymem", "preshed", "murmurhash", "srsly", "pydantic-core",
                "regex", "pypdfium2", "cryptography", "cffi", "pyyaml"}
    checked = [name for (name, _), pkg in locked_packages().items() if name in compiled
               and bundle.best_wheel(pkg, supported) is None]
    assert checked == [], f"no wheel for {target}: {checked}"

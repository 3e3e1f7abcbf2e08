"""Client exposure: per AI lab, what of theirs the share exposes — the statement each lab client asks for.

A lab's documents are the LAB_RUBRIC findings naming it, or carrying a codename that a table in
the share pairs with it (a codename registry) or that another document names it beside. Each
document gets a kind (guideline, rubric, gold answers, preference data, evaluation playbook)
from its name and the classifier's signals; the codenames seen, the datasets and credentials in
the same folder or archive, and the documents' triage state complete the row. Documents whose
codename no table or document pairs with a lab are listed under that codename, as such.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from spill.case import Case
from spill.exposure import LabDocument, place_of

NOT_NAMED = "(lab not named)"
KINDS = ("guideline", "rubric", "gold answers", "preference data", "evaluation playbook")
#: Words of a file name, in order of precedence (``pairwise_preference_guidelines`` is a guideline).
_NAME_KINDS = (("playbook", "evaluation playbook"), ("guideline", "guideline"), ("instruction", "guideline"),
               ("guide", "guideline"), ("gold", "gold answers"), ("preference", "preference data"),
               ("pairwise", "preference data"), ("rubric", "rubric"), ("grading", "rubric"), ("rating", "rubric"))
_DATASET_FILE_KINDS = {"jsonl", "json", "csv", "tsv", "xlsx"}


@dataclass
class LabExposure:
    lab: str  # the lab's name, or "codename X (lab not named)", or NOT_NAMED
    named: bool
    documents: list[tuple[str, str, str]] = field(default_factory=list)  # path, kind, triage status
    codenames: set[str] = field(default_factory=set)
    named_by: set[str] = field(default_factory=set)  # how the lab was told: "named in the document", "codename …"
    datasets: list[str] = field(default_factory=list)
    credentials: list[tuple[str, str]] = field(default_factory=list)  # path, entity type

    @property
    def kinds(self) -> Counter[str]:
        return Counter(kind for _, kind, _ in self.documents)

    @property
    def triage(self) -> str:
        c = Counter(status for _, _, status in self.documents)
        return ", ".join(f"{n} {s.replace('_', ' ')}" for s, n in sorted(c.items()))


def document_kind(doc: LabDocument) -> str:
    """What a lab document is, from its file name first, then from the signals that classified it."""
    words = re.findall(r"[a-z]+", doc.path.rsplit("!/", 1)[-1].rsplit("/", 1)[-1].lower())
    for word, kind in _NAME_KINDS:
        if any(w.startswith(word) for w in words):
            return kind
    groups = {s.split(":", 1)[0] for s in doc.signals}
    tabular = (doc.kind or "") in _DATASET_FILE_KINDS
    if "gold" in groups and tabular:
        return "gold answers"
    if "preference" in groups and tabular:
        return "preference data"
    if any("playbook" in s.lower() for s in doc.signals):
        return "evaluation playbook"
    if any("guideline" in s.lower() or "instructions" in s.lower() for s in doc.signals):
        return "guideline"
    return "rubric"


def client_exposure(case: Case) -> list[LabExposure]:
    """One row per lab (named labs first, most documents first), then codenames without a lab, then the rest."""
    docs = case.exposure.lab_documents()
    mapping: dict[str, Counter[str]] = defaultdict(Counter)  # normalised codename → lab → evidence
    spelled: dict[str, str] = {}
    for codename, lab, n in case.exposure.codename_pairs():
        mapping[_norm(codename)][lab] += n
        spelled.setdefault(_norm(codename), codename)
    for doc in docs:
        for codename in _signal_codenames(doc):
            spelled.setdefault(_norm(codename), codename)
            if doc.client:
                mapping[_norm(codename)][doc.client] += 1
    labs: dict[str, LabExposure] = {}
    for doc in docs:
        codenames = {_norm(c) for c in _signal_codenames(doc)} | {c for c in spelled if _in_path(c, doc.path)}
        lab, how = doc.client, "named in the document"
        if not lab:
            for codename in sorted(codenames):
                if mapping.get(codename):
                    lab, how = mapping[codename].most_common(1)[0][0], f"through codename {spelled[codename]}"
                    break
        if lab:
            key, named = lab, True
        elif codenames:
            key, named, how = f"codename {spelled[min(codenames)]} {NOT_NAMED}", False, ""
        else:
            key, named, how = NOT_NAMED, False, ""
        row = labs.setdefault(key, LabExposure(key, named))
        row.documents.append((doc.path, document_kind(doc), doc.status))
        row.codenames |= {spelled[c] for c in codenames}
        if how:
            row.named_by.add(how)
    _beside(case, labs.values(), case.exposure.codename_files(), spelled)
    return sorted(labs.values(), key=lambda r: (not r.named, r.lab == NOT_NAMED, -len(r.documents), r.lab))


def _beside(case: Case, labs, naming: dict[str, list[str]], spelled: dict[str, str]) -> None:
    """Datasets in the same folder or archive as each lab's documents, or whose records name its codename and no
    other; credentials in the same folder or archive."""
    places = {place_of(path) for row in labs for path, _, _ in row.documents}
    datasets = case.exposure.files_in(places)
    credentials = case.exposure.credentials_in(places)
    codenames_of: dict[str, set[str]] = defaultdict(set)
    for codename, paths in naming.items():
        for path in paths:
            codenames_of[path].add(_norm(codename))
    by_codename: dict[str, set[str]] = defaultdict(set)
    for path, codenames in codenames_of.items():
        if len(codenames) == 1:  # one project's data; a roster or registry naming every project is no dataset
            by_codename[next(iter(codenames))].add(path)
    for row in labs:
        own = {path for path, _, _ in row.documents}
        mine = sorted({place_of(path) for path in own})
        named = {p for c in row.codenames for p in by_codename.get(_norm(c), ())}
        row.datasets = sorted(({p for place in mine for p in datasets.get(place, ())} | named) - own)
        row.credentials = sorted({c for place in mine for c in credentials.get(place, ())})


def _signal_codenames(doc: LabDocument) -> list[str]:
    return [s.split(":", 1)[1].strip() for s in doc.signals if s.startswith("codename:")]


def _norm(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def _in_path(codename: str, path: str) -> bool:
    """A known codename written in a path (``Projects/BLUE_HERON/``, ``kestrel_grading_rubric.md``)."""
    return bool(codename) and f" {codename} " in f" {_norm(path)} "

"""A :class:`~spill.model.FindingQuery` as SQL: the WHERE clause, the order, the indexes that answer it."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from spill.case.rows import sev_rank
from spill.errors import CaseError
from spill.model import GROUP_BY, NO_CLIENT, SEVERITY_RANK, SORTS, FindingQuery, Severity

Fingerprint = Callable[[str], str]
"""The case's keyed fingerprint of a raw value (``Store.fingerprint``)."""

ORDER = {
    "severity": [sev_rank("f.severity"), "f.path", "f.start", "f.rowid"],
    "path": ["f.path", "f.start", "f.rowid"],
    "type": ["f.entity_type", "f.rowid"],
    "status": ["f.status", "f.rowid"],
}
#: The index that walks each sort order (what a page of a broad filter reads in order).
SORT_INDEX = {"severity": "findings_triage_order", "path": "findings_triage_path", "type": "findings_type",
              "status": "findings_status"}
#: The covering index of each grouping.
GROUP_INDEX = {"value": "findings_triage_value", "rule": "findings_triage_rule", "file": "findings_triage_file",
               "folder": "findings_triage_file"}

_WORD = re.compile(r"[^\W_]+")
_WORDS_ONLY = re.compile(r"\s*[^\W_]+(?:\s+[^\W_]+)*\s*")
# words joined by the punctuation of addresses, domains and paths ("gmail.com", "hr/payroll", "a_b-c")
_JOINED = re.compile(r"\s*[^\W_]+(?:[.@_/:+-]+[^\W_]+)+\s*")


def in_order_index(q: FindingQuery) -> bool:
    """Can findings_triage_order answer this filter alone (no text, person, client, value or rule)?"""
    return not q.text and not q.subject and not q.clients and q.group_by in ("", "file", "folder")


def order_by(q: FindingQuery) -> str:
    if q.sort not in ORDER:
        raise CaseError(f"unknown sort {q.sort!r}; one of {', '.join(SORTS)}")
    direction = " DESC" if q.descending else ""
    return ", ".join(term + direction for term in ORDER[q.sort])


def folder_sql(col: str) -> str:
    """spill.model.folder_of() in SQL: the outer path (before the first '!/') up to its last '/'."""
    outer = f"substr({col}, 1, instr({col} || '!/', '!/') - 1)"
    return f"rtrim(rtrim({outer}, replace({outer}, '/', '')), '/')"


def fts_match(text: str) -> str | None:
    """The full-text query for free text: every word, as a word or the start of one (None: no words)."""
    words = _WORD.findall(text)
    return " ".join(f'"{w}"*' for w in words) if words else None


def like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def ascii_lower(text: str) -> str:
    """Lower case as SQLite's ``lower()`` does it (ASCII letters only), so both sides agree."""
    return "".join(c.lower() if "A" <= c <= "Z" else c for c in text)


def path_glob(glob: str) -> tuple[str, list[str]]:
    """A path glob as SQL over ``files.path``: case-insensitive, from the start of any folder unless
    anchored with a leading ``/`` (the share root); without ``*?[`` anywhere in the path."""
    anchored = glob.startswith("/")
    pattern = ascii_lower(glob.lstrip("/"))
    if not any(c in pattern for c in "*?["):
        return "lower(path) GLOB ?", [f"*{pattern}*"]
    if anchored:
        return "lower(path) GLOB ?", [pattern]
    # from the start of any folder: after a '/' (the one put in front stands for the share root);
    # '!/' ends an archive's name too, so an archive member's folders match as well
    return "lower('/' || path) GLOB ?", [f"*/{pattern}"]


def file_paths(path: str) -> tuple[str, list[str]]:
    """One file by its exact path, and the members inside it (``path!/…``), over ``files.path``."""
    # the members sort between 'path!/' and 'path!0' ('0' follows '/'): a range on the path index
    return "(path = ? OR (path >= ? AND path < ?))", [path, f"{path}!/", f"{path}!0"]


def where(q: FindingQuery, fingerprint: Fingerprint | None = None,
          raw_value: bool = False) -> tuple[str, list[Any]]:
    """The WHERE clause (over ``findings f``) and its parameters for a query's filters.

    With ``fingerprint`` (the case's keyed fingerprint), free text also finds the findings
    of the raw value it spells, and a person is found by any of their raw identifiers: the
    typed value is only ever compared as its fingerprint, never stored. ``raw_value`` (the
    text is a value the case holds): it finds that value's findings only.
    """
    clauses: list[str] = []
    params: list[Any] = []

    def one_of(col: str, values: Sequence[str]) -> None:
        clauses.append(f"{col} IN ({','.join('?' * len(values))})")
        params.extend(values)

    if q.entity_types:
        one_of("f.entity_type", q.entity_types)
    if q.categories:
        one_of("f.category", q.categories)
    if q.statuses:
        one_of("f.status", q.statuses)
    if q.severities:
        # as the rank expression: findings_triage_order carries it (and leads with it)
        ranks = ",".join(str(SEVERITY_RANK[Severity(v)]) for v in q.severities)
        clauses.append(f"{sev_rank('f.severity')} IN ({ranks})")
    if q.path_glob:
        sql, glob_params = path_glob(q.path_glob)
        clauses.append(f"f.file_id IN (SELECT id FROM files WHERE {sql})")
        params.extend(glob_params)
    if q.file:
        sql, file_params = file_paths(q.file)
        clauses.append(f"f.file_id IN (SELECT id FROM files WHERE {sql})")
        params.extend(file_params)
    if q.folder:
        clauses.append(_group_clause("folder", "" if q.folder == "/" else q.folder.strip("/"), params))
    if q.text and raw_value and fingerprint is not None:
        clauses.append("f.fingerprint = ?")
        params.append(fingerprint(q.text))
    elif q.text:
        clauses.append(_text_clause(q.text, fingerprint, params))
    if q.subject:
        if fingerprint is None:
            clauses.append("f.subject = ?")
            params.append(q.subject)
        else:
            clauses.append("(f.subject = ? OR f.subject IN (SELECT subject FROM findings"
                           " WHERE fingerprint = ? AND subject IS NOT NULL))")
            params.extend([q.subject, fingerprint(q.subject)])
    if q.clients:
        named = [c for c in q.clients if c != NO_CLIENT]
        terms = ["f.client LIKE ? ESCAPE '\\'"] * len(named)  # LIKE ignores ASCII case
        params.extend(like(c) for c in named)
        if NO_CLIENT in q.clients:
            terms.append("f.client IS NULL")
        clauses.append(f"(f.entity_type = 'LAB_RUBRIC' AND ({' OR '.join(terms)}))")
    if q.group_by:
        clauses.append(_group_clause(q.group_by, q.group_key, params))
    return " AND ".join(clauses) or "1", params


def _text_clause(text: str, fingerprint: Fingerprint | None, params: list[Any]) -> str:
    """Free text as one set of rowids: the full-text index finds the rows holding the words (or their
    beginnings); words joined by an address's or a path's punctuation ("gmail.com") as one phrase;
    other text with more than words in it ("100%", "a, b") is then matched exactly with LIKE; and the
    findings of the raw value it may spell, by fingerprint, are added (a UNION: an OR here would make
    SQLite test every row)."""
    match = fts_match(text)
    exact = match is None or not _WORDS_ONLY.fullmatch(text)
    if match is not None and _JOINED.fullmatch(text):
        # one phrase: the words next to each other, the last one a beginning; as exact as LIKE here
        match, exact = '"' + " ".join(_WORD.findall(text)) + '"*', False
    likes = "(g.path LIKE ? ESCAPE '\\' OR g.preview LIKE ? ESCAPE '\\' OR g.context LIKE ? ESCAPE '\\')"
    if match is not None and exact:
        words = (f"SELECT g.rowid FROM findings g WHERE g.rowid IN (SELECT rowid FROM findings_fts"
                 f" WHERE findings_fts MATCH ?) AND {likes}")
        params.extend([match, *[like(text)] * 3])
    elif match is not None:
        words = "SELECT rowid FROM findings_fts WHERE findings_fts MATCH ?"
        params.append(match)
    else:
        words = f"SELECT g.rowid FROM findings g WHERE {likes}"
        params.extend([like(text)] * 3)
    if fingerprint is not None:
        # a raw value typed in (a name, an e-mail, an id) finds its findings by their fingerprint
        words += " UNION SELECT rowid FROM findings WHERE fingerprint = ?"
        params.append(fingerprint(text))
    return f"f.rowid IN ({words})"


def _group_clause(by: str, key: str, params: list[Any]) -> str:
    if by == "value":
        if key.startswith("id:"):  # a document-level finding is a group of its own
            params.append(key[3:])
            return "f.id = ?"
        params.append(key)
        return "f.fingerprint = ?"
    if by == "rule":
        params.append(key)
        return "f.rule = ?"
    if by == "file":
        params.append(key)
        return "f.file_id = ?"
    if by == "folder":
        params.append(key)
        return f"f.file_id IN (SELECT id FROM files WHERE {folder_sql('path')} = ?)"
    raise CaseError(f"unknown grouping {by!r}; one of {', '.join(GROUP_BY)}")

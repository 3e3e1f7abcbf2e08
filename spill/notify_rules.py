"""Notification rules: one YAML file per jurisdiction under ``rules/notify/``, and the elements they speak of.

A jurisdiction file names its law, the countries it covers, the deadline it states and its
rules; each rule is an element combination (``when``), the outcome it leads to, the section
that says so, and examples that must meet it (and negative examples that must not). The
examples are checked when the file is loaded, so a rule that does not say what it means fails
with its ``file:line`` like a malformed one::

    jurisdiction: in-dpdp
    name: India — Digital Personal Data Protection Act, 2023
    countries: [IN]
    deadline: Each affected Data Principal without delay (r. 7(1)) …
    default: {outcome: not required, section: s. 8(6), reason: …}
    rules:
      - id: in.dpdp.breach
        outcome: notify                 # notify | review | not required
        section: s. 8(6); DPDP Rules, 2025, r. 7
        when: [[name, email, government_id]]   # every item; an inner list: any one of it
        examples: [[name, email]]

``elements.yml`` maps element names to finding types and categories, says which elements are
payout data and which country issues an ID type. ``--notify-rules DIR`` adds a folder: its
``elements.yml`` adds or replaces elements, a jurisdiction with a known id replaces it, and a
country it lists is assessed under it from then on.
"""

from __future__ import annotations

import difflib
import hashlib
import importlib.resources
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pycountry

from spill.errors import RuleError
from spill.notify import Element, Jurisdiction, NotifyRule, Outcome, Rulebook, implied_closure
from spill.rulefile import Fields, YamlList, YamlMap, is_scalar, load_yaml

ELEMENTS_FILE = "elements.yml"
SUFFIXES = (".yml", ".yaml")
_JURISDICTION_KEYS = ("jurisdiction", "name", "countries", "law", "source", "deadline", "default", "rules")
_RULE_KEYS = ("id", "outcome", "section", "when", "reason", "deadline", "examples", "negative_examples")


@dataclass
class _Draft:
    elements: dict[str, Element] = field(default_factory=dict)
    payout: tuple[str, ...] = ()
    countries_by_type: dict[str, str] = field(default_factory=dict)
    jurisdictions: dict[str, Jurisdiction] = field(default_factory=dict)
    pending: list[tuple[str, Any]] = field(default_factory=list)  # jurisdiction files, read once elements are known


def load_rulebook(extra_dirs: tuple[Path, ...] | list[Path] = ()) -> Rulebook:
    """The built-in notification rules, then each folder's in order (same id replaces; see the module doc)."""
    draft = _Draft()
    digest = hashlib.sha256()
    builtin = importlib.resources.files("rules").joinpath("notify")
    files = [(f"rules/notify/{p.name}", p.read_text(encoding="utf-8"))
             for p in sorted(builtin.iterdir(), key=lambda p: p.name) if p.name.endswith(SUFFIXES)]
    _read_folder(draft, files, digest)
    for directory in extra_dirs:
        directory = Path(directory)
        if not directory.is_dir():
            raise RuleError(f"--notify-rules {directory}: no such folder")
        texts = []
        for path in sorted(p for p in directory.iterdir() if p.suffix in SUFFIXES and p.is_file()):
            try:
                texts.append((str(path), path.read_text(encoding="utf-8")))
            except (OSError, UnicodeDecodeError) as exc:
                raise RuleError(f"{path}:1: cannot read notification rule file: {exc}") from None
        _read_folder(draft, texts, digest)
    by_country: dict[str, str] = {}
    for j in draft.jurisdictions.values():
        for country in j.countries:
            by_country[country] = j.id  # a later folder's jurisdiction takes the country over
    return Rulebook(draft.elements, draft.payout, draft.countries_by_type, draft.jurisdictions, by_country,
                    digest.hexdigest())


def _read_folder(draft: _Draft, files: list[tuple[str, str]], digest: Any) -> None:
    """One folder: its elements file first (its jurisdictions may use the elements it adds), then the rest."""
    files = sorted(files, key=lambda f: Path(f[0]).name != ELEMENTS_FILE)
    seen: dict[str, str] = {}
    for source, text in files:
        digest.update(f"{Path(source).name}\0{text}\0".encode())
        data = load_yaml(text, source)
        if Path(source).name == ELEMENTS_FILE:
            _read_elements(draft, data, source)
            continue
        j = _read_jurisdiction(draft, data, source)
        if j.id in seen:
            raise RuleError(f"{source}:{data.line}: jurisdiction '{j.id}' is also defined in {seen[j.id]}")
        seen[j.id] = source
        draft.jurisdictions[j.id] = j


def _read_elements(draft: _Draft, data: Any, source: str) -> None:
    if not isinstance(data, YamlMap):
        raise RuleError(f"{source}:1: an elements file is a mapping with 'elements', 'payout' and 'countries_by_type'")
    top = Fields(data, source)
    top.check_keys(("elements", "payout", "countries_by_type"), " in an elements file")
    elements = top.mapping("elements", "element name: {types, categories, description}")
    if elements is not None:
        for name in elements.data:
            spec = elements.mapping(str(name), "types, categories, description")
            if spec is None:
                raise elements.fail(name, f"element '{name}' needs types or categories")
            spec.check_keys(("types", "categories", "description", "implies"), f" in element '{name}'")
            types, typed = set(), set()
            for entry in spec.strings("types"):
                etype, _, category = entry.partition("/")
                (typed.add((etype, category)) if category else types.add(etype))
            categories = spec.strings("categories")
            if not (types or typed or categories):
                raise spec.fail(None, f"element '{name}' needs types or categories")
            implied = spec.strings("implies")
            for other in implied:
                if other not in elements.data and other not in draft.elements:
                    raise spec.fail("implies", f"element '{name}' implies an unknown element '{other}'")
            draft.elements[str(name)] = Element(str(name), frozenset(types), frozenset(typed), frozenset(categories),
                                                spec.string("description") or str(name), implied)
    if "payout" in data:
        payout = top.strings("payout")
        for name in payout:
            _known_element(draft, top, "payout", name)
        draft.payout = payout
    by_type = top.mapping("countries_by_type", "entity type: ISO 3166 country code")
    if by_type is not None:
        for etype in by_type.data:
            draft.countries_by_type[str(etype)] = _country(by_type, str(etype), by_type.data[etype])


def _read_jurisdiction(draft: _Draft, data: Any, source: str) -> Jurisdiction:
    if not isinstance(data, YamlMap) or "jurisdiction" not in data:
        raise RuleError(f"{source}:{getattr(data, 'line', 1)}: not a jurisdiction file: expected a mapping with "
                        "'jurisdiction', 'countries', 'default' and 'rules' (see rules/notify/)")
    f = Fields(data, source)
    f.check_keys(_JURISDICTION_KEYS, " in a jurisdiction file")
    jid = _required(f, "jurisdiction")
    countries = f.strings("countries")
    if not countries:
        raise f.fail("countries", "'countries' must list at least one ISO 3166 country code")
    codes = tuple(_country(f, "countries", c, f.item_line("countries", i)) for i, c in enumerate(countries))
    deadline = _required(f, "deadline")
    default = f.mapping("default", "outcome, section, reason")
    if default is None:
        raise f.fail("jurisdiction", "a jurisdiction needs a 'default' (the outcome when no rule is met)")
    default.check_keys(("outcome", "section", "reason"), " in 'default'")
    rules_data = data.get("rules")
    if not isinstance(rules_data, YamlList) or not rules_data:
        raise f.fail("rules", "'rules' must be a list of rules")
    rules = []
    ids: set[str] = set()
    for i, item in enumerate(rules_data):
        if not isinstance(item, YamlMap):
            raise f.fail("rules", "each rule is a mapping (id, outcome, section, when, examples)",
                         f.item_line("rules", i))
        rule = _read_rule(draft, Fields(item, source), deadline)
        if rule.id in ids:
            raise RuleError(f"{rule.source}: duplicate rule id '{rule.id}'")
        ids.add(rule.id)
        rules.append(rule)
    return Jurisdiction(id=jid, name=_required(f, "name"), countries=codes, law=f.string("law") or "",
                        source_url=f.string("source") or "", deadline=deadline,
                        default_outcome=_outcome(default, "outcome"), default_section=_required(default, "section"),
                        default_reason=_required(default, "reason"), rules=tuple(rules), source=source)


def _read_rule(draft: _Draft, f: Fields, deadline: str) -> NotifyRule:
    f.check_keys(_RULE_KEYS, " in a notification rule")
    when_data = f.data.get("when")
    if not isinstance(when_data, list) or not when_data:
        raise f.fail("when", "'when' must be a list of elements (an inner list: any one of them)")
    when = []
    for item in when_data:
        options = item if isinstance(item, list) else [item]
        if not options or not all(is_scalar(o) for o in options):
            raise f.fail("when", "'when' items are element names or lists of them")
        when.append(frozenset(_known_element(draft, f, "when", str(o)) for o in options))
    rid = _required(f, "id")
    examples = _element_sets(draft, f, "examples")
    negatives = _element_sets(draft, f, "negative_examples")
    rule = NotifyRule(id=rid, outcome=_outcome(f, "outcome"), section=_required(f, "section"), when=tuple(when),
                      reason=f.string("reason") or "", deadline=f.string("deadline") or deadline,
                      source=f"{f.source}:{f.line()}", examples=tuple(examples), negative_examples=tuple(negatives))
    if not examples:
        raise f.fail("id", f"rule '{rid}' needs 'examples': element lists that meet it (a test runs them)")
    for i, example in enumerate(examples):
        if rule.met(example) is None:
            raise f.fail("examples", f"rule '{rid}': example {sorted(example)} does not meet 'when'",
                         f.item_line("examples", i))
    for i, example in enumerate(negatives):
        if rule.met(example) is not None:
            raise f.fail("negative_examples", f"rule '{rid}': negative example {sorted(example)} meets 'when'",
                         f.item_line("negative_examples", i))
    return rule


def _element_sets(draft: _Draft, f: Fields, key: str) -> list[frozenset[str]]:
    value = f.data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, list) for v in value):
        raise f.fail(key, f"'{key}' must be a list of element lists ([[name, email], [passport]])")
    return [frozenset(implied_closure(draft.elements, {_known_element(draft, f, key, str(e)) for e in v}))
            for v in value]


def _known_element(draft: _Draft, f: Fields, key: str, name: str) -> str:
    if name not in draft.elements:
        hint = difflib.get_close_matches(name, sorted(draft.elements), n=1)
        raise f.fail(key, f"unknown element '{name}'{f' (did you mean {hint[0]!r}?)' if hint else ''}"
                          " (elements are defined in rules/notify/elements.yml)")
    return name


def _outcome(f: Fields, key: str) -> Outcome:
    return f.choice(key, Outcome)


def _required(f: Fields, key: str) -> str:
    value = f.string(key)
    if not value or not value.strip():
        raise f.fail(key if key in f.data else None, f"'{key}' is required")
    return " ".join(value.split())


def _country(f: Fields, key: str, value: Any, line: int | None = None) -> str:
    code = str(value).strip().upper()
    if len(code) != 2 or pycountry.countries.get(alpha_2=code) is None:
        raise f.fail(key, f"unknown country '{value}' (use ISO 3166 alpha-2 codes: IN, KE, DE…)", line)
    return code

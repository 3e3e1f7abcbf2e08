"""Keys derived from a value, so names and addresses can be matched without storing them.

The writer derives these texts from a raw value while it still holds it, and stores only
their keyed fingerprints (``value_keys``): a name's first and last name, the spelling an
e-mail local part would use for it, a phone number's national digits, a unique primary's
shape (plain: the format, no digits). The gazetteer derives the same texts from the words it
reads, so a name matches whether it was written ``Sinéad Gallagher``, ``SINEAD GALLAGHER``
or ``Gallagher, Sinéad``.

Kinds:

- ``link``: what two spellings of one identifier share: a name's first and last name
  (``sem maaren`` for "Sem van Maaren"), a phone's last nine digits (``tel:804828620`` for
  "+91 98048 28620" and "098048 28620");
- ``first`` / ``last``: a name's first and last name alone;
- ``joined``: a name as an e-mail local part would spell it (``semmaaren``, ``semvanmaaren``,
  ``maarensem``); ``local``: an e-mail local part the same way (letters only);
- ``shape``: a unique primary's format (stored as is).
"""

from __future__ import annotations

import re

from spill.people.classes import IdClass, classify, fold, shape

LINK, FIRST, LAST, JOINED, LOCAL, SHAPE = "link", "first", "last", "joined", "local", "shape"
#: Kinds whose text is stored as a keyed fingerprint (``shape`` is stored as is).
KEYED = (LINK, FIRST, LAST, JOINED, LOCAL)

#: Words that end an organisation's or a place's name, not a person's ("Halcyon Labs", "Itaú Unibanco",
#: "Acme Data Services"): a name holding one is not a person's, for linkage as for NER.
ORG_WORDS = frozenset("""
labs lab ai inc inc. ltd ltd. llc llp plc gmbh ag sa s.a. bv b.v. co co. corp corp. corporation company
bank banco unibanco services service research technologies technology systems group holdings partners
capital solutions analytics studio studios cloud foundation university institute college school academy
bot team data onboarding payments payroll finance support operations ops department dept office
hospital clinic agency ministry council association network networks media software health insurance
""".split())
HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "madam", "dame", "sr", "sra", "srta",
                        "herr", "frau", "mme", "mlle", "jr", "snr", "jnr"})
_LETTERS = re.compile(r"[^\W\d_]+")
_PHONE_DIGITS = 9  # national significant digits compared: country and trunk prefixes differ


_FIELD_BREAK = re.compile(r"\n|\t|\s{3,}")


def name_tokens(value: str) -> list[str]:
    r"""A name's words, folded, without initials and titles; ``Last, First`` is turned around. A name
    does not cross a line or a table gap: a span that runs on into the next field is cut there.

    >>> name_tokens("Dr. Sinéad  O'Neill-Gallagher")
    ['sinead', 'neill', 'gallagher']
    >>> name_tokens("Nigam, Tanay"), name_tokens("Dmitri Orlov\tPlatform Engineer")
    (['tanay', 'nigam'], ['dmitri', 'orlov'])
    """
    text = _FIELD_BREAK.split(value.strip(), 1)[0]
    if text.count(",") == 1:
        last, first = (part.strip() for part in text.split(","))
        if first and last:
            text = f"{first} {last}"
    words = [w for w in _LETTERS.findall(fold(text)) if len(w) > 1]
    while words and words[0] in HONORIFICS:
        words.pop(0)
    return words


def person_keys(value: str) -> list[tuple[str, str]]:
    """Keys of a name: ``link``/``first``/``last``/``joined`` for a full name, ``first`` for one word; none
    for an organisation's name.

    >>> [k for k, _ in person_keys("Lumenframe Data Services")], person_keys("Ana")
    ([], [('first', 'ana')])
    """
    words = name_tokens(value)
    if not words or any(w in ORG_WORDS and len(w) > 2 for w in words):  # "Sá", "Ai" are names too
        return []
    if len(words) == 1:
        return [(FIRST, words[0])]
    first, last = words[0], words[-1]
    keys = [(LINK, f"{first} {last}"), (FIRST, first), (LAST, last), (JOINED, first + last), (JOINED, last + first)]
    if len(words) > 2:
        keys.append((JOINED, "".join(words)))
    return keys


def email_keys(value: str) -> list[tuple[str, str]]:
    """The local part of an address as letters (``sem.van.maaren14`` → ``semvanmaaren`` and ``semmaaren``)."""
    local = fold(value.rpartition("@")[0].split("+", 1)[0])
    words = _LETTERS.findall(local)
    joined = "".join(words)
    if len(joined) < 5:
        return []
    keys = [(LOCAL, joined)]
    if len(words) > 2:
        keys.append((LOCAL, words[0] + words[-1]))
    return keys


def phone_key(value: str) -> str | None:
    digits = "".join(c for c in value if c.isdigit())
    return f"tel:{digits[-_PHONE_DIGITS:]}" if len(digits) >= 7 else None


def value_keys(entity_type: str, category: str, value: str, normalized: str) -> list[tuple[str, str]]:
    """Every key of one value (kind, text); texts of :data:`KEYED` kinds are to be fingerprinted."""
    cls = classify(entity_type, category)
    if cls is IdClass.NAME:
        return person_keys(value)
    if entity_type == "EMAIL_ADDRESS":
        return email_keys(value)
    if entity_type == "PHONE_NUMBER":
        key = phone_key(value)
        return [(LINK, key)] if key else []
    if cls is IdClass.UNIQUE:
        return [(SHAPE, shape(normalized))]
    return []

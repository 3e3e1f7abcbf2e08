"""Where a person may live, read off what the scan sees: a country code and how it was inferred.

Two kinds of signal, both recorded on findings (``country``, ``country_via``) so the case never
needs the raw value again:

- **the value itself**: a phone number written with its country calling code (``+91 …``,
  ``0044 …``) is placed by that code (``phone prefix +91``); an IBAN by its first two letters
  (``IBAN country``);
- **the record around it**: a cell under a column that names a country (``Country``,
  ``nationality``, ``country_of_residence``…) or an address whose last part is a country gives
  that country to every finding of the same record (a roster row, an XML element, a JSON
  object) that has none of its own (``country column``, ``address``).

Nothing here decides a jurisdiction: a national-ID type's country is a fact of the type, read
from the notification rules' elements file when a person is assessed.
"""

from __future__ import annotations

import re
from functools import lru_cache

import phonenumbers
import pycountry

#: Column words that say the cell is a country (the key of the first word found is the ``via``).
_COUNTRY_WORDS = {"country": "country column", "nationality": "nationality column",
                  "citizenship": "citizenship column", "residence": "residence column", "domicile": "residence column"}
_ADDRESS_WORDS = ("address", "addr")
_LABEL_SPLIT = re.compile(r"[^a-z]+")
#: Names pycountry does not know that rosters use (its names are ISO 3166's English ones).
_ALIASES = {"uk": "GB", "england": "GB", "scotland": "GB", "wales": "GB", "great britain": "GB", "britain": "GB",
            "brasil": "BR", "deutschland": "DE", "españa": "ES", "espana": "ES", "méxico": "MX", "holland": "NL",
            "the netherlands": "NL", "nederland": "NL", "italia": "IT", "россия": "RU", "russia": "RU",
            "south korea": "KR", "korea": "KR", "iran": "IR", "vietnam": "VN", "turkey": "TR", "türkiye": "TR",
            "usa": "US", "u.s.": "US", "u.s.a.": "US", "united states of america": "US", "america": "US",
            "uae": "AE", "philippines": "PH", "the philippines": "PH", "pilipinas": "PH", "bharat": "IN"}


def value_country(entity_type: str, value: str) -> tuple[str, str] | None:
    """The country a value itself names: an international phone number's calling code, an IBAN's prefix."""
    if entity_type == "PHONE_NUMBER":
        return _phone_country(value)
    if entity_type == "IBAN_CODE":
        code = value.strip()[:2].upper()
        return (code, "IBAN country") if country_code(code) == code else None
    return None


def record_country(context: str, text: str) -> tuple[str, str] | None:
    """The country a labelled cell states (``Country: India``, ``<nationality>KE</nationality>``, an address)."""
    if not context or len(text) > 200:
        return None
    words = [w for w in _LABEL_SPLIT.split(_last_label(context)) if w]
    for word in words:
        via = _COUNTRY_WORDS.get(word)
        if via:
            code = country_code(text)
            return (code, via) if code else None
    if any(w.startswith(_ADDRESS_WORDS) for w in words) and ("," in text or "\n" in text):
        last = re.split(r"[,\n]", text.strip())[-1]
        code = country_code(re.sub(r"\b\d[\d -]*\b", " ", last))  # "Nairobi 00100, Kenya" / "…, 560001 India"
        return (code, "address") if code else None
    return None


@lru_cache(maxsize=4096)
def country_code(text: str) -> str | None:
    """ISO 3166-1 alpha-2 for a country name or code (``India``, ``IN``, ``IND``, ``Brasil``); None otherwise."""
    name = " ".join(text.split()).strip(" .").lower()
    if not name or len(name) > 60:
        return None
    if name in _ALIASES:
        return _ALIASES[name]
    if not any(c.isalpha() for c in name):
        return None  # "356" is India's ISO numeric code, and also a hotel room
    try:
        return str(pycountry.countries.lookup(name).alpha_2)
    except LookupError:
        return None


def _phone_country(value: str) -> tuple[str, str] | None:
    text = value.strip()
    if text.startswith("00"):
        text = "+" + text[2:]
    if not text.startswith("+"):
        return None  # a national number names no country by itself (its record may)
    try:
        number = phonenumbers.parse(text, None)
    except phonenumbers.NumberParseException:
        return None
    region = phonenumbers.region_code_for_number(number)
    if not region or region == "001":  # 001: non-geographic (satellite, UIFN)
        return None
    return region, f"phone prefix +{number.country_code}"


def _last_label(context: str) -> str:
    """The innermost name in a context (``hrisExport/worker/country`` → ``country``; ``profile.country_code``)."""
    label = re.split(r"[/.]", context.strip())[-1]
    return label.lstrip("@").lower()

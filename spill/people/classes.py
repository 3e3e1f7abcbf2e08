"""Identifier classes: what an entity type says about whose it is and whether it may link people.

Breach-review platforms sort identifiers the same way:

- **primary**, *unique*: identifies one person, and a person has one per format (national ID,
  passport, tax ID, contractor ID). Two different values of the same type and shape in one
  person are a conflict: the join that would cause it is refused.
- **primary**, *account*: one person's, but a person may hold several (bank account, IBAN, card,
  wallet). Joins strongly; never a conflict.
- **secondary**: supports a link (personal e-mail, phone, UPI ID join with medium strength; a date
  of birth belongs to the record it is in but never joins two records: many people share one).
- **name**: a full name joins weakly (homonyms exist); a first name alone never joins.
- **tertiary**: never linked to a person (routing and SWIFT codes, IP addresses, URLs: shared by
  every customer of a bank, every user of a network).
- **none**: not personal data (credentials, rubrics).

A type not listed here is classed by its category, so a vendor rule's new type (an
``EMPLOYEE_ID`` of category ``contractor``) is a unique primary without code.
"""

from __future__ import annotations

import enum
import unicodedata


class IdClass(enum.StrEnum):
    UNIQUE = "primary"         # primary, one per person and format
    ACCOUNT = "account"        # primary, several per person
    SECONDARY = "secondary"
    NAME = "name"
    ATTRIBUTE = "attribute"    # a person's (date of birth), but never joins two records
    TERTIARY = "tertiary"
    NONE = "none"

    @property
    def is_primary(self) -> bool:
        return self in (IdClass.UNIQUE, IdClass.ACCOUNT)

    @property
    def joins(self) -> bool:
        """Whether two records holding the same value of this class are the same person."""
        return self in (IdClass.UNIQUE, IdClass.ACCOUNT, IdClass.SECONDARY, IdClass.NAME)

    @property
    def personal(self) -> bool:
        """Whether a value of this class is someone's (can be linked to a person at all)."""
        return self not in (IdClass.TERTIARY, IdClass.NONE)


#: The same questions as sets, for the hot loops (a property on an enum member costs a call).
PRIMARY = frozenset({IdClass.UNIQUE, IdClass.ACCOUNT})
JOINING = frozenset({IdClass.UNIQUE, IdClass.ACCOUNT, IdClass.SECONDARY, IdClass.NAME})
PERSONAL = frozenset(set(IdClass) - {IdClass.TERTIARY, IdClass.NONE})


class Strength(enum.IntEnum):
    """How strongly a link holds; a person's confidence is the weakest link holding them together."""

    WEAK = 1      # a name only
    MEDIUM = 2    # a secondary (e-mail, phone, UPI), a mail header's name and address
    STRONG = 3    # a primary
    ANALYST = 4   # an analyst's merge

    @property
    def label(self) -> str:
        return self.name.lower()


_BY_TYPE: dict[str, IdClass] = {
    # unique primaries
    "CONTRACTOR_ID": IdClass.UNIQUE, "US_SSN": IdClass.UNIQUE, "US_ITIN": IdClass.UNIQUE,
    "PASSPORT": IdClass.UNIQUE, "US_PASSPORT": IdClass.UNIQUE, "IN_PASSPORT": IdClass.UNIQUE,
    "UK_PASSPORT": IdClass.UNIQUE, "PH_PASSPORT": IdClass.UNIQUE, "IN_PAN": IdClass.UNIQUE,
    "IN_AADHAAR": IdClass.UNIQUE, "IN_VOTER": IdClass.UNIQUE, "PH_TIN": IdClass.UNIQUE, "NG_NIN": IdClass.UNIQUE,
    "BR_CPF": IdClass.UNIQUE, "KE_NATIONAL_ID": IdClass.UNIQUE, "KE_KRA_PIN": IdClass.UNIQUE,
    "TAX_ID": IdClass.UNIQUE, "NATIONAL_ID": IdClass.UNIQUE, "UK_NHS": IdClass.UNIQUE, "UK_NINO": IdClass.UNIQUE,
    "US_DRIVER_LICENSE": IdClass.UNIQUE, "IT_FISCAL_CODE": IdClass.UNIQUE, "ES_NIF": IdClass.UNIQUE,
    "SG_NRIC_FIN": IdClass.UNIQUE, "AU_TFN": IdClass.UNIQUE, "AU_MEDICARE": IdClass.UNIQUE,
    # account primaries
    "IBAN_CODE": IdClass.ACCOUNT, "BANK_ACCOUNT": IdClass.ACCOUNT, "US_BANK_NUMBER": IdClass.ACCOUNT,
    "CREDIT_CARD": IdClass.ACCOUNT, "CRYPTO": IdClass.ACCOUNT,
    # secondaries
    "EMAIL_ADDRESS": IdClass.SECONDARY, "PHONE_NUMBER": IdClass.SECONDARY, "UPI_ID": IdClass.SECONDARY,
    "DATE_OF_BIRTH": IdClass.ATTRIBUTE,
    "PERSON": IdClass.NAME,
    # tertiary: shared by many people
    "SWIFT_CODE": IdClass.TERTIARY, "ABA_ROUTING_NUMBER": IdClass.TERTIARY, "IFSC_CODE": IdClass.TERTIARY,
    "SORT_CODE": IdClass.TERTIARY, "IP_ADDRESS": IdClass.TERTIARY, "URL": IdClass.TERTIARY,
    "DOMAIN_NAME": IdClass.TERTIARY, "MAC_ADDRESS": IdClass.TERTIARY, "UUID": IdClass.TERTIARY,
    "LOCATION": IdClass.TERTIARY, "ORGANIZATION": IdClass.TERTIARY, "DATE_TIME": IdClass.TERTIARY,
    "NRP": IdClass.TERTIARY,
}

_BY_CATEGORY: dict[str, IdClass] = {
    "government_id": IdClass.UNIQUE, "contractor": IdClass.UNIQUE, "financial": IdClass.ACCOUNT,
    "contact": IdClass.SECONDARY, "identity": IdClass.ATTRIBUTE, "credential": IdClass.NONE,
    "lab_ip": IdClass.NONE,
}


def classify(entity_type: str, category: str = "") -> IdClass:
    """The class of an entity type (its category decides for a type this table does not know)."""
    known = _BY_TYPE.get(entity_type)
    if known is not None:
        return known
    return _BY_CATEGORY.get(category, IdClass.NONE)


def shape(normalized: str) -> str:
    """The format of a normalized value: letters as ``A``, digits as ``9``, the rest kept.

    Two unique primaries conflict only when they share type and shape, so a contractor's
    current ID and their legacy ID (another format) can both be theirs.

    >>> shape("lmfc004512"), shape("lf220457")
    ('AAAA999999', 'AA999999')
    """
    out = []
    for c in normalized:
        if c.isdigit():
            out.append("9")
        elif c.isalpha():
            out.append("A")
        else:
            out.append(c)
    return "".join(out)


def fold(text: str) -> str:
    """Case and accents dropped: ``Sinéad`` and ``SINEAD`` are one spelling."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))

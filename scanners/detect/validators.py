"""Named validators a rule lists under ``validators:``; each takes the matched value, says yes or no.

Checksums come from python-stdnum (IBAN, BIC, Luhn, ABA routing, Verhoeff, Aadhaar, PAN,
CPF, SSN, ITIN, KRA PIN, Bitcoin). The only hand-written check is the Philippine TIN
(weighted modulo 11), which stdnum does not have. Besides checksums there are shape checks
for credentials: ``entropy>=3.0`` (Shannon bits per character), ``length>=12``, ``digit``,
``not_placeholder`` (``changeme``, ``xxxx``, ``${VAR}``, ``<token>``, ``your-api-key-here``…)
and ``literal`` (the value is a literal, not a variable, call or path in code).

A parametrised validator is written ``name>=number`` (also ``>``, ``<=``, ``<``, ``==``).
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import json
import math
import operator
import re
from collections import Counter
from collections.abc import Callable
from functools import lru_cache

from stdnum import bic, bitcoin, iban, luhn, verhoeff
from stdnum.br import cpf
from stdnum.exceptions import ValidationError
from stdnum.in_ import aadhaar, pan
from stdnum.ke import pin as ke_pin
from stdnum.us import itin, rtn, ssn

from scanners.detect import OFFLINE_TLD_EXTRACT

Validator = Callable[[str], bool]

_NON_DIGITS = re.compile(r"\D")
_SEPARATORS = re.compile(r"[\s\-.]")


def _digits(value: str) -> str:
    return _NON_DIGITS.sub("", value)


def _compact(value: str) -> str:
    return _SEPARATORS.sub("", value)


def is_iban(value: str) -> bool:
    return iban.is_valid(_compact(value))


def is_iban_structure(value: str) -> bool:
    """The mod-97 check digits and the country's length and BBAN structure pass; the country's own
    (national) check digits are not looked at. Any case: "gb82west…" is an IBAN written in lower case."""
    try:
        iban.validate(_compact(value).upper(), check_country=False)
    except ValidationError:
        return False
    return True


def is_bic(value: str) -> bool:
    # stdnum checks the length, the character classes and that positions 5-6 are a country code
    return value.isupper() and bic.is_valid(value)


def is_luhn(value: str) -> bool:
    digits = _digits(value)
    return len(digits) >= 2 and luhn.is_valid(digits)


# (first digits, allowed lengths) of the card networks; an IMEI (Luhn too, 15 digits from 35) is none
_CARD_BRANDS: tuple[tuple[tuple[int, int], frozenset[int]], ...] = (
    ((4, 4), frozenset({13, 16, 19})),                          # Visa
    ((51, 55), frozenset({16})), ((2221, 2720), frozenset({16})),  # Mastercard
    ((34, 34), frozenset({15})), ((37, 37), frozenset({15})),   # American Express
    ((300, 305), frozenset(range(14, 20))), ((36, 36), frozenset(range(14, 20))),
    ((38, 39), frozenset(range(14, 20))),                       # Diners Club
    ((6011, 6011), frozenset(range(16, 20))), ((644, 649), frozenset(range(16, 20))),
    ((65, 65), frozenset(range(16, 20))),                       # Discover
    ((3528, 3589), frozenset(range(16, 20))),                   # JCB
    ((62, 62), frozenset(range(16, 20))),                       # UnionPay
    ((2200, 2204), frozenset(range(16, 20))),                   # Mir
    ((50, 50), frozenset(range(12, 20))), ((56, 69), frozenset(range(12, 20))),  # Maestro, RuPay, …
    ((1, 1), frozenset({15})),                                  # UATP
)


def is_credit_card(value: str) -> bool:
    """Luhn-valid, and a length that the card network its first digits name issues."""
    digits = _digits(value)
    if not 12 <= len(digits) <= 19 or len(set(digits)) < 2 or not luhn.is_valid(digits):
        return False
    for (lo, hi), lengths in _CARD_BRANDS:
        width = len(str(lo))
        if lo <= int(digits[:width]) <= hi and len(digits) in lengths:
            return True
    return False


def is_aba(value: str) -> bool:
    digits = _digits(value)
    return len(digits) == 9 and rtn.is_valid(digits) and len(set(digits)) > 2


def is_verhoeff(value: str) -> bool:
    digits = _digits(value)
    return len(digits) >= 2 and verhoeff.is_valid(digits)


def is_aadhaar(value: str) -> bool:
    return aadhaar.is_valid(_digits(value))


def is_pan(value: str) -> bool:
    return pan.is_valid(value)


def is_cpf(value: str) -> bool:
    return cpf.is_valid(_digits(value))


def is_ssn(value: str) -> bool:
    digits = _digits(value)
    return len(digits) == 9 and ssn.is_valid(digits)


def is_itin(value: str) -> bool:
    digits = _digits(value)
    return len(digits) == 9 and itin.is_valid(digits)


def is_ke_pin(value: str) -> bool:
    return ke_pin.is_valid(value)


def is_ng_nin(value: str) -> bool:
    digits = _digits(value)
    return len(digits) == 11 and verhoeff.is_valid(digits) and len(set(digits)) > 2


_PH_TIN_WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2)


def is_ph_tin(value: str) -> bool:
    """Philippine TIN: 9 digits (+3 or 5 branch digits), 9th digit = weighted sum of the first 8 mod 11.

    stdnum has no Philippine module; this is the BIR rule Presidio's PhTinRecognizer uses.
    """
    digits = _digits(value)
    if len(digits) not in (9, 12, 14) or len(set(digits[:9])) < 2:
        return False
    total = sum(int(d) * w for d, w in zip(digits, _PH_TIN_WEIGHTS, strict=False))
    return total % 11 == int(digits[8])


def is_bitcoin(value: str) -> bool:
    return bitcoin.is_valid(value)


_EMAIL_LABEL = re.compile(r"^(?!-)[^\W_](?:[\w-]*[^\W_])?$")


def is_email(value: str) -> bool:
    """Local part ≤ 64, every domain label well formed, and the suffix a known public suffix."""
    local, _, domain = value.rpartition("@")
    if not local or len(local) > 64 or not domain or ".." in local or len(domain) > 253:
        return False
    if local.startswith(".") or local.endswith("."):
        return False
    return _is_mail_domain(domain)


@lru_cache(maxsize=8192)
def _is_mail_domain(domain: str) -> bool:
    labels = domain.split(".")
    if len(labels) < 2 or not all(_EMAIL_LABEL.match(label) for label in labels):
        return False
    parts = OFFLINE_TLD_EXTRACT(domain)
    return bool(parts.suffix) and bool(parts.domain)


def is_ip(value: str) -> bool:
    """An IPv4/IPv6 address or CIDR network (a ``%zone`` on IPv6 is allowed)."""
    addr, _, prefix = value.partition("/")
    addr = addr.split("%", 1)[0]
    try:
        ip = ipaddress.ip_address(addr)
    except ValueError:
        return False
    return not prefix or (prefix.isdigit() and int(prefix) <= ip.max_prefixlen)


def _b64json(segment: str) -> object:
    padded = segment + "=" * (-len(segment) % 4)
    try:
        return json.loads(base64.urlsafe_b64decode(padded))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None


def is_jwt(value: str) -> bool:
    """Three dot-separated base64url parts; the first decodes to a JSON header with ``alg``."""
    parts = value.split(".")
    if len(parts) != 3:
        return False
    header = _b64json(parts[0])
    return isinstance(header, dict) and "alg" in header


def is_pem_base64(value: str) -> bool:
    """Base64 of a PEM block: decodes to text that names a PRIVATE KEY."""
    head = value[: (min(len(value), 96) // 4) * 4]
    try:
        decoded = base64.b64decode(head, validate=False)
    except (binascii.Error, ValueError):
        return False
    return b"PRIVATE KEY" in decoded


def shannon_entropy(value: str) -> float:
    if not value:
        return 0.0
    n = len(value)
    return -sum(c / n * math.log2(c / n) for c in Counter(value).values())


_DIGIT = re.compile(r"\d")


def has_digit(value: str) -> bool:
    return _DIGIT.search(value) is not None


def is_mixed(value: str) -> bool:
    """At least two of: lower case, upper case, digits, symbols (people's passwords; not plain words)."""
    classes = (
        any(ch.islower() for ch in value),
        any(ch.isupper() for ch in value),
        any(ch.isdigit() for ch in value),
        any(not ch.isalnum() for ch in value),
    )
    return sum(classes) >= 2 and not (value.isalpha() and value[:1].isupper() and value[1:].islower())


# Placeholders people leave in configs and docs instead of a real secret.
_PLACEHOLDER_WORDS = frozenset(
    """password passwd pass pwd secret token apikey api_key key value string str text int
    bool boolean true false null none nil undefined empty required optional hidden redacted masked
    changeme change_me change-me placeholder example sample dummy test testing todo tbd tba na n/a
    unknown default mypassword yourpassword your_password my_password foo bar
    foobar baz qwerty letmein abc123 xxx xxxx""".split()
)
_PLACEHOLDER_RE = re.compile(
    r"""(?ix)
    ^[<\[{(].*[>\]})]$            # <token>, [KEY], {secret}, (value)
    | ^\$ | \$\{ | \$\( | \{\{ | \}\} | %\( | ^%\w+%$ | ^@\w+@$ | ^\#\{   # ${VAR}, $VAR, {{x}}, %(x)s
    | ^&(?:lt|gt|quot|\#\d+);     # HTML-escaped <...>
    | x{5,} | \*{3,} | \#{4,} | •{3,} | _{5,} | \.{4,} | 0{12,} | 1234567890
    | example | change[-_ ]?me | placeholder | redacted | dummy | lorem | sample
    | your[-_ ]?(?:own[-_ ]?)?(?:api|access|secret|private|auth|client|app|bot|user|account|token|key|pass|pwd)
    | (?:api|secret|access|auth)[-_ ]?(?:key|token)[-_ ]?here | insert[-_ ]|replace[-_ ]?(?:me|with|this)
    | ^(?:my|some|the)[-_ ]?(?:secret|token|api[-_ ]?key|password|key)$
    | not[-_ ]?(?:a[-_ ]?)?(?:real|set) | ^fake$
    """
)


def is_not_placeholder(value: str) -> bool:
    stripped = value.strip("\"'`")
    if len(stripped) < 3 or stripped.lower() in _PLACEHOLDER_WORDS:
        return False
    if len(set(stripped.lower())) <= 2:
        return False
    return not _PLACEHOLDER_RE.search(stripped)


_CODE_REFERENCE_RE = re.compile(
    r"""(?x)
    ^\s | \s$                                  # padding: a concatenation or a label, not a value
    | ^[+./] | ^\#[a-z][a-z\-]*$ | ^\w+\(     # + concatenation, .attr, /path, #css-selector, call(
    | ://                                      # a URL
    | \w\(.*\) | \)\s*[;+,]                    # a call
    | ^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+$        # env.SECRET, self.token, config.api.key
    | ^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$          # SOME_ENV_VAR (a reference to an env variable)
    | ^[a-z][a-z0-9]*(?:_[a-z0-9]+)+$          # snake_case identifier
    | ^[a-z_\-]+(?:/[a-z_\-\#:.]+)+$           # lowercase path
    | \s[+&|]{1,2}\s                           # an expression
    | ^[,;] | :$                               # a piece of a list, or a label ("Password:")
    """
)


_IDENTIFIER_RE = re.compile(
    r"""(?x)
    ^_ | ^[a-z]+(?:[A-Z][a-z0-9]*)+$            # _private, camelCase variable
    | ^[A-Z][a-z]+(?:[A-Z][a-z0-9]*)+$          # CapWords type name (SecretStr)
    | ^(?:str|int|bool|bytes|string|none|null|true|false|optional|any)$
    """
)


def is_not_identifier(value: str) -> bool:
    """An unquoted value is not a variable or type name (``workbookPassword``, ``SecretStr``)."""
    return not _IDENTIFIER_RE.search(value.strip("\"'`"))


def is_literal(value: str) -> bool:
    """The value is a literal string, not a variable, call, path or expression in code."""
    return not _CODE_REFERENCE_RE.search(value.strip("\"'`"))


_SIMPLE: dict[str, Validator] = {
    "iban": is_iban,
    "iban_structure": is_iban_structure,
    "bic": is_bic,
    "luhn": is_luhn,
    "credit_card": is_credit_card,
    "aba": is_aba,
    "verhoeff": is_verhoeff,
    "aadhaar": is_aadhaar,
    "pan": is_pan,
    "cpf": is_cpf,
    "ssn": is_ssn,
    "itin": is_itin,
    "ke_pin": is_ke_pin,
    "ng_nin": is_ng_nin,
    "ph_tin": is_ph_tin,
    "bitcoin": is_bitcoin,
    "email": is_email,
    "ip": is_ip,
    "jwt": is_jwt,
    "pem_base64": is_pem_base64,
    "digit": has_digit,
    "mixed": is_mixed,
    "not_placeholder": is_not_placeholder,
    "literal": is_literal,
    "not_identifier": is_not_identifier,
}

#: The same value is checked again and again (a roster repeats its rows, two rules share a validator,
#: the inline and the header label see one cell): each validator remembers its latest answers.
_CACHED: dict[str, Validator] = {name: lru_cache(maxsize=4096)(check) for name, check in _SIMPLE.items()}

_MEASURES: dict[str, Callable[[str], float]] = {
    "entropy": shannon_entropy,
    "length": len,
    "distinct": lambda v: len(set(v)),
}

_OPS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt, "==": operator.eq,
}
_PARAM_RE = re.compile(r"^\s*([a-z_]+)\s*(>=|<=|==|>|<)\s*(\d+(?:\.\d+)?)\s*$")


def known_validators() -> list[str]:
    return sorted(_SIMPLE) + [f"{name}>=N" for name in sorted(_MEASURES)]


def get_validator(spec: str) -> Validator:
    """The validator a rule names (``iban``, ``entropy>=3.5``…); KeyError if there is none."""
    if spec in _CACHED:
        return _CACHED[spec]
    m = _PARAM_RE.match(spec)
    if m and m.group(1) in _MEASURES:
        measure, op, bound = _MEASURES[m.group(1)], _OPS[m.group(2)], float(m.group(3))
        return lambda value: op(measure(value), bound)
    raise KeyError(spec)

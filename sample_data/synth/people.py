"""The people of the fictional vendor: contractors, staff and client-lab contacts.

Names come from seeded Faker locales (Kenya and Nigeria too) or, for the Philippines where Faker's
English locale gives US names, from a small inline list. Every identifier is drawn from ``ids``.
"""

from __future__ import annotations

import difflib
import random
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta

import phonenumbers
from faker import Faker
from phonenumbers import PhoneNumberFormat

from sample_data.synth import ids

VENDOR = "Lumenframe Data Services"
VENDOR_DOMAIN = "lumenframe.io"
SUPPORT_EMAIL = "support@lumenframe.io"
SUPPORT_PHONE = "+1 (628) 555-0147"
PAYOUTS_EMAIL = "payouts@lumenframe.io"
KYC_EMAIL = "compliance@lumenframe.io"

# Fictional client labs and their project codenames.
LABS = {
    "BLUE HERON": "Halcyon Labs",
    "MARIGOLD": "Corvid AI",
    "KESTREL": "Tessellate Research",
    "SAFFRON": "Quillmark AI",
}
CODENAMES = list(LABS)

COUNTRY_NAMES = {
    "IN": "India", "PH": "Philippines", "KE": "Kenya", "NG": "Nigeria", "BR": "Brazil", "US": "United States",
    "DE": "Germany", "FR": "France", "NL": "Netherlands", "ES": "Spain",
}
PLAN = [("IN", 10), ("PH", 8), ("KE", 6), ("NG", 6), ("BR", 6), ("US", 6), ("DE", 2), ("FR", 1), ("NL", 1), ("ES", 2)]
FAKER_LOCALE = {"IN": "en_IN", "KE": "en_KE", "NG": "en_NG", "BR": "pt_BR", "US": "en_US", "DE": "de_DE",
                "FR": "fr_FR", "NL": "nl_NL", "ES": "es_ES"}
PH_FIRST = ["Maria Cristina", "Jose Miguel", "Angelica", "Mark Anthony", "Kristine", "Jerome", "Rowena", "Rodel",
            "Aileen", "Ramil", "Lovely", "Jhun", "Marivic", "Carlo"]
PH_LAST = ["Dela Cruz", "Santos", "Bautista", "Villanueva", "Mendoza", "Aquino", "Manalo", "Soriano", "Pascual",
           "Gatchalian", "Macaraeg", "Dimaculangan", "Reyes", "Ocampo"]
CITIES = {
    "IN": ["Pune", "Bengaluru", "Hyderabad", "Chennai", "Jaipur", "Kochi", "Indore"],
    "PH": ["Quezon City", "Cebu City", "Davao City", "Makati", "Iloilo City"],
    "KE": ["Nairobi", "Mombasa", "Kisumu", "Nakuru", "Eldoret"],
    "NG": ["Lagos", "Ibadan", "Abuja", "Enugu", "Port Harcourt"],
    "BR": ["São Paulo", "Belo Horizonte", "Recife", "Curitiba", "Porto Alegre"],
    "US": ["Austin", "Columbus", "Raleigh", "Tucson", "Madison"],
    "DE": ["Leipzig", "Köln"], "FR": ["Lyon"], "NL": ["Utrecht"], "ES": ["Valencia", "Málaga"],
}
MAIL_DOMAINS = {
    "IN": ["gmail.com", "yahoo.co.in", "rediffmail.com", "outlook.com"],
    "PH": ["gmail.com", "yahoo.com.ph"], "KE": ["gmail.com", "yahoo.com"], "NG": ["gmail.com", "yahoo.com"],
    "BR": ["gmail.com", "hotmail.com", "uol.com.br"], "US": ["gmail.com", "outlook.com", "icloud.com"],
    "DE": ["gmx.de", "web.de"], "FR": ["orange.fr"], "NL": ["ziggo.nl"], "ES": ["gmail.com", "hotmail.es"],
}
# (bank name, SWIFT/BIC, national bank code used in the IBAN or account)
BANKS = {
    "IN": [("HDFC Bank", "HDFCINBBXXX", "HDFC"), ("ICICI Bank", "ICICINBBXXX", "ICIC"), ("State Bank of India",
           "SBININBB", "SBIN"), ("Axis Bank", "AXISINBB", "UTIB")],
    "PH": [("BDO Unibank", "BNORPHMM", ""), ("Bank of the Philippine Islands", "BOPIPHMM", "")],
    "KE": [("Equity Bank Kenya", "EQBLKENA", ""), ("KCB Bank Kenya", "KCBLKENX", "")],
    "NG": [("Guaranty Trust Bank", "GTBINGLA", ""), ("Zenith Bank", "ZEIBNGLA", ""), ("Access Bank", "ABNGNGLA", "")],
    "BR": [("Banco do Brasil", "BRASBRRJ", "00000000"), ("Itaú Unibanco", "ITAUBRSP", "60701190")],
    "US": [("Chase", "CHASUS33", ""), ("Bank of America", "BOFAUS3N", ""), ("Wells Fargo", "WFBIUS6S", "")],
    "DE": [("Commerzbank", "COBADEFFXXX", "37040044"), ("Deutsche Bank", "DEUTDEDBLEG", "86070024")],
    "FR": [("BNP Paribas", "BNPAFRPPXXX", "30004")],
    "NL": [("ING Bank", "INGBNL2A", "INGB")],
    "ES": [("CaixaBank", "CAIXESBBXXX", "2100"), ("BBVA", "BBVAESMM", "0182")],
}
UPI_HANDLES = ["okhdfcbank", "oksbi", "okicici", "okaxis", "ybl", "paytm"]


@dataclass
class Contractor:
    cid: str
    legacy_cid: str | None
    first: str
    last: str
    country: str
    city: str
    email: str
    phone_e164: str
    phone_intl: str
    phone_local: str
    project: str
    dob: date
    start: date
    rate: float
    bank: str = ""
    bic: str = ""
    iban: str = ""
    account: str = ""  # non-US bank account (BANK_ACCOUNT)
    us_account: str = ""  # US_BANK_NUMBER
    routing: str = ""
    ifsc: str = ""
    upi: str = ""
    payee_email: str = ""  # PayPal / Payoneer / Wise
    payee_service: str = ""
    wallet: str = ""
    national_id: str = ""
    national_id_label: str = ""  # truth label of national_id
    national_id_name: str = ""  # how the document calls it
    aadhaar: str = ""
    passport: str = ""
    mpesa: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"

    @property
    def subject(self) -> str:
        """The truth's id of this person: their planted contractor ID."""
        return f"contractor:{self.cid}"

    def identifiers(self) -> dict[str, set[tuple[str, str]]]:
        """Every identifier on the record (by field), with the (label, value) spellings the truth may plant it as.

        The bank's codes (BIC, routing number, IFSC) are not the contractor's: every customer of the bank shares them.
        """
        fields = {
            "cid": {("CONTRACTOR_ID", self.cid)},
            "legacy_cid": {("CONTRACTOR_ID", self.legacy_cid or "")},
            "name": {("PERSON", self.name), ("PERSON", ascii_form(self.name))},
            "email": {("EMAIL_ADDRESS", self.email)},
            "phone": {("PHONE_NUMBER", self.phone_e164), ("PHONE_NUMBER", self.phone_intl),
                      ("PHONE_NUMBER", self.phone_local)},
            "iban": {("IBAN_CODE", self.iban), ("IBAN_CODE", ids.group(self.iban, 4))},
            "account": {("BANK_ACCOUNT", self.account)},
            "us_account": {("US_BANK_NUMBER", self.us_account)},
            "upi": {("UPI_ID", self.upi)},
            "payee_email": {("EMAIL_ADDRESS", self.payee_email)},
            "wallet": {("CRYPTO", self.wallet)},
            "national_id": {(self.national_id_label, self.national_id)},
            "aadhaar": {("IN_AADHAAR", self.aadhaar)},
            "passport": {("PASSPORT", self.passport)},
        }
        return {name: spellings for name, spellings in fields.items() if all(value for _, value in spellings)}

    @property
    def country_name(self) -> str:
        return COUNTRY_NAMES[self.country]

    @property
    def method(self) -> str:
        if self.wallet:
            return "Crypto (USDT/BTC)"
        if self.payee_service:
            return self.payee_service
        if self.upi:
            return "UPI"
        return "Bank transfer"

    @property
    def currency(self) -> str:
        return {"IN": "INR", "PH": "PHP", "KE": "KES", "NG": "NGN", "BR": "BRL", "US": "USD"}.get(self.country, "EUR")


@dataclass
class Staff:
    """A vendor staff member (``staff:<role>``) or a client lab's contact (``contact:<lab>``)."""

    subject: str
    name: str
    title: str
    email: str
    phone: str

    @property
    def first(self) -> str:
        return self.name.split()[0]

    def identifiers(self) -> dict[str, set[tuple[str, str]]]:
        return {"name": {("PERSON", self.name), ("PERSON", ascii_form(self.name))},
                "email": {("EMAIL_ADDRESS", self.email)}, "phone": {("PHONE_NUMBER", self.phone)}}


STAFF = {
    "finance": Staff("staff:finance", "Mara Velasquez", "Finance Operations Lead", "mara.velasquez@lumenframe.io",
                     "+1 (415) 555-0182"),
    "delivery": Staff("staff:delivery", "Tobias Reinholt", "Head of Delivery", "tobias.reinholt@lumenframe.io",
                      "+49 30 9055 1437"),
    "hr": Staff("staff:hr", "Anjali Raghunathan", "Contractor Success & HR", "anjali.r@lumenframe.io",
                "+91 80 4719 2260"),
    "eng": Staff("staff:eng", "Devon Okafor", "Platform Engineer", "devon.okafor@lumenframe.io", "+1 (312) 555-0119"),
    "quality": Staff("staff:quality", "Sinéad Gallagher", "Quality Lead", "sinead.gallagher@lumenframe.io",
                     "+353 1 526 9983"),
}
LAB_CONTACTS = {
    "Halcyon Labs": Staff("contact:halcyon-labs", "Imogen Hartley", "Post-training Data Lead",
                          "imogen.hartley@halcyonlabs.ai", "+1 (650) 555-0163"),
    "Corvid AI": Staff("contact:corvid-ai", "Rafael Quintero", "Human Data Program Manager", "rquintero@corvid.ai",
                       "+1 (206) 555-0128"),
}


def ascii_form(text: str) -> str:
    """The text without its accents (how Slack's ``real_name_normalized`` writes a name)."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _ascii_slug(text: str) -> str:
    norm = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return "".join(ch for ch in norm.replace(" ", ".") if ch.isalnum() or ch == ".").strip(".")


def _phone(rng: random.Random, country: str) -> phonenumbers.PhoneNumber:
    """A valid mobile number for the country (US: fictional 555-01xx exchange)."""
    prefixes = {
        "IN": ["98", "97", "96", "99", "88", "70", "91"], "PH": ["917", "918", "927", "939", "995"],
        "KE": ["712", "722", "733", "701", "798"], "NG": ["803", "806", "813", "816", "703", "809"],
        "BR": ["1191", "2198", "3199", "4199", "5198"], "DE": ["151", "160", "172", "176"],
        "FR": ["6", "7"], "NL": ["6"], "ES": ["6"],
    }
    lengths = {"IN": 10, "PH": 10, "KE": 9, "NG": 10, "BR": 11, "DE": 11, "FR": 9, "NL": 9, "ES": 9}
    while True:
        if country == "US":
            area = rng.choice(["512", "614", "919", "520", "608"])
            national = f"{area}55501{rng.randint(0, 99):02d}"
        else:
            p = rng.choice(prefixes[country])
            national = p + ids.digits(rng, lengths[country] - len(p), "0123456789")
        num = phonenumbers.parse(national, country)
        if phonenumbers.is_valid_number(num):
            return num


def _unique_name(fake: Faker, rng: random.Random, country: str, taken: set[str]) -> tuple[str, str]:
    """A cp1252-encodable name whose surname no earlier contractor has (``taken`` holds surnames)."""
    while True:
        if country == "PH":
            first, last = rng.choice(PH_FIRST), rng.choice(PH_LAST)
        else:
            first, last = fake.first_name(), fake.last_name()
        try:
            f"{first} {last}".encode("cp1252")
        except UnicodeEncodeError:
            continue
        similar = difflib.SequenceMatcher(None, first.lower(), last.lower()).ratio() > 0.5
        if last not in taken and len(first) > 2 and not similar:
            taken.add(last)
            return first, last


def build_contractors(seed: int = 20250304) -> list[Contractor]:
    rng = random.Random(seed)
    fakers: dict[str, Faker] = {}
    for i, (country, loc) in enumerate(sorted(FAKER_LOCALE.items())):
        fakers[country] = Faker(loc)
        fakers[country].seed_instance(seed + i)
    taken: set[str] = {s.name.split()[-1] for s in [*STAFF.values(), *LAB_CONTACTS.values()]}
    serials = sorted(rng.sample(range(1200, 9800), sum(n for _, n in PLAN)))
    rng.shuffle(serials)
    legacy_serials = rng.sample(range(100, 999), len(serials))
    out: list[Contractor] = []
    for country, count in PLAN:
        for _ in range(count):
            first, last = _unique_name(fakers.get(country, fakers["US"]), rng, country, taken)
            num = _phone(rng, country)
            slug = _ascii_slug(f"{first} {last}")
            user = rng.choice([slug, slug.replace(".", ""), slug.split(".")[0] + "." + slug.split(".")[-1]])
            user = user + (str(rng.randint(7, 99)) if rng.random() < 0.5 else "")
            start = date(2021, 6, 7) + timedelta(days=rng.randint(0, 1250))
            c = Contractor(
                cid=f"LMF-C-{serials[len(out)]:06d}",
                legacy_cid=None,
                first=first,
                last=last,
                country=country,
                city=rng.choice(CITIES[country]),
                email=f"{user}@{rng.choice(MAIL_DOMAINS[country])}",
                phone_e164=phonenumbers.format_number(num, PhoneNumberFormat.E164),
                phone_intl=phonenumbers.format_number(num, PhoneNumberFormat.INTERNATIONAL),
                phone_local=phonenumbers.format_number(num, PhoneNumberFormat.NATIONAL),
                project=rng.choice(CODENAMES),
                dob=date(1978, 1, 1) + timedelta(days=rng.randint(0, 9000)),
                start=start,
                rate=round(rng.choice([6.5, 8.0, 9.5, 12.0, 14.0, 18.0, 22.0, 28.0, 35.0]) + 0.0, 2),
            )
            if start < date(2024, 1, 1):  # onboarded before the 2024 HRIS migration: legacy ID too
                c.legacy_cid = f"LF-{start.year % 100:02d}-{legacy_serials[len(out)]:04d}"
            _add_payment(c, rng)
            _add_ids(c, rng)
            out.append(c)
    # three contractors asked to be paid in crypto
    for country, make in (("NG", ids.eth_address), ("KE", ids.btc_bech32), ("BR", ids.btc_p2pkh)):
        by_country(out, country)[-1].wallet = make(rng)
    return out


def _add_payment(c: Contractor, rng: random.Random) -> None:
    bank, bic, code = rng.choice(BANKS[c.country])
    c.bank = bank
    cc = c.country
    if cc in {"DE", "FR", "NL", "ES"}:
        c.iban, c.bic = ids.iban(rng, cc, code), bic
    elif cc == "US":
        c.us_account, c.routing = ids.digits(rng, rng.choice([10, 11, 12]), "123456789"), ids.aba_routing(rng)
    elif cc == "IN":
        c.account = "50100" + ids.digits(rng, 9, "0123456789") if code == "HDFC" else ids.digits(rng, 12)
        c.ifsc = code + "0" + ids.digits(rng, 6, "0123456789")
        c.upi = f"{_ascii_slug(c.first).split('.')[0]}.{_ascii_slug(c.last).split('.')[-1]}@{rng.choice(UPI_HANDLES)}"
        if rng.random() < 0.4:
            c.bic = bic
    elif cc == "BR":
        if rng.random() < 0.4:
            c.iban, c.bic = ids.iban(rng, "BR", code), bic
        else:
            c.account = f"{ids.digits(rng, 5)}-{rng.randint(0, 9)}"
            c.extra["agencia"] = ids.digits(rng, 4)
    elif cc == "PH":
        c.account = ids.digits(rng, 12, "0") if bank.startswith("BDO") else ids.digits(rng, 10)
        c.bic = bic
    elif cc == "KE":
        c.account = "0" + ids.digits(rng, 12, "12")
        c.bic = bic
        c.mpesa = c.phone_intl
    elif cc == "NG":
        c.account = ids.digits(rng, 10, "0")
        c.bic = bic
    roll = rng.random()
    if cc in {"PH", "NG", "BR", "KE"} and roll < 0.35:
        c.payee_service = rng.choice(["PayPal", "Payoneer", "Wise"])
        c.payee_email = c.email if rng.random() < 0.5 else f"pay.{c.email.split('@')[0]}@outlook.com"


def _add_ids(c: Contractor, rng: random.Random) -> None:
    cc = c.country
    if cc == "US":
        c.national_id, c.national_id_label, c.national_id_name = ids.us_ssn(rng), "US_SSN", "SSN"
    elif cc == "IN":
        c.national_id, c.national_id_label, c.national_id_name = ids.in_pan(rng, c.last), "IN_PAN", "PAN"
        c.aadhaar = ids.in_aadhaar(rng)
    elif cc == "PH":
        c.national_id, c.national_id_label, c.national_id_name = ids.ph_tin(rng), "PH_TIN", "TIN"
    elif cc == "NG":
        c.national_id, c.national_id_label, c.national_id_name = ids.ng_nin(rng), "NG_NIN", "NIN"
    elif cc == "BR":
        c.national_id, c.national_id_label, c.national_id_name = ids.br_cpf(rng), "BR_CPF", "CPF"
    elif cc == "KE":
        c.national_id, c.national_id_label, c.national_id_name = (
            ids.ke_national_id(rng), "KE_NATIONAL_ID", "National ID No.")
    if rng.random() < 0.6 or cc in {"DE", "FR", "NL", "ES"}:
        c.passport = ids.passport(rng, cc)


def by_country(contractors: list[Contractor], country: str) -> list[Contractor]:
    return [c for c in contractors if c.country == country]

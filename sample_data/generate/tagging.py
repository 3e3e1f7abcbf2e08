"""Helpers that write a person's values into text and plant them in the truth at the same time."""

from __future__ import annotations

import random

from sample_data.synth import ids
from sample_data.synth.people import SUPPORT_EMAIL, SUPPORT_PHONE, VENDOR, Contractor, Staff
from sample_data.synth.writers import Tags


def group_iban(value: str) -> str:
    return ids.group(value, 4)


def tag_person(t: Tags, c: Contractor | Staff) -> str:
    return t("PERSON", c.name, c)


def tag_staff_signature(t: Tags, s: Staff) -> str:
    return (f"{t('PERSON', s.name, s)}\n{s.title}, {VENDOR}\n{t('PHONE_NUMBER', s.phone, s)} | "
            f"{t('EMAIL_ADDRESS', s.email, s)}\nContractor support: {t.shared('EMAIL_ADDRESS', SUPPORT_EMAIL)} | "
            f"{t.shared('PHONE_NUMBER', SUPPORT_PHONE)}")


def payout_cells(t: Tags, c: Contractor, grouped: bool = False) -> dict[str, str]:
    """The payment columns of one payout row, tagged: the contractor's own accounts, and their bank's codes."""
    account = ""
    if c.account:
        account = t("BANK_ACCOUNT", c.account, c)
    elif c.us_account:
        account = t("US_BANK_NUMBER", c.us_account, c)
    payee = ""
    if c.upi:
        payee = t("UPI_ID", c.upi, c)
    elif c.payee_email:
        payee = t("EMAIL_ADDRESS", c.payee_email, c)
    return {
        "iban": t("IBAN_CODE", group_iban(c.iban) if grouped else c.iban, c) if c.iban else "",
        # a bank's SWIFT and routing codes are shared by all its customers: they belong to nobody
        "swift": t.shared("SWIFT_CODE", c.bic) if c.bic else "",
        "account": account,
        "routing": t.shared("ABA_ROUTING_NUMBER", c.routing) if c.routing else "",
        "ifsc": c.ifsc,
        "payee": payee,
        "wallet": t("CRYPTO", c.wallet, c) if c.wallet else "",
    }


def tag_national_id(t: Tags, c: Contractor) -> str:
    return t(c.national_id_label, c.national_id, c) if c.national_id else ""


def hours_amount(rng: random.Random, c: Contractor) -> tuple[float, float]:
    hours = round(rng.uniform(28, 168) * 2) / 2
    return hours, round(hours * c.rate, 2)

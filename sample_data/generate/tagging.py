"""Helpers that write a person's values into text and plant them in the truth at the same time."""

from __future__ import annotations

import random

from sample_data.synth import ids
from sample_data.synth.people import SUPPORT_EMAIL, SUPPORT_PHONE, VENDOR, Contractor, Staff
from sample_data.synth.writers import Tags


def group_iban(value: str) -> str:
    return ids.group(value, 4)


def tag_person(t: Tags, c: Contractor | Staff) -> str:
    return t("PERSON", c.name)


def tag_staff_signature(t: Tags, s: Staff) -> str:
    return (f"{t('PERSON', s.name)}\n{s.title}, {VENDOR}\n{t('PHONE_NUMBER', s.phone)} | "
            f"{t('EMAIL_ADDRESS', s.email)}\nContractor support: {t('EMAIL_ADDRESS', SUPPORT_EMAIL)} | "
            f"{t('PHONE_NUMBER', SUPPORT_PHONE)}")


def payout_cells(t: Tags, c: Contractor, grouped: bool = False) -> dict[str, str]:
    """The payment columns of one payout row, tagged."""
    account = ""
    if c.account:
        account = t("BANK_ACCOUNT", c.account)
    elif c.us_account:
        account = t("US_BANK_NUMBER", c.us_account)
    payee = ""
    if c.upi:
        payee = t("UPI_ID", c.upi)
    elif c.payee_email:
        payee = t("EMAIL_ADDRESS", c.payee_email)
    return {
        "iban": t("IBAN_CODE", group_iban(c.iban) if grouped else c.iban) if c.iban else "",
        "swift": t("SWIFT_CODE", c.bic) if c.bic else "",
        "account": account,
        "routing": t("ABA_ROUTING_NUMBER", c.routing) if c.routing else "",
        "ifsc": c.ifsc,
        "payee": payee,
        "wallet": t("CRYPTO", c.wallet) if c.wallet else "",
    }


def tag_national_id(t: Tags, c: Contractor) -> str:
    return t(c.national_id_label, c.national_id) if c.national_id else ""


def hours_amount(rng: random.Random, c: Contractor) -> tuple[float, float]:
    hours = round(rng.uniform(28, 168) * 2) / 2
    return hours, round(hours * c.rate, 2)

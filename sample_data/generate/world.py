"""The seeded world every folder draws from: the contractors, the staff, the company credentials."""

from __future__ import annotations

import random
from dataclasses import dataclass

from sample_data.synth import ids
from sample_data.synth.people import LAB_CONTACTS, STAFF, Contractor, Staff, build_contractors, by_country

SEED = 20250304


@dataclass
class World:
    contractors: list[Contractor]
    creds: dict[str, str]

    def of(self, country: str, index: int = 0) -> Contractor:
        return by_country(self.contractors, country)[index]

    def on(self, project: str) -> list[Contractor]:
        return [c for c in self.contractors if c.project == project]

    @property
    def people(self) -> list[Contractor | Staff]:
        """Every planted person: the contractors, the vendor's staff and the client labs' contacts."""
        return [*self.contractors, *STAFF.values(), *LAB_CONTACTS.values()]


def build_world() -> World:
    return World(build_contractors(SEED), make_creds())


def rng_for(name: str) -> random.Random:
    return random.Random(f"{SEED}/{name}")


def make_creds() -> dict[str, str]:
    rng = rng_for("credentials")
    db_pass, replica_pass = ids.password(rng), ids.password(rng, 16)
    return {
        "aws_key_id": ids.aws_access_key_id(rng),
        "aws_secret": ids.aws_secret(rng),
        "db_url": f"postgres://labelops:{db_pass}@db-prod.internal.lumenframe.io:5432/labelops",
        "replica_url": f"postgres://reporting_ro:{replica_pass}@db-replica.internal.lumenframe.io:5432/labelops",
        "smtp_password": ids.password(rng, 20),
        "stripe": ids.stripe_live_key(rng),
        "stripe_webhook": "whsec_" + ids.chars(rng, ids.ALNUM, 32),
        "slack": ids.slack_bot_token(rng),
        "github": ids.github_pat(rng),
        "github_ci": ids.github_pat(rng),
        "openai": ids.openai_project_key(rng),
        "anthropic": ids.anthropic_key(rng),
        "jwt_secret": ids.chars(rng, ids.ALNUM, 48),
        "jwt": ids.jwt_hs256(rng, {
            "iss": "https://auth.lumenframe.io", "sub": "svc-payout-notifier", "aud": "labelops-api",
            "scope": "payouts:read tasks:read", "iat": 1740787200, "exp": 1772323200,
        }),
        "rsa_pem": ids.rsa_private_key_pem(rng),
        "ssh_key": ids.openssh_private_key(rng),
    }


"""Slack-export/: users, channels and channel-days in the layout of a real Slack workspace export."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sample_data.generate.tagging import group_iban, tag_person
from sample_data.generate.world import World, rng_for
from sample_data.synth import ids
from sample_data.synth.people import STAFF, SUPPORT_EMAIL, SUPPORT_PHONE, Contractor, Staff, ascii_form
from sample_data.synth.writers import Blob, Share, Tags, json_text, text_blob

TEAM = "T04LMF0K2"


def slack_ts(day: str, hhmmss: str, micro: int) -> str:
    dt = datetime.fromisoformat(f"{day}T{hhmmss}+00:00")
    return f"{int(dt.timestamp())}.{micro:06d}"


@dataclass
class SlackUser:
    uid: str
    handle: str
    person: Contractor | Staff
    restricted: bool

    @property
    def name(self) -> str:
        return self.person.name


def slack_users(w: World) -> list[SlackUser]:
    users = [SlackUser(f"U05LMF{n:03d}", s.email.split("@")[0], s, False)
             for n, s in enumerate(STAFF.values(), start=101)]
    members = [w.of("IN", 0), w.of("IN", 5), w.of("IN", 2), w.of("PH", 1), w.of("PH", 5), w.of("PH", 6),
               w.of("KE", 0), w.of("KE", -1), w.of("NG", 2), w.of("NG", -1), w.of("BR", -1), w.of("US", 1),
               w.of("US", 5), w.of("DE", 1), w.of("ES", 1), w.of("FR", 0)]
    for n, c in enumerate(members, start=201):
        handle = c.email.split("@")[0]
        users.append(SlackUser(f"U06LMF{n:03d}", handle, c, True))
    return users


def users_json(users: list[SlackUser]) -> Blob:
    t = Tags()
    out: list[dict[str, object]] = []
    for u in users:
        p = u.person
        real = tag_person(t, p)
        normalized = ascii_form(real)
        if normalized != real:
            t("PERSON", normalized, p)
        phone = p.phone if isinstance(p, Staff) else p.phone_intl
        title = p.title if isinstance(p, Staff) else f"Contractor · {p.project}"
        out.append({
            "id": u.uid, "team_id": TEAM, "name": u.handle, "deleted": False, "color": "9f69e7",
            "real_name": real, "tz": "UTC", "tz_label": "Coordinated Universal Time", "tz_offset": 0,
            "profile": {
                "title": title, "phone": t("PHONE_NUMBER", phone, p), "skype": "", "real_name": real,
                "real_name_normalized": normalized, "display_name": "", "display_name_normalized": "",
                "fields": None, "status_text": "", "status_emoji": "", "avatar_hash": f"g{u.uid[-6:].lower()}a1b2",
                "email": t("EMAIL_ADDRESS", p.email, p),
                "image_72": f"https://secure.gravatar.com/avatar/{u.uid.lower()}.jpg?s=72", "team": TEAM,
            },
            "is_admin": not u.restricted, "is_owner": u.uid == "U05LMF102", "is_primary_owner": False,
            "is_restricted": u.restricted, "is_ultra_restricted": False, "is_bot": False, "is_app_user": False,
            "updated": 1740700800, "is_email_confirmed": True,
        })
    out.append({"id": "U05LMFBOT", "team_id": TEAM, "name": "labelops-bot", "deleted": False, "real_name":
                "LabelOps Bot", "profile": {"real_name": "LabelOps Bot", "bot_id": "B05LMFBOT", "team": TEAM},
                "is_bot": True, "updated": 1740700800})
    return text_blob(json_text(out, indent=4), t)


def channels_json(users: list[SlackUser]) -> Blob:
    everyone = [u.uid for u in users]
    staff = [u.uid for u in users if not u.restricted]
    spec = [("C04LMFGEN", "general", "Company-wide announcements", everyone),
            ("C05LMFPAY", "payments-help", "Payout questions. Never post bank details here — use the portal.",
             everyone),
            ("C05LMFENG", "eng-alerts", "Deploys, CI and on-call", staff),
            ("C05LMFBHN", "proj-blue-heron", "BLUE HERON annotators and QA", everyone)]
    out = [{"id": cid, "name": name, "created": 1650000000 + i * 86400 * 40, "creator": "U05LMF102",
            "is_archived": False, "is_general": name == "general", "members": members,
            "topic": {"value": "", "creator": "", "last_set": 0},
            "purpose": {"value": purpose, "creator": "U05LMF102", "last_set": 1650000000 + i * 86400 * 40}}
           for i, (cid, name, purpose, members) in enumerate(spec)]
    return text_blob(json_text(out, indent=4))


class SlackDay:
    """Messages of one channel-day; every message carries the poster's user_profile like real exports."""

    def __init__(self, day: str, by_uid: dict[str, SlackUser]) -> None:
        self.day, self.by_uid, self.t = day, by_uid, Tags()
        self.messages: list[dict[str, object]] = []
        self.rng = rng_for(f"slack/{day}")

    def post(self, user: SlackUser, hhmmss: str, text: str, **extra: object) -> str:
        ts = slack_ts(self.day, hhmmss, self.rng.randint(100, 999999))
        real = tag_person(self.t, user.person)
        msg: dict[str, object] = {
            "client_msg_id": ids.uuid4(self.rng), "type": "message", "text": text, "user": user.uid, "ts": ts,
            "team": TEAM, "user_team": TEAM, "source_team": TEAM,
            "user_profile": {"avatar_hash": f"g{user.uid[-6:].lower()}a1b2",
                             "image_72": f"https://secure.gravatar.com/avatar/{user.uid.lower()}.jpg?s=72",
                             "first_name": "", "real_name": real, "display_name": "", "team": TEAM,
                             "name": user.handle, "is_restricted": user.restricted, "is_ultra_restricted": False},
        }
        msg.update(extra)
        self.messages.append(msg)
        return ts

    def bot(self, hhmmss: str, text: str) -> None:
        self.messages.append({"type": "message", "subtype": "bot_message", "text": text, "username": "LabelOps Bot",
                              "bot_id": "B05LMFBOT", "ts": slack_ts(self.day, hhmmss, self.rng.randint(100, 999999))})

    def join(self, user: SlackUser, hhmmss: str) -> None:
        self.messages.append({"type": "message", "subtype": "channel_join", "user": user.uid,
                              "text": f"<@{user.uid}> has joined the channel",
                              "ts": slack_ts(self.day, hhmmss, self.rng.randint(100, 999999))})

    def blob(self) -> Blob:
        return text_blob(json_text(self.messages, indent=4), self.t)


def mailto(email: str) -> str:
    """Slack's markup of an address in a message."""
    return f"<mailto:{email}|{email}>"


def write_slack(share: Share, w: World) -> None:
    users = slack_users(w)
    by_uid = {u.uid: u for u in users}
    u = {("staff", key): users[i] for i, key in enumerate(STAFF)}
    cu = users[len(STAFF):]
    share.write("Slack-export/users.json", users_json(users))
    share.write("Slack-export/channels.json", channels_json(users))
    share.write("Slack-export/integration_logs.json", text_blob(json_text({"logs": [
        {"service_id": "B05LMFBOT", "service_type": "Bot", "user_id": "U05LMF104", "user_name": "devon.okafor",
         "date": "1740960000", "change_type": "added", "scope": "chat:write,files:read"}]}, indent=4)))
    delivery, quality, hr, finance, eng = (u[("staff", k)] for k in ("delivery", "quality", "hr", "finance", "eng"))
    creds = w.creds

    d = SlackDay("2025-03-03", by_uid)
    d.post(delivery, "08:02:11", "Reminder: March all-hands is Thursday 14:00 UTC, deck is in Drive/HR. Please check "
           "your payout details in the portal before the 25th.")
    c0 = cu[0]
    d.join(c0, "08:40:05")
    d.post(c0, "08:41:37", f"Hi everyone! I'm {c0.name}, contractor ID "
           f"{d.t('CONTRACTOR_ID', c0.person.cid, c0.person)}, "
           f"joining BLUE HERON this week from {c0.person.city}.")
    d.post(cu[4], "09:15:02", "Good evening from the Philippines! Is the BLUE HERON queue empty for anyone else?")
    d.post(quality, "09:21:48", "Queue refills at 16:00 UTC. Please read rubric v4.2 before starting — the honesty "
           "section changed.")
    share.write("Slack-export/general/2025-03-03.json", d.blob())

    d = SlackDay("2025-03-04", by_uid)
    ke = cu[6]
    d.post(ke, "06:55:40", "The annotation tool keeps logging me out since yesterday. If someone from support can call "
           f"me: {d.t('PHONE_NUMBER', ke.person.phone_local, ke.person)} (WhatsApp works too)")
    d.post(hr, "07:10:03", "Sorry about that! Please email "
           f"{mailto(d.t.shared('EMAIL_ADDRESS', SUPPORT_EMAIL))} or call "
           f"{d.t.shared('PHONE_NUMBER', SUPPORT_PHONE)} — and please don't post personal numbers in #general")
    us = next(x for x in cu if isinstance(x.person, Contractor) and x.person.country == "US" and x.person.legacy_cid)
    legacy = us.person.legacy_cid
    d.post(us, "13:30:12", "Quick one: my old ID from onboarding was "
           f"{d.t('CONTRACTOR_ID', legacy, us.person)}, do I need to "
           "re-register in the new portal?")
    d.post(hr, "13:42:55", f"No, it's linked to your new ID {d.t('CONTRACTOR_ID', us.person.cid, us.person)}. "
           "Same login.")
    d.post(cu[15], "15:01:09", f"Bonjour ! For the record my email changed to "
           f"{mailto(d.t('EMAIL_ADDRESS', cu[15].person.email, cu[15].person))}")
    share.write("Slack-export/general/2025-03-04.json", d.blob())

    d = SlackDay("2025-03-04", by_uid)
    de = cu[13].person
    d.post(cu[13], "07:48:21", f"Hi <@{finance.uid}>, I switched banks. New details: IBAN "
           f"{d.t('IBAN_CODE', group_iban(de.iban), de)}, BIC {d.t.shared('SWIFT_CODE', de.bic)}. Account holder "
           f"{d.t('PERSON', de.name, de)}.")
    inp = cu[0].person
    d.post(cu[0], "08:03:10", f"For March please use my UPI {d.t('UPI_ID', inp.upi, inp)} instead of the bank account "
           f"{d.t('BANK_ACCOUNT', inp.account, inp)} (IFSC {inp.ifsc})")
    d.post(finance, "08:30:44", "Thanks both — updated. Next time please use the payout portal, Slack is not a secure "
           "channel for bank details.")
    d.post(ke, "10:12:37", "KYC asked for my ID again: National ID No. "
           f"{d.t('KE_NATIONAL_ID', ke.person.national_id, ke.person)}"
           f", M-Pesa {d.t('PHONE_NUMBER', ke.person.phone_intl, ke.person)}")
    ng = cu[8].person
    d.post(cu[8], "11:20:00", f"My NIN is {d.t('NG_NIN', ng.national_id, ng)} and account "
           f"{d.t('BANK_ACCOUNT', ng.account, ng)}"
           f" at {ng.bank}, please confirm you received it")
    share.write("Slack-export/payments-help/2025-03-04.json", d.blob())

    d = SlackDay("2025-03-06", by_uid)
    ng_w, ke_w, br_w = cu[9].person, cu[7].person, cu[10].person
    d.post(cu[9], "09:02:15", f"Can February be paid in USDT (ERC-20)? Wallet: {d.t('CRYPTO', ng_w.wallet, ng_w)}")
    d.post(cu[7], "09:05:51", f"Same for me, BTC please: {d.t('CRYPTO', ke_w.wallet, ke_w)}")
    d.post(cu[10], "09:31:27", f"Meu endereço BTC / my BTC address: {d.t('CRYPTO', br_w.wallet, br_w)}")
    d.post(finance, "10:00:03", "We can't pay in crypto yet (compliance review pending). Reverting all three to bank "
           "transfer for February.")
    card = ids.credit_card(rng_for("slack-card"), "visa")  # the contractor's own card
    d.post(cu[12], "14:44:19", "I paid the annotation-tool seat myself, card "
           f"{d.t('CREDIT_CARD', ids.group(card), cu[12].person)} "
           "exp 09/27 — can that be reimbursed?")
    d.post(finance, "14:50:30", "Please never post card numbers here! Submit an expense claim instead. Exceptions list "
           "for February attached.", files=[{
               "id": "F06LMF7Q2", "created": 1741272630, "timestamp": 1741272630,
               "name": "payout_exceptions_2025-02.csv", "title": "payout_exceptions_2025-02.csv",
               "mimetype": "text/csv", "filetype": "csv", "pretty_type": "CSV", "user": finance.uid, "size": 1312,
               "mode": "hosted", "is_external": False, "is_public": False,
               "url_private": f"https://files.slack.com/files-pri/{TEAM}-F06LMF7Q2/payout_exceptions_2025-02.csv",
               "permalink": f"https://lumenframe.slack.com/files/{finance.uid}/F06LMF7Q2/"
                            "payout_exceptions_2025-02.csv"}])
    share.write("Slack-export/payments-help/2025-03-06.json", d.blob())

    d = SlackDay("2025-03-05", by_uid)
    d.bot("07:00:02", "Deploy labelops-api v2.14.3 (9f3c2e1) to production: succeeded in 4m12s")
    d.post(eng, "07:31:45", "CI is red because the deploy token expired, I rotated it:\n```export GITHUB_TOKEN="
           f"{d.t.shared('GITHUB_TOKEN', creds['github_ci'])}```")
    d.post(eng, "07:33:10", f"also the payout notifier bot token is now `{d.t.shared('SLACK_TOKEN', creds['slack'])}` "
           "(updated in settings.yaml)")
    d.post(delivery, "07:40:58", "Please don't paste secrets in Slack, rotate both again after the release 😬")
    d.post(eng, "11:02:27", "debugging the 401s: ```curl -H 'Authorization: Bearer "
           f"{d.t.shared('JWT', creds['jwt'])}' https://api.lumenframe.io/v1/payouts?status=held```")
    d.bot("11:30:00", "Alert resolved: payout-notifier 5xx rate < 1% (build 2025.03.05.1130)")
    share.write("Slack-export/eng-alerts/2025-03-05.json", d.blob())

    d = SlackDay("2025-03-03", by_uid)
    d.post(quality, "10:05:00", "Rubric v4.2 is live. Key change: fabricated citations cap Honesty at 2.")
    d.post(cu[1], "10:17:31", f"{d.t('CONTRACTOR_ID', cu[1].person.cid, cu[1].person)} here — is 'About the same' "
           "still limited "
           "to 15%?")
    d.post(quality, "10:20:12", "Yes. Also Halcyon Labs asked for more detail in harmlessness rationales.")
    parent = d.post(cu[5], "11:48:09", "Gold task BH-GOLD-0412 looks wrong to me, the expected preference "
                    "contradicts 4.3")
    d.post(quality, "12:02:40", "Good catch, pulled it. Thanks!", thread_ts=parent, parent_user_id=cu[5].uid)
    share.write("Slack-export/proj-blue-heron/2025-03-03.json", d.blob())

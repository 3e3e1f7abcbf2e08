"""Checksum-valid (or deliberately invalid) identifiers, tokens and keys.

Every function takes a seeded ``random.Random`` so the share is reproducible.
Validation comes from python-stdnum wherever it has a module for the scheme.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import random
import string
import zlib

from stdnum import iban as std_iban
from stdnum import luhn, verhoeff
from stdnum.br import cpf as std_cpf
from stdnum.es import ccc as std_ccc
from stdnum.in_ import aadhaar as std_aadhaar
from stdnum.in_ import pan as std_pan
from stdnum.us import rtn as std_rtn
from stdnum.us import ssn as std_ssn

DIGITS = string.digits
UPPER = string.ascii_uppercase
ALNUM = string.ascii_letters + string.digits
B62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
URLSAFE = ALNUM + "-_"


def digits(rng: random.Random, n: int, first: str = "123456789") -> str:
    """n random digits, the first one drawn from ``first``."""
    return rng.choice(first) + "".join(rng.choice(DIGITS) for _ in range(n - 1))


def chars(rng: random.Random, alphabet: str, n: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def group(s: str, size: int = 4, sep: str = " ") -> str:
    return sep.join(s[i : i + size] for i in range(0, len(s), size))


# --------------------------------------------------------------------------- banking


def iban_from_bban(country: str, bban: str) -> str:
    check = std_iban.calc_check_digits(country + "00" + bban)
    value = country + check + bban
    std_iban.validate(value)
    return value


def iban(rng: random.Random, country: str, bank_code: str) -> str:
    """A checksum-valid IBAN for DE, FR, NL, ES or BR with the given bank code."""
    if country in {"DE", "NL"}:  # DE: 8-digit BLZ, NL: 4-letter bank code; then a 10-digit account
        bban = bank_code + digits(rng, 10, "0123456789")
    elif country == "FR":  # bank 5 + branch 5 + account 11 + RIB key 2
        bank, branch, account = bank_code, digits(rng, 5, "0123456789"), digits(rng, 11, "0123456789")
        key = 97 - (89 * int(bank) + 15 * int(branch) + 3 * int(account)) % 97
        bban = f"{bank}{branch}{account}{key:02d}"
    elif country == "ES":  # entity 4 + office 4 + DC 2 + account 10
        entity_office = bank_code + digits(rng, 4, "0123456789")
        account = digits(rng, 10, "0123456789")
        bban = std_ccc.calc_check_digits(entity_office + "00" + account)
        bban = entity_office + bban + account
    elif country == "BR":  # bank 8 + branch 5 + account 10 + type 1 + owner 1
        bban = bank_code + digits(rng, 5, "0123456789") + digits(rng, 10, "0123456789") + "C1"
    else:
        raise ValueError(country)
    return iban_from_bban(country, bban)


def broken_iban(rng: random.Random) -> str:
    """A German-looking IBAN whose mod-97 checksum is wrong (hard negative)."""
    good = iban(rng, "DE", "50010517")
    bad_check = (int(good[2:4]) + 11) % 97 or 13
    value = f"DE{bad_check:02d}{good[4:]}"
    assert not std_iban.is_valid(value)
    return value


def aba_routing(rng: random.Random) -> str:
    prefix = rng.choice(["011", "021", "026", "031", "044", "053", "061", "071", "081", "091", "121", "122"])
    body = prefix + digits(rng, 5, "0123456789")
    value = body + std_rtn.calc_check_digit(body)
    std_rtn.validate(value)
    return value


def luhn_number(rng: random.Random, prefix: str, length: int) -> str:
    body = prefix + digits(rng, length - len(prefix) - 1, "0123456789")
    value = body + luhn.calc_check_digit(body)
    assert luhn.is_valid(value)
    return value


FAMOUS_TEST_CARDS = {
    "4111111111111111", "4242424242424242", "5555555555554444", "5105105105105100",
    "378282246310005", "371449635398431", "4012888888881881", "6011111111111117",
}


def credit_card(rng: random.Random, brand: str) -> str:
    while True:
        if brand == "visa":
            value = luhn_number(rng, "4" + rng.choice("0123456789") + digits(rng, 4, "0123456789"), 16)
        elif brand == "mastercard":
            value = luhn_number(rng, rng.choice(["51", "52", "53", "54", "55"]), 16)
        elif brand == "amex":
            value = luhn_number(rng, rng.choice(["34", "37"]), 15)
        else:
            raise ValueError(brand)
        if value not in FAMOUS_TEST_CARDS:
            return value


def non_luhn(rng: random.Random, length: int, prefix: str = "") -> str:
    """A digit string of the given length that fails the Luhn check (hard negative)."""
    value = luhn_number(rng, prefix + rng.choice("123456789"), length)
    bad = value[:-1] + str((int(value[-1]) + 3) % 10)
    assert not luhn.is_valid(bad)
    return bad


def non_luhn_16(rng: random.Random) -> str:
    return non_luhn(rng, 16, "4")


# --------------------------------------------------------------------------- national ids


def us_ssn(rng: random.Random) -> str:
    while True:
        area = rng.randint(1, 899)
        if area == 666:
            continue
        value = f"{area:03d}-{rng.randint(1, 99):02d}-{rng.randint(1, 9999):04d}"
        if std_ssn.is_valid(value) and value != "078-05-1120":
            return value


def in_pan(rng: random.Random, surname: str) -> str:
    initial = surname.strip()[0].upper()
    if initial not in UPPER:
        initial = "K"
    value = chars(rng, UPPER, 3) + "P" + initial + digits(rng, 4) + rng.choice(UPPER)
    std_pan.validate(value)
    return value


def in_aadhaar(rng: random.Random) -> str:
    while True:
        body = digits(rng, 11, "23456789")
        value = body + verhoeff.calc_check_digit(body)
        if std_aadhaar.is_valid(value):
            return f"{value[:4]} {value[4:8]} {value[8:]}"


def ph_tin(rng: random.Random) -> str:
    """BIR TIN: 8 digits + weighted mod-11 check digit + 3-digit branch code."""
    weights = [9, 8, 7, 6, 5, 4, 3, 2]
    while True:
        body = digits(rng, 8, "123456789")
        check = sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11
        if check < 10:
            value = body + str(check)
            return f"{value[:3]}-{value[3:6]}-{value[6:9]}-000"


def ng_nin(rng: random.Random) -> str:
    body = digits(rng, 10, "123456789")
    return body + verhoeff.calc_check_digit(body)


def br_cpf(rng: random.Random) -> str:
    while True:
        body = digits(rng, 9, "0123456789")
        if len(set(body)) == 1:
            continue
        d1 = (sum((10 - i) * int(n) for i, n in enumerate(body)) * 10) % 11 % 10
        d2 = (sum((11 - i) * int(n) for i, n in enumerate(body + str(d1))) * 10) % 11 % 10
        value = f"{body}{d1}{d2}"
        std_cpf.validate(value)
        return std_cpf.format(value)


def ke_national_id(rng: random.Random) -> str:
    return digits(rng, 8, "23")


def passport(rng: random.Random, country: str) -> str:
    if country == "IN":
        return rng.choice("JKLMNPRSTUVWZ") + digits(rng, 2, "123456789") + digits(rng, 4, "0123456789") + str(
            rng.randint(1, 9)
        )
    if country == "US":
        return digits(rng, 9, "56")
    if country == "PH":
        return "P" + digits(rng, 7, "0123456789") + rng.choice("ABC")
    if country == "KE":
        return "AK" + digits(rng, 7, "0")
    if country == "NG":
        return "A" + digits(rng, 8, "0123456789")
    if country == "BR":
        return rng.choice(["FZ", "GA", "YB"]) + digits(rng, 6, "0123456789")
    if country == "DE":
        return rng.choice("CFGHJK") + chars(rng, "CFGHJKLMNPRTVWXYZ0123456789", 7) + rng.choice(DIGITS)
    if country in {"FR", "NL", "ES"}:
        return {"FR": digits(rng, 2) + chars(rng, UPPER, 2) + digits(rng, 5, DIGITS),
                "NL": chars(rng, "NBPRSX", 2) + chars(rng, "CFGHJKLMNPRTVWXYZ0123456789", 6) + rng.choice(DIGITS),
                "ES": chars(rng, UPPER, 3) + digits(rng, 6, DIGITS)}[country]
    raise ValueError(country)


# --------------------------------------------------------------------------- crypto

B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def base58check(payload: bytes) -> str:
    data = payload + hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4]
    n = int.from_bytes(data, "big")
    out = ""
    while n:
        n, r = divmod(n, 58)
        out = B58[r] + out
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + out


def btc_p2pkh(rng: random.Random) -> str:
    return base58check(b"\x00" + rng.randbytes(20))


BECH32_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


def _bech32_polymod(values: list[int]) -> int:
    gen = [0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3]
    chk = 1
    for v in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i in range(5):
            chk ^= gen[i] if ((top >> i) & 1) else 0
    return chk


def _convertbits(data: bytes, frombits: int, tobits: int) -> list[int]:
    acc, bits, ret, maxv = 0, 0, [], (1 << tobits) - 1
    for value in data:
        acc = (acc << frombits) | value
        bits += frombits
        while bits >= tobits:
            bits -= tobits
            ret.append((acc >> bits) & maxv)
    if bits:
        ret.append((acc << (tobits - bits)) & maxv)
    return ret


def btc_bech32(rng: random.Random) -> str:
    """A P2WPKH (witness v0, bech32) mainnet address."""
    hrp = "bc"
    data = [0, *_convertbits(rng.randbytes(20), 8, 5)]
    hrp_exp = [ord(x) >> 5 for x in hrp] + [0] + [ord(x) & 31 for x in hrp]
    polymod = _bech32_polymod([*hrp_exp, *data, 0, 0, 0, 0, 0, 0]) ^ 1
    checksum = [(polymod >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(BECH32_CHARSET[d] for d in data + checksum)


_KECCAK_RC = [
    0x0000000000000001, 0x0000000000008082, 0x800000000000808A, 0x8000000080008000,
    0x000000000000808B, 0x0000000080000001, 0x8000000080008081, 0x8000000000008009,
    0x000000000000008A, 0x0000000000000088, 0x0000000080008009, 0x000000008000000A,
    0x000000008000808B, 0x800000000000008B, 0x8000000000008089, 0x8000000000008003,
    0x8000000000008002, 0x8000000000000080, 0x000000000000800A, 0x800000008000000A,
    0x8000000080008081, 0x8000000000008080, 0x0000000080000001, 0x8000000080008008,
]
_KECCAK_ROT = [[0, 36, 3, 41, 18], [1, 44, 10, 45, 2], [62, 6, 43, 15, 61], [28, 55, 25, 21, 56], [27, 20, 39, 8, 14]]
_M64 = (1 << 64) - 1


def _rol(x: int, n: int) -> int:
    return ((x << n) | (x >> (64 - n))) & _M64 if n else x


def keccak256(data: bytes) -> bytes:
    """Original Keccak-256 (Ethereum's hash, not FIPS SHA3-256)."""
    rate = 136
    msg = bytearray(data) + b"\x01"
    msg += b"\0" * (-len(msg) % rate)
    msg[-1] |= 0x80
    a = [[0] * 5 for _ in range(5)]
    for off in range(0, len(msg), rate):
        for i in range(rate // 8):
            a[i % 5][i // 5] ^= int.from_bytes(msg[off + 8 * i : off + 8 * i + 8], "little")
        for rc in _KECCAK_RC:
            c = [a[x][0] ^ a[x][1] ^ a[x][2] ^ a[x][3] ^ a[x][4] for x in range(5)]
            d = [c[(x - 1) % 5] ^ _rol(c[(x + 1) % 5], 1) for x in range(5)]
            b = [[0] * 5 for _ in range(5)]
            for x in range(5):
                for y in range(5):
                    b[y][(2 * x + 3 * y) % 5] = _rol(a[x][y] ^ d[x], _KECCAK_ROT[x][y])
            for x in range(5):
                for y in range(5):
                    a[x][y] = b[x][y] ^ (~b[(x + 1) % 5][y] & b[(x + 2) % 5][y])
            a[0][0] ^= rc
    out = b"".join(a[i % 5][i // 5].to_bytes(8, "little") for i in range(4))
    return out


def eth_checksum(address_hex: str) -> str:
    """EIP-55 mixed-case checksum encoding of a 40-hex-digit address."""
    lower = address_hex.lower().removeprefix("0x")
    h = keccak256(lower.encode()).hex()
    return "0x" + "".join(ch.upper() if int(h[i], 16) >= 8 else ch for i, ch in enumerate(lower))


def eth_address(rng: random.Random) -> str:
    return eth_checksum(rng.randbytes(20).hex())


# --------------------------------------------------------------------------- credentials


def aws_access_key_id(rng: random.Random) -> str:
    return "AKIA" + chars(rng, UPPER + "234567", 16)


def aws_secret(rng: random.Random) -> str:
    return chars(rng, ALNUM + "/+", 40)


def github_pat(rng: random.Random) -> str:
    """ghp_ + 30 random base62 chars + 6-char base62 CRC32 checksum."""
    body = chars(rng, B62, 30)
    crc = zlib.crc32(body.encode())
    enc = ""
    while crc:
        crc, r = divmod(crc, 62)
        enc = B62[r] + enc
    return "ghp_" + body + enc.rjust(6, "0")


def slack_bot_token(rng: random.Random) -> str:
    return f"xoxb-{digits(rng, 12)}-{digits(rng, 13)}-{chars(rng, ALNUM, 24)}"


def stripe_live_key(rng: random.Random) -> str:
    return "sk_live_51" + chars(rng, ALNUM, 97)


def openai_project_key(rng: random.Random) -> str:
    return "sk-proj-" + chars(rng, URLSAFE, 58) + "T3BlbkFJ" + chars(rng, URLSAFE, 58)


def anthropic_key(rng: random.Random) -> str:
    return "sk-ant-api03-" + chars(rng, URLSAFE, 93) + "AA"


def password(rng: random.Random, n: int = 18) -> str:
    return chars(rng, ALNUM, n - 2) + rng.choice("!*-_") + rng.choice(DIGITS)  # URL-userinfo safe


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jwt_hs256(rng: random.Random, claims: dict[str, object]) -> str:
    header = _b64url(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
    payload = _b64url(json.dumps(claims, separators=(",", ":")).encode())
    key = rng.randbytes(32)
    sig = hmac.new(key, f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{_b64url(sig)}"


def rsa_private_key_pem(rng: random.Random) -> str:
    """A PKCS#1 'RSA PRIVATE KEY' block with a realistic DER prefix (not a usable key)."""
    prefix = bytes.fromhex("308204a40201000282010100") + b"\x00"
    der = prefix + rng.randbytes(1192 - len(prefix))
    body = base64.b64encode(der).decode()
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    return "-----BEGIN RSA PRIVATE KEY-----\n" + "\n".join(lines) + "\n-----END RSA PRIVATE KEY-----\n"


def openssh_private_key(rng: random.Random) -> str:
    """An OpenSSH ed25519-looking private key block (not a usable key)."""
    magic = b"openssh-key-v1\x00\x00\x00\x00\x04none\x00\x00\x00\x04none\x00\x00\x00\x00\x00\x00\x00\x01"
    blob = magic + b"\x00\x00\x00\x33\x00\x00\x00\x0bssh-ed25519\x00\x00\x00\x20" + rng.randbytes(32)
    blob += b"\x00\x00\x00\x90" + rng.randbytes(144)
    body = base64.b64encode(blob).decode()
    lines = [body[i : i + 70] for i in range(0, len(body), 70)]
    return "-----BEGIN OPENSSH PRIVATE KEY-----\n" + "\n".join(lines) + "\n-----END OPENSSH PRIVATE KEY-----\n"


# --------------------------------------------------------------------------- hard-negative helpers


def uuid4(rng: random.Random) -> str:
    h = rng.randbytes(16).hex()
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{rng.choice('89ab')}{h[17:20]}-{h[20:32]}"


def git_sha(rng: random.Random) -> str:
    return rng.randbytes(20).hex()


def sha256_hex(rng: random.Random) -> str:
    return rng.randbytes(32).hex()

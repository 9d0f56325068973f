#!/usr/bin/env python3
"""Throughput of the Python peers on the inputs of Benchmarks/ (development baselines only).

  pip install phonenumbers==9.0.43 facebook-business
  python3 Scripts/python-baselines.py

Prints operations per second, best of five one-second runs, for:
  - libphonenumber (Python port): parse + format E.164 + SHA-256 of the 16 phone inputs of
    PhoneBenchmarks;
  - Meta's Python SDK: Normalize.normalize_field + SHA-256 for em, and for a user_data with
    only em and ph (UserData.normalize), as in issue 4's comparison.
"""
import hashlib
import time

import phonenumbers
from facebook_business.adobjects.serverside.normalize import Normalize
from facebook_business.adobjects.serverside.user_data import UserData

PHONES = [
    ("+1 (650) 555-1212", None), ("(650) 555-1212", "US"), ("020 7946 0958", "GB"),
    ("+44 (0)20 7946 0958", None), ("0044 20 7946 0958", None), ("030 901820", "DE"),
    ("+33 1 42 68 53 00", None), ("06 12 34 56 78", "FR"), ("+91 98765 43210", None),
    ("(11) 91234-5678", "BR"), ("0412 345 678", "AU"), ("03-5843-2301", "JP"),
    ("+39 06 6982 1234", None), ("011 15-2345-6789", "AR"), ("8 (912) 345-67-89", "RU"),
    ("+1-201-555-0123 ext. 42", None),
]


def best_rate(body, per_call):
    best = 0.0
    for _ in range(5):
        calls = 0
        start = time.perf_counter()
        while time.perf_counter() - start < 1.0:
            body()
            calls += 1
        best = max(best, calls * per_call / (time.perf_counter() - start))
    return best


def phones():
    for text, region in PHONES:
        try:
            number = phonenumbers.parse(text, region)
        except phonenumbers.NumberParseException:
            continue  # "0044 …" without a region: refused, as RoasProof refuses it
        e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        hashlib.sha256(e164[1:].encode()).hexdigest()


def emails():
    for _ in range(16):
        Normalize.normalize_field("em", "Jane.Doe@Example.com")


def user_data():
    for _ in range(16):
        UserData(email="Jane.Doe@Example.com", phone="+1 (650) 555-1212").normalize()


if __name__ == "__main__":
    print(f"libphonenumber parse+format E.164+SHA-256: {best_rate(phones, len(PHONES)) / 1e6:.3f} M/s")
    print(f"facebook-business em normalize+hash:       {best_rate(emails, 16) / 1e6:.3f} M/s")
    print(f"facebook-business user_data (em, ph):      {best_rate(user_data, 16) / 1e6:.3f} M/s")

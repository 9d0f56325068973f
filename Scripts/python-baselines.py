#!/usr/bin/env python3
"""Throughput of the Python peers on the inputs of Benchmarks/ (development baselines only).

  pip install phonenumbers==9.0.43 facebook-business
  python3 Scripts/python-baselines.py                      # the fixed inputs
  swift run --package-path Benchmarks -c release benchmark-data > /tmp/customers.jsonl
  python3 Scripts/python-baselines.py /tmp/customers.jsonl # the varied customers as well

Prints ns/op and operations per second, best of five one-second runs, for:
  - libphonenumber (Python port): parse + format E.164 + SHA-256;
  - Meta's Python SDK: Normalize.normalize_field + SHA-256 for em, and a complete
    UserData(...).normalize();
first over the fixed inputs of PhoneBenchmarks and MatchingBenchmarks, then, when a JSON Lines
file written by `benchmark-data` is given, over exactly the customers the "varied" benchmarks
use. For those it also reports how many generated phone numbers libphonenumber finds valid
and on how many RoasProof's E.164 (written by `benchmark-data`) agrees with libphonenumber's.
"""
import hashlib
import json
import sys
import time

import phonenumbers
from facebook_business.adobjects.serverside.gender import Gender
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
    """Operations per second, best of five runs of about a second each."""
    best = 0.0
    for _ in range(5):
        calls = 0
        start = time.perf_counter()
        while time.perf_counter() - start < 1.0:
            body()
            calls += 1
        best = max(best, calls * per_call / (time.perf_counter() - start))
    return best


def report(label, rate):
    print(f"{label:<58} {1e9 / rate:>9,.0f} ns/op  {rate / 1e6:.3f} M/s")


def phone_e164(text, region):
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None  # "0044 …" without a region: refused, as RoasProof refuses it
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def hash_phones(phones):
    def body():
        for text, region in phones:
            e164 = phone_e164(text, region)
            if e164 is not None:
                hashlib.sha256(e164[1:].encode()).hexdigest()
    return body


def hash_emails(emails):
    def body():
        for email in emails:
            Normalize.normalize_field("em", email)
    return body


def normalize_user_data(arguments):
    def body():
        for kwargs in arguments:
            UserData(**kwargs).normalize()
    return body


def fixed():
    print("Fixed inputs:")
    report("libphonenumber parse+format E.164+SHA-256 (16 inputs)", best_rate(hash_phones(PHONES), len(PHONES)))
    report("facebook-business em normalize+hash", best_rate(hash_emails(["Jane.Doe@Example.com"] * 16), 16))
    em_ph = [dict(email="Jane.Doe@Example.com", phone="+1 (650) 555-1212")] * 16
    report("facebook-business user_data (em, ph)", best_rate(normalize_user_data(em_ph), 16))


MALE = {"m", "male", "man", "mr", "masculino"}


FIELDS = [("email", "em"), ("phone", "ph"), ("first_name", "fn"), ("last_name", "ln"), ("city", "ct"),
          ("state", "st"), ("zip_code", "zp"), ("country_code", "country"), ("date_of_birth", "db"),
          ("f5first", "f5first"), ("f5last", "f5last"), ("fi", "fi"), ("dobd", "dobd"), ("dobm", "dobm"),
          ("doby", "doby")]


def sdk_arguments(customer):
    """The customer as UserData arguments, without the values the SDK refuses.

    The SDK derives nothing, so f5first, f5last, fi, dobd, dobm and doby are cut here (from
    the lowercased name and from RoasProof's normalized date, as `benchmark-data` wrote it);
    values it raises on (a country written as a name, a date it cannot read) are left out,
    so that what is timed is normalizing and hashing, not raising. Returns the arguments and
    how many values were left out.
    """
    first, last = customer["first_name"].strip().lower(), customer["last_name"].strip().lower()
    gender = customer["gender"].strip().lower().rstrip(".")
    arguments = dict(
        email=customer["email"], phone=customer["phone"], first_name=customer["first_name"],
        last_name=customer["last_name"], city=customer["city"], state=customer.get("state"),
        country_code=customer["country"], zip_code=customer["zip_code"], date_of_birth=customer["date_of_birth"],
        external_id=customer["external_id"], client_ip_address=customer["ip_address"],
        client_user_agent=customer["user_agent"], fbc=customer["fbc"], fbp=customer["fbp"],
        gender=Gender.MALE if gender in MALE else Gender.FEMALE, f5first=first[:5], fi=first[:1], f5last=last[:5])
    dob = customer.get("roasproof_date_of_birth")
    if dob:
        arguments.update(doby=dob[:4], dobm=dob[4:6], dobd=dob[6:])
    left_out = 0
    for argument, field in FIELDS:
        value = arguments.get(argument)
        if value is None:
            continue
        try:
            Normalize.normalize_field(field, value)
        except Exception:
            del arguments[argument]
            left_out += 1
    return arguments, left_out


def varied(path):
    customers = [json.loads(line) for line in open(path, encoding="utf-8")]
    print(f"\nVaried inputs: {len(customers)} customers from {path}")

    phones = [(c["phone"], c["phone_region"]) for c in customers]
    valid = agree = parsed = 0
    by_form = {}
    for customer, (text, region) in zip(customers, phones):
        form = by_form.setdefault(customer["phone_form"], [0, 0])
        form[0] += 1
        try:
            number = phonenumbers.parse(text, region)
        except phonenumbers.NumberParseException:
            continue
        parsed += 1
        if phonenumbers.is_valid_number(number):
            valid += 1
            form[1] += 1
            e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
            if customer.get("roasproof_phone_e164") == e164[1:]:
                agree += 1
    print(f"phones valid for libphonenumber: {valid} of {len(phones)} ({100 * valid / len(phones):.1f} %); "
          f"{len({r for _, r in phones})} regions; parsed {parsed}")
    for form, (count, ok) in sorted(by_form.items()):
        print(f"  {form:<24} {ok:>5} of {count:>5} valid")
    if any("roasproof_phone_e164" in c for c in customers):
        print(f"RoasProof's E.164 equals libphonenumber's on {agree} of {valid} valid numbers")

    report("libphonenumber parse+format E.164+SHA-256 (phone)", best_rate(hash_phones(phones), len(phones)))
    emails = [c["email"] for c in customers]
    report("facebook-business em normalize+hash (email)", best_rate(hash_emails(emails), len(emails)))
    arguments = []
    dropped = 0
    for customer in customers:
        kwargs, left_out = sdk_arguments(customer)
        arguments.append(kwargs)
        dropped += left_out
    print(f"(user_data: {dropped} values the SDK raises on left out over {len(customers)} customers)")
    report("facebook-business complete user_data normalize (user_data)", best_rate(normalize_user_data(arguments), len(arguments)))


if __name__ == "__main__":
    fixed()
    if len(sys.argv) > 1:
        varied(sys.argv[1])

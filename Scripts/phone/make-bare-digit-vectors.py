#!/usr/bin/env python3
"""Writes test vectors for phone numbers stored as bare international digits, with the answers
of libphonenumber's Python port (`phonenumbers`) under RoasProof's rule for them.

    pip install phonenumbers==9.0.43
    python3 Scripts/phone/make-bare-digit-vectors.py --count 600 --seed 7 \
        > Tests/IdentityTests/Vectors/phones-bare-digits.jsonl

Meta prints normalized phones as E.164 digits without `+` (16505551212) and many CRMs export
them so. For random valid numbers of every region libphonenumber supports, each written as
its bare E.164 digits, the file has one line:

  no-region        the bare digits and no region
  own-region       the bare digits with the number's own region
  other-region     the bare digits with a random other region
  idd-no-region    00 or 011, then the bare digits, and no region

The expected answer follows the rule (docs/Phone.md): with a region, libphonenumber's
national reading when it is a valid number; otherwise the digits read with a `+` in front
when that is valid (after a leading 00 or 011 when there is no region); otherwise
libphonenumber's answer as written (null when it cannot parse the input).

Each line: {"input", "region", "e164", "kind", "source"}.
"""
import argparse
import json
import random

import phonenumbers
from phonenumbers import NumberParseException
from phonenumbers import PhoneNumberFormat as PNF
from phonenumbers import PhoneNumberType as PNT
from phonenumbers.phonenumberutil import SUPPORTED_REGIONS

TYPES = [PNT.FIXED_LINE, PNT.MOBILE, PNT.TOLL_FREE]


def parse_valid(text, region):
    try:
        number = phonenumbers.parse(text, region)
    except NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def expected(text, region):
    """The rule, with libphonenumber answering each reading."""
    if region is not None:
        national = parse_valid(text, region)
        if national is not None:
            return phonenumbers.format_number(national, PNF.E164)
    digits = text
    if region is None:
        if digits.startswith("011"):
            digits = digits[3:]
        elif digits.startswith("00"):
            digits = digits[2:]
    international = parse_valid("+" + digits, None)
    if international is not None:
        return phonenumbers.format_number(international, PNF.E164)
    try:
        return phonenumbers.format_number(phonenumbers.parse(text, region), PNF.E164)
    except NumberParseException:
        return None


def random_valid(rng, region):
    """A random valid number of `region`, of a random type that has an example."""
    for _ in range(20):
        example = phonenumbers.example_number_for_type(region, rng.choice(TYPES))
        if example is None:
            continue
        nsn = phonenumbers.national_significant_number(example)
        for _ in range(40):
            k = min(rng.randint(1, 3), len(nsn) - 1)
            candidate = nsn[:k] + "".join(rng.choice("0123456789") for _ in nsn[k:])
            number = parse_valid("+%d%s" % (example.country_code, candidate), None)
            if number is not None:
                return number
    return None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=600)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    regions = sorted(SUPPORTED_REGIONS)
    source = "phonenumbers " + phonenumbers.__version__
    written = 0
    while written < args.count:
        region = rng.choice(regions)
        number = random_valid(rng, region)
        if number is None:
            continue
        own = phonenumbers.region_code_for_number(number)
        bare = phonenumbers.format_number(number, PNF.E164)[1:]
        other = rng.choice([r for r in regions if r != own])
        idd = rng.choice(["00", "011"])
        for kind, text, region_code in [("no-region", bare, None), ("own-region", bare, own),
                                        ("other-region", bare, other), ("idd-no-region", idd + bare, None)]:
            print(json.dumps({"input": text, "region": region_code, "e164": expected(text, region_code),
                              "kind": kind, "source": source}, ensure_ascii=False))
        written += 1


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Writes a phone-number corpus with libphonenumber's answers, for measuring agreement.

    pip install phonenumbers==9.0.43
    python3 Scripts/phone/make-corpus.py --per-type 12 --seed 1 > /tmp/phones-corpus.jsonl

Every region libphonenumber supports, and every non-geographic entity (+800, +882, ...),
each number type it has an example number for: random valid numbers (the example's first
1-3 digits kept, the rest drawn at random, kept only when `is_valid_number` accepts them),
each written in several forms:

  e164, international, national, rfc3966     libphonenumber's four formats
  separators                                 digit groups re-joined with random separators
  odd-trunk                                  national, the trunk prefix as "( 0 )", "0.", "(1)"
  idd                                        another region's international prefix + CC,
                                             with that region as the default region
  plus-zero                                  "+CC (0) ..." (regions whose trunk prefix is 0)
  extension                                  ext. / x / # / ;ext= / extension / ,, after the number
  vanity                                     trailing digits 2-9 written as keypad letters
  script-digits                              full-width, Arabic-Indic, Devanagari ... digits
  labelled                                   "Tel: ..." and trailing punctuation
  phone-context                              tel:<national>;phone-context=+CC
  other-region                               an international form with an unrelated region

plus inputs that are not valid numbers:

  digits-removed, digits-added               a valid number with digits dropped or added
  national-without-region                    a national form and no region
  double-zero-without-region                 00 + CC + number and no region (libphonenumber
                                             cannot parse them; RoasProof rejects them too)
  garbage                                    text, punctuation, lone digits, unassigned
                                             calling codes, overlong input

Each line: {"input", "region", "e164", "valid", "kind", "source"}, where e164 and valid
are what phonenumbers answers (e164 null when parse raises), as in shared/vectors.
"""
import argparse
import json
import random
import re
import sys

import phonenumbers
from phonenumbers import NumberParseException, PhoneMetadata
from phonenumbers import PhoneNumberFormat as PNF
from phonenumbers import PhoneNumberType as PNT
from phonenumbers.phonenumberutil import COUNTRY_CODE_TO_REGION_CODE, SUPPORTED_REGIONS

TYPES = [PNT.FIXED_LINE, PNT.MOBILE, PNT.TOLL_FREE, PNT.PREMIUM_RATE, PNT.SHARED_COST, PNT.VOIP,
         PNT.PERSONAL_NUMBER, PNT.PAGER, PNT.UAN, PNT.VOICEMAIL]
DESC_FOR_TYPE = {PNT.FIXED_LINE: "fixed_line", PNT.MOBILE: "mobile", PNT.TOLL_FREE: "toll_free",
                 PNT.PREMIUM_RATE: "premium_rate", PNT.SHARED_COST: "shared_cost", PNT.VOIP: "voip",
                 PNT.PERSONAL_NUMBER: "personal_number", PNT.PAGER: "pager", PNT.UAN: "uan",
                 PNT.VOICEMAIL: "voicemail"}
SEPARATORS = [" ", " ", " ", "-", "-", ".", "/", " - ", "", "  ", "\u00a0", "\u2013", " / "]
SCRIPTS = [0xFF10, 0x0660, 0x06F0, 0x0966, 0x09E6, 0x0E50, 0x1040, 0x0F20]
EXTENSIONS = [" ext. {}", " ext {}", " x{}", " X {}", " #{}", ";ext={}", " extension {}", ",,{}",
              " Ext: {}", " x. {}", " - {}#", " anexo {}", " доб. {}"]
LABELS = ["Tel: ", "tel ", "Phone: ", "Mobile ", "Call ", "☎ ", "M: "]
TRAILERS = [".", ",", ")", " ", " .", ";"]


def expected(inp, region):
    try:
        num = phonenumbers.parse(inp, region)
    except NumberParseException:
        return None, False
    return (phonenumbers.format_number(num, PNF.E164), phonenumbers.is_valid_number(num))


def examples():
    """(region or None, calling code, type name, example PhoneNumber) for every type."""
    for region in sorted(SUPPORTED_REGIONS):
        for t in TYPES:
            ex = phonenumbers.example_number_for_type(region, t)
            if ex is not None:
                yield region, ex.country_code, DESC_FOR_TYPE[t], ex
    for cc, regions in sorted(COUNTRY_CODE_TO_REGION_CODE.items()):
        if regions != ("001",):
            continue
        md = PhoneMetadata.metadata_for_nongeo_region(cc)
        for t in TYPES:
            desc = getattr(md, DESC_FOR_TYPE[t])
            if desc is not None and desc.example_number:
                yield None, cc, DESC_FOR_TYPE[t], phonenumbers.parse("+%d%s" % (cc, desc.example_number))


def random_valid(rng, example):
    nsn = phonenumbers.national_significant_number(example)
    for _ in range(60):
        k = min(rng.randint(1, 3), len(nsn) - 1)
        cand = nsn[:k] + "".join(rng.choice("0123456789") for _ in nsn[k:])
        try:
            num = phonenumbers.parse("+%d%s" % (example.country_code, cand), None)
        except NumberParseException:
            continue
        if cand != nsn and phonenumbers.is_valid_number(num):
            return num
    return None


def regroup(rng, text):
    """Re-joins the digit groups of a formatted number with random separators."""
    m = re.match(r"^(\+?)(.*)$", text)
    plus, rest = m.group(1), m.group(2)
    groups = re.findall(r"\d+", rest)
    if not groups:
        return text
    out = plus + groups[0]
    if rng.random() < 0.25 and len(groups) > 2:
        out = plus + ("" if not plus else rng.choice(["", " "])) + "(" + groups[0] + ")"
    for g in groups[1:]:
        out += rng.choice(SEPARATORS) + g
    return out


def random_prefix_string(rng, pattern):
    """A random string matching an international-prefix pattern (small patterns only)."""
    # Expand through the automata module's linearizer, which handles the metadata subset.
    sys.path.insert(0, __file__.rsplit("/", 1)[0])
    import automata
    node, _ = automata.parse(pattern, lambda text: frozenset(
        str(d) for d in range(10) if re.fullmatch(text, str(d))))
    alts = automata.linearize(node)
    alt = rng.choice(alts)
    return "".join(rng.choice(sorted(item[1])) for item in alt if item[0] == "c")


def script_digits(rng, text):
    zero = rng.choice(SCRIPTS)
    out = "".join(chr(zero + int(c)) if c.isdigit() else c for c in text)
    if zero == 0xFF10 and rng.random() < 0.5:
        out = out.replace("+", "\uff0b")
    return out


def vanity(rng, text):
    keypad = {"2": "ABC", "3": "DEF", "4": "GHI", "5": "JKL", "6": "MNO", "7": "PQRS", "8": "TUV", "9": "WXYZ"}
    chars = list(text)
    positions = [i for i, c in enumerate(chars) if c in keypad]
    if len(positions) < 3:
        return None
    count = rng.randint(3, min(7, len(positions)))
    lower = rng.random() < 0.3
    for i in positions[-count:]:
        letter = rng.choice(keypad[chars[i]])
        chars[i] = letter.lower() if lower else letter
    return "".join(chars)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--per-type", type=int, default=10, help="random numbers per region and type")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--garbage", type=int, default=None, help="garbage inputs (default: 4 per region)")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    out = sys.stdout
    seen = set()
    idd_regions = [r for r in sorted(SUPPORTED_REGIONS)
                   if PhoneMetadata.metadata_for_region(r).international_prefix]

    def emit(inp, region, kind):
        if inp is None or (inp, region) in seen:
            return
        seen.add((inp, region))
        e164, valid = expected(inp, region)
        rec = {"input": inp, "region": region, "e164": e164, "valid": valid, "kind": kind,
               "source": "phonenumbers " + phonenumbers.__version__}
        out.write(json.dumps(rec, ensure_ascii=False) + "\n")

    for region, cc, tname, ex in examples():
        home = region or "001"
        md = PhoneMetadata.metadata_for_region(region) if region else PhoneMetadata.metadata_for_nongeo_region(cc)
        for _ in range(args.per_type):
            num = random_valid(rng, ex)
            if num is None:
                continue
            e164 = phonenumbers.format_number(num, PNF.E164)
            intl = phonenumbers.format_number(num, PNF.INTERNATIONAL)
            natl = phonenumbers.format_number(num, PNF.NATIONAL)
            rfc = phonenumbers.format_number(num, PNF.RFC3966)
            nsn = phonenumbers.national_significant_number(num)
            own = region
            forms = [
                lambda: emit(e164, rng.choice([None, None, own]), "e164"),
                lambda: emit(intl, rng.choice([None, None, own]), "international"),
                lambda: emit(rfc, rng.choice([None, own]), "rfc3966"),
                lambda: emit(regroup(rng, intl), rng.choice([None, own]), "separators"),
                lambda: emit(intl + rng.choice(EXTENSIONS).format(rng.randint(1, 99999)), rng.choice([None, own]),
                             "extension"),
                lambda: emit(script_digits(rng, rng.choice([intl, e164])), None, "script-digits"),
                lambda: emit(rng.choice(LABELS) + intl + rng.choice(TRAILERS), None, "labelled"),
                lambda: emit(rng.choice([e164, intl]), rng.choice(sorted(SUPPORTED_REGIONS)), "other-region"),
            ]
            if region:
                forms += [
                    lambda: emit(natl, own, "national"),
                    lambda: emit(regroup(rng, natl), own, "separators"),
                    lambda: emit(natl + rng.choice(EXTENSIONS).format(rng.randint(1, 9999)), own, "extension"),
                    lambda: emit(vanity(rng, natl), own, "vanity"),
                    lambda: emit(script_digits(rng, natl), own, "script-digits"),
                    lambda: emit(rng.choice(LABELS) + natl + rng.choice(TRAILERS), own, "labelled"),
                    lambda: emit("tel:" + re.sub(r"[^\d]", "-", natl).strip("-") + ";phone-context=+%d" % cc,
                                 None, "phone-context"),
                ]
                np = md.national_prefix
                if np and natl.startswith(np):
                    body = natl[len(np):].lstrip()
                    odd = rng.choice(["( %s ) ", "(%s) ", "%s.", "(%s).", "%s/", " %s - "]) % np
                    forms.append(lambda: emit(odd + regroup(rng, body), own, "odd-trunk"))
                if np == "0":
                    forms.append(lambda: emit("+%d %s %s" % (cc, rng.choice(["(0)", "( 0 )", "(0) ", "[0]"]),
                                                            regroup(rng, nsn)), rng.choice([None, own]),
                                              "plus-zero"))
            # Another region's international prefix, with that region as the default.
            other = rng.choice(idd_regions)
            omd = PhoneMetadata.metadata_for_region(other)
            idd = omd.preferred_international_prefix or omd.international_prefix
            if not re.fullmatch(r"[\d~]+", idd):
                try:
                    idd = random_prefix_string(rng, omd.international_prefix)
                except ValueError:
                    idd = None
            if idd:
                idd = idd.replace("~", "")
                forms.append(lambda: emit(idd + rng.choice(["", " ", "-", "."]) + "%d %s" % (cc, regroup(rng, nsn)),
                                          other, "idd"))
            for form in rng.sample(forms, min(len(forms), 4)):
                form()
            # Invalid variants.
            if rng.random() < 0.35:
                digits = list(nsn)
                if rng.random() < 0.5 and len(digits) > 3:
                    for _ in range(rng.randint(1, 3)):
                        digits.pop(rng.randrange(len(digits)))
                    kind = "digits-removed"
                else:
                    for _ in range(rng.randint(1, 4)):
                        digits.insert(rng.randrange(len(digits) + 1), rng.choice("0123456789"))
                    kind = "digits-added"
                emit("+%d %s" % (cc, "".join(digits)), None, kind)
            if region and rng.random() < 0.15:
                emit(natl, None, "national-without-region")
            if rng.random() < 0.03:
                emit("00%d %s" % (cc, regroup(rng, nsn)), None, "double-zero-without-region")

    # Garbage.
    count = args.garbage if args.garbage is not None else 4 * len(SUPPORTED_REGIONS)
    pools = [
        "abcdefghijklmnopqrstuvwxyz ",
        "ABCDEFGHIJKLMNOPQRSTUVWXYZ-.",
        "0123456789abcxyz-+() ",
        "+-()./ #*",
        "0123456789",
        "éøßΩЖ中文😀 ",
        "\u0660\u0661\u0662abc",
    ]
    fixed = ["", " ", "+", "++", "-", "()", "N/A", "none", "null", "unknown", "0", "7", "12", "+1", "+44",
             "+0 123 456 789", "+999 123 456", "+210 1234 5678", "+80 1234 5678", "tel:", ";phone-context=",
             "tel:123;phone-context=", "tel:+1-201-555-0123;phone-context=+", "1" * 300, "+" + "9" * 40,
             "+44 20 7946 0958 0958 0958 0958 0958", "email@example.com", "12345678901234567890123",
             "+1 ()", "#", "*", "x", "ext 12"]
    for item in fixed:
        for region in (None, "US", "GB"):
            emit(item, region, "garbage")
    for _ in range(count):
        pool = rng.choice(pools)
        s = "".join(rng.choice(pool) for _ in range(rng.randint(1, 18)))
        if rng.random() < 0.3:
            s = rng.choice(["+", "00", "0", ""]) + s
        emit(s, rng.choice([None, None, rng.choice(sorted(SUPPORTED_REGIONS))]), "garbage")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Generates Sources/Identity/Phone/PhoneMetadata+Generated.swift from libphonenumber's
metadata, as shipped in the `phonenumbers` package (its Python port).

Regenerate (see docs/Phone.md):

    pip install phonenumbers==9.0.43
    python3 Scripts/generate-phone-metadata.py

Everything libphonenumber needs a regular expression for at parse time is compiled here
into tables (see Scripts/phone/automata.py), so the library runs no regular-expression
engine and no Python:

* per region: country calling code, international (IDD) prefix, national prefix for
  parsing with its transform rule and capturing groups, possible lengths, the general and
  per-type number patterns (for validity and for picking the region of a shared calling
  code), the leading-digits pattern of shared calling codes;
* libphonenumber's own parsing patterns (viable number, extensions, RFC 3966
  phone-context), as automata over a small alphabet of character classes, with the exact
  Unicode semantics of Python's `re` (IGNORECASE included);
* Unicode tables: decimal digits (Nd) and word characters (`\\w`) as Python sees them.

The Swift file embeds the tables as one base64 string that is decoded once, on first use.
libphonenumber and phonenumbers are Apache-2.0 licensed (see NOTICE).
"""
import base64
import os
import re
import struct
import sys
import unicodedata

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "phone"))
import automata  # noqa: E402

import phonenumbers  # noqa: E402
import phonenumbers.phonenumberutil as pnu  # noqa: E402
from phonenumbers import PhoneMetadata  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Sources", "Identity", "Phone", "PhoneMetadata+Generated.swift")

FORMAT_VERSION = 1
# Bit order of the per-region type automaton's labels. Bit 0 is the general description;
# the rest follow libphonenumber's _number_type_helper order.
TYPES = ["general_desc", "premium_rate", "toll_free", "shared_cost", "voip", "personal_number",
         "pager", "uan", "voicemail", "fixed_line", "mobile"]

# ---------------------------------------------------------------------------
# Character classes for libphonenumber's own (global) parsing patterns

ALL_CHARS = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)
_atom_cache = {}


def code_point_set(text, flags):
    key = (text, flags)
    if key not in _atom_cache:
        rx = re.compile(text, flags)
        _atom_cache[key] = frozenset(ord(m.group(0)) for m in rx.finditer(ALL_CHARS))
    return _atom_cache[key]


GLOBAL_PATTERNS = [
    # name, pattern, flags, reversed
    ("viable", pnu._VALID_PHONE_NUMBER + "(?:" + pnu._EXTN_PATTERNS_FOR_PARSING + ")?",
     re.UNICODE | re.IGNORECASE, False),
    ("extensionReversed", pnu._EXTN_PATTERNS_FOR_PARSING, re.UNICODE | re.IGNORECASE, True),
    ("rfc3966GlobalNumber", pnu._RFC3966_GLOBAL_NUMBER_DIGITS, re.UNICODE, False),
    ("rfc3966DomainName", pnu._RFC3966_DOMAINNAME, re.UNICODE, False),
]


def build_global():
    parsed = []
    atoms = []
    for name, pattern, flags, rev in GLOBAL_PATTERNS:
        def atom_set(text, flags=flags):
            s = code_point_set(text, flags)
            atoms.append(s)
            return s
        node, _ = automata.parse(pattern, atom_set)
        parsed.append((name, node, rev))
    # Partition the code points into classes that no atom tells apart.
    signature = {}
    for j, s in enumerate(atoms):
        for cp in s:
            signature[cp] = signature.get(cp, 0) | (1 << j)
    class_of_sig = {0: 0}
    for cp in sorted(signature):
        class_of_sig.setdefault(signature[cp], len(class_of_sig))
    nclasses = len(class_of_sig)
    cls = {cp: class_of_sig[sig] for cp, sig in signature.items()}

    # Atoms are shared between nodes through the cache: convert each node once.
    seen = set()

    def convert(node):
        if id(node) in seen:
            return
        seen.add(id(node))
        if node.kind == "set":
            node.a = frozenset(cls[cp] for cp in node.a)
        elif node.kind in ("cat", "alt"):
            for n in node.a:
                convert(n)
        elif node.kind in ("rep", "group"):
            convert(node.a)
    dfas = {}
    for name, node, rev in parsed:
        convert(node)
        if rev:
            node = automata.reverse(node)
        dfas[name] = automata.dfa([(node, 1)], nclasses)
    ascii_map = [cls.get(c, 0) for c in range(128)]
    ranges = []
    for cp in sorted(c for c in cls if c >= 128):
        c = cls[cp]
        if ranges and ranges[-1][1] == cp - 1 and ranges[-1][2] == c:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp, c])
    return nclasses, ascii_map, ranges, dfas


# ---------------------------------------------------------------------------
# Unicode tables


def decimal_digit_zeros():
    zeros = []
    for cp in range(0x110000):
        ch = chr(cp)
        if unicodedata.category(ch) == "Nd" and unicodedata.digit(ch) == 0:
            for k in range(10):
                assert unicodedata.digit(chr(cp + k)) == k and unicodedata.category(chr(cp + k)) == "Nd"
            zeros.append(cp)
    count = sum(1 for cp in range(0x110000) if unicodedata.category(chr(cp)) == "Nd")
    assert count == 10 * len(zeros)
    return zeros


def word_ranges():
    """Non-ASCII code points that Python's `\\w` matches (str patterns)."""
    ranges = []
    for m in re.finditer(r"\w+", ALL_CHARS[128:]):
        # finditer over a string that skips surrogates: split runs that jump over them.
        run = [ord(c) for c in m.group(0)]
        start = run[0]
        prev = run[0]
        for cp in run[1:]:
            if cp != prev + 1:
                ranges.append((start, prev))
                start = cp
            prev = cp
        ranges.append((start, prev))
    return ranges


def alpha_extras():
    """Non-ASCII characters whose str.upper() is one ASCII letter (used by _normalize)."""
    out = []
    for cp in range(128, 0x110000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        up = chr(cp).upper()
        if up in pnu._ALPHA_MAPPINGS:
            out.append((cp, ord(pnu._ALPHA_MAPPINGS[up])))
    return out


# ---------------------------------------------------------------------------
# Metadata


def digit_set(text):
    return frozenset(d for d in range(10) if re.fullmatch(text, str(d)))


def parse_digits(pattern):
    return automata.parse(pattern, digit_set)


def length_mask(lengths):
    if not lengths:
        return 0xFFFFFFFF
    mask = 0
    for n in lengths:
        if n >= 0:
            assert n < 32
            mask |= 1 << n
    return mask


class Pool:
    """One table for every metadata automaton (alphabet: the ten digits). Equal states
    are shared across automata: all of them are acyclic apart from the dead state."""

    def __init__(self):
        self.trans = [[0] * 10]
        self.label = [0]
        self.keys = {}
        self.alts = []  # (length, group start, group end, flags)

    def add(self, dfa):
        # Reverse topological order by depth-first post-order.
        order = []
        state = {}
        stack = [(dfa.start, False)]
        while stack:
            s, done = stack.pop()
            if s == 0:
                continue
            if done:
                if state.get(s) != 2:
                    state[s] = 2
                    order.append(s)
                continue
            if state.get(s) == 2:
                continue
            if state.get(s) == 1:
                raise ValueError("cyclic automaton")
            state[s] = 1
            stack.append((s, True))
            for t in dfa.trans[s]:
                if t != 0:
                    if state.get(t) == 1:
                        raise ValueError("cyclic automaton")
                    if state.get(t) != 2:
                        stack.append((t, False))
        gid = {0: 0}
        for s in order:
            key = (dfa.label[s], tuple(gid[t] for t in dfa.trans[s]))
            if key not in self.keys:
                self.keys[key] = len(self.label)
                self.label.append(key[0])
                self.trans.append(list(key[1]))
            gid[s] = self.keys[key]
        return gid.get(dfa.start, 0)


def priority_automaton(pool, pattern):
    node, ngroups = parse_digits(pattern)
    dfa, alts = automata.priority_dfa(node, 10)
    # Dead-state label in the pool is 0 (meaning "no alternative" is encoded per state):
    # a priority DFA's dead state carries 0xFFFFFFFF, so states are stored with their own
    # labels and the walk stops at state 0 before reading its label.
    base = len(pool.alts)
    for alt in alts:
        pool.alts.append(alt)
    root = pool.add(dfa)
    return root, base, alts, ngroups


def verify(pool, regions, entities, gdfas, ascii_map, class_ranges):
    """Checks the automata against Python's re on random and metadata-derived inputs."""
    import random
    rng = random.Random(7)

    def walk_full(root, s):
        st = root
        for ch in s:
            if st == 0:
                return 0
            st = pool.trans[st][ord(ch) - 48]
        return pool.label[st] if st else 0

    def walk_prio(root, base, s):
        st = root
        best = None
        for i in range(len(s) + 1):
            lab = pool.label[st]
            a, e = lab & 0xFFFF, lab >> 16
            for cand in (a, e if i == len(s) else 0xFFFF):
                if cand != 0xFFFF and (best is None or cand < best[0]):
                    best = (cand, i)
            if i == len(s):
                break
            st = pool.trans[st][ord(s[i]) - 48]
            if st == 0:
                break
        return best

    bad = 0
    for rec, (code, cc, md) in zip(regions, entities):
        samples = ["".join(rng.choice("0123456789") for _ in range(rng.randint(0, 14))) for _ in range(300)]
        for t in TYPES:
            d = getattr(md, t)
            if d is not None and d.example_number:
                ex = d.example_number
                samples += [ex, ex[:-1], ex + "5"] + [ex[:k] + "".join(rng.choice("0123456789") for _ in ex[k:]) for k in range(len(ex))]
        for s in samples:
            lab = walk_full(rec["types"], s) if rec["types"] else 0
            for bit, t in enumerate(TYPES):
                d = getattr(md, t)
                want = bool(d is not None and d.national_number_pattern and re.fullmatch(d.national_number_pattern, s))
                if bool(lab & (1 << bit)) != want:
                    bad += 1
                    print("type mismatch", code, cc, t, s)
            for key, pattern in (("npp", md.national_prefix_for_parsing), ("idd", md.international_prefix)):
                if not pattern:
                    continue
                root, base = rec[key][0], rec[key][1]
                m = re.match(pattern, s)
                got = walk_prio(root, base, s)
                if (m is None) != (got is None) or (m and m.end() != pool.alts[base + got[0]].classes.__len__()):
                    bad += 1
                    print("prefix mismatch", code, key, pattern[:40], s, m and m.end(), got)
                elif m and key == "npp" and md.national_prefix_transform_rule:
                    alt = pool.alts[base + got[0]]
                    ng = len(m.groups())
                    if (m.group(ng) is not None) != (ng in alt.groups):
                        bad += 1
                        print("group mismatch", code, s)
    # Global automata, on strings drawn from the characters they care about.
    ranges = class_ranges

    def cls(ch):
        cp = ord(ch)
        if cp < 128:
            return ascii_map[cp]
        for lo, hi, c in ranges:
            if lo <= cp <= hi:
                return c
        return 0

    def gfull(name, s):
        d = gdfas[name]
        st = d.start
        for ch in s:
            st = d.trans[st][cls(ch)]
            if st == 0:
                return False
        return bool(d.label[st])

    def ext_start(s):
        d = gdfas["extensionReversed"]
        st = d.start
        best = len(s) if d.label[st] else None
        for i in range(len(s) - 1, -1, -1):
            st = d.trans[st][cls(s[i])]
            if st == 0:
                break
            if d.label[st]:
                best = i
        return best

    pool_chars = list("0123456789+ -().#,;:=xXtTeEnNsSiIoOaAdbx~/*\\\t") + ["\u00a0", "\uff0b", "\u0661", "\uff11",
                  "\u00f3", "\u0301", "\u0434", "\u043e", "\u0431", "\uff45", "\uff58", "\uff54", "\uff03", "\uff0e", "_", "z"]
    for _ in range(200000):
        s = "".join(rng.choice(pool_chars) for _ in range(rng.randint(0, 12)))
        if rng.random() < 0.5:
            s = "".join(rng.choice("0123456789 ") for _ in range(rng.randint(2, 8))) + s
        want = bool(pnu._VALID_PHONE_NUMBER_PATTERN.fullmatch(s))
        if gfull("viable", s) != want:
            bad += 1
            print("viable mismatch", repr(s))
        m = pnu._EXTN_PATTERN.search(s)
        got = ext_start(s)
        if (m.start() if m else None) != got:
            bad += 1
            print("extension mismatch", repr(s), m and m.start(), got)
        for name, rx in (("rfc3966GlobalNumber", pnu._RFC3966_GLOBAL_NUMBER_DIGITS_PATTERN),
                         ("rfc3966DomainName", pnu._RFC3966_DOMAINNAME_PATTERN)):
            if gfull(name, s) != bool(rx.fullmatch(s)):
                bad += 1
                print(name, "mismatch", repr(s))
    print("verify: %d mismatches" % bad)
    if bad:
        sys.exit(1)


def main():
    if phonenumbers.__version__ != "9.0.43":
        print("note: generating from phonenumbers %s (the committed tables and test vectors "
              "use 9.0.43)" % phonenumbers.__version__, file=sys.stderr)
    nclasses, ascii_map, class_ranges, gdfas = build_global()
    zeros = decimal_digit_zeros()
    words = word_ranges()
    extras = alpha_extras()

    pool = Pool()
    regions = []  # dicts
    cc_map = pnu.COUNTRY_CODE_TO_REGION_CODE
    entities = []
    for cc in sorted(cc_map):
        for code in cc_map[cc]:
            if code == "001":
                entities.append(("", cc, PhoneMetadata.metadata_for_nongeo_region(cc)))
            else:
                entities.append((code, cc, PhoneMetadata.metadata_for_region(code)))
    assert len([e for e in entities if e[0]]) == len(pnu.SUPPORTED_REGIONS)
    index_of = {}
    npp_alts_total = 0
    for code, cc, md in entities:
        assert md.country_code == cc
        rec = {"code": code, "cc": cc, "main": cc_map[cc][0] == (code or "001")}
        # Types.
        parts = []
        masks = []
        for bit, t in enumerate(TYPES):
            desc = getattr(md, t)
            if desc is not None and desc.national_number_pattern:
                node, _ = parse_digits(desc.national_number_pattern)
                parts.append((node, 1 << bit))
                masks.append(length_mask(desc.possible_length))
            else:
                masks.append(0)
        rec["types"] = pool.add(automata.dfa(parts, 10)) if parts else 0
        rec["masks"] = masks
        gd = md.general_desc
        rec["general_lengths"] = sorted(x for x in gd.possible_length if x >= 0)
        rec["local_lengths"] = sorted(x for x in (gd.possible_length_local_only or ()) if x >= 0)
        rec["same_mobile_fixed"] = bool(md.same_mobile_and_fixed_line_pattern)
        # Leading digits (shared calling codes).
        if md.leading_digits:
            node, _ = parse_digits(md.leading_digits)
            rec["leading"] = pool.add(automata.dfa([(node, 1)], 10))
        else:
            rec["leading"] = 0
        # International prefix.
        if md.international_prefix:
            root, base, alts, _ = priority_automaton(pool, md.international_prefix)
            assert all(not a.end_anchored for a in alts)
            rec["idd"] = (root, base)
        else:
            rec["idd"] = (0, 0)
        # National prefix for parsing, with its transform rule.
        npp = md.national_prefix_for_parsing
        rule = md.national_prefix_transform_rule
        if npp:
            root, base, alts, ngroups = priority_automaton(pool, npp)
            npp_alts_total += len(alts)
            literal, group = "", 0
            if rule:
                m = re.fullmatch(r"(\d*)\\(\d)", rule)
                assert m, rule
                literal, group = m.group(1), int(m.group(2))
            rec["npp"] = (root, base, ngroups, literal, group)
        else:
            rec["npp"] = (0, 0, 0, "", 0)
        index_of[(code, cc)] = len(regions)
        regions.append(rec)

    # Alternative table entries: length, start and end of the transform group, flags
    # (bit 0: the pattern's last group took part in the match).
    npp_info = {}
    for rec in regions:
        root, base, ngroups, literal, group = rec["npp"]
        if root:
            npp_info[base] = (ngroups, group)
    alt_entries = []
    owner = {}
    for rec in regions:
        for key in ("idd", "npp"):
            root, base = rec[key][0], rec[key][1]
            if root:
                owner[base] = rec[key]
    bases = sorted(owner)
    for i, alt in enumerate(pool.alts):
        b = max(x for x in bases if x <= i)
        info = npp_info.get(b)
        gs = ge = 0xFF
        last = 0
        if info:
            ngroups, group = info
            if group and group in alt.groups:
                gs, ge = alt.groups[group]
            if ngroups and ngroups in alt.groups:
                last = 1
        assert len(alt.classes) < 255
        alt_entries.append((len(alt.classes), gs, ge, last))

    if "--verify" in sys.argv:
        verify(pool, regions, entities, gdfas, ascii_map, class_ranges)

    # ------------------------------------------------------------------ binary
    out = bytearray()
    out += b"RPPH" + struct.pack("<H", FORMAT_VERSION)

    def u8(x):
        out.extend(struct.pack("<B", x))

    def u16(x):
        out.extend(struct.pack("<H", x))

    def u32(x):
        out.extend(struct.pack("<I", x))

    # Digit automata.
    nstates = len(pool.label)
    assert nstates < 0x10000, "state ids no longer fit 16 bits: widen the format"
    u32(nstates)
    for row in pool.trans:
        for t in row:
            u16(t)
    for lab in pool.label:
        u32(lab)
    u32(len(alt_entries))
    for e in alt_entries:
        out.extend(bytes(e))
    # Character classes and global automata.
    u16(nclasses)
    out.extend(bytes(ascii_map))
    u32(len(class_ranges))
    for lo, hi, c in class_ranges:
        u32(lo)
        u32(hi)
        u16(c)
    for name, _, _, _ in GLOBAL_PATTERNS:
        d = gdfas[name]
        u32(len(d.label))
        u32(d.start)
        for row in d.trans:
            for t in row:
                u16(t)
        for lab in d.label:
            u8(1 if lab else 0)
    # Unicode tables.
    u32(len(zeros))
    for z in zeros:
        u32(z)
    u32(len(words))
    for lo, hi in words:
        u32(lo)
        u32(hi)
    u32(len(extras))
    for cp, d in extras:
        u32(cp)
        u8(d)
    # Regions.
    u32(len(regions))
    for rec in regions:
        out.extend((rec["code"] or "\0\0").encode("ascii"))
        u16(rec["cc"])
        flags = (1 if rec["main"] else 0) | (2 if rec["same_mobile_fixed"] else 0)
        u8(flags)
        u32(rec["types"])
        u32(rec["leading"])
        u32(rec["idd"][0])
        u32(rec["idd"][1])
        root, base, ngroups, literal, group = rec["npp"]
        u32(root)
        u32(base)
        u8(len(literal))
        out.extend(literal.encode("ascii"))
        u8(group)
        u32(length_mask(rec["general_lengths"]) if rec["general_lengths"] else 0)
        u32(length_mask(rec["local_lengths"]) if rec["local_lengths"] else 0)
        for m in rec["masks"]:
            u32(m)
    out += b"END!"

    encoded = base64.b64encode(bytes(out)).decode("ascii")
    lines = [encoded[i:i + 120] for i in range(0, len(encoded), 120)]
    stats = {
        "regions": len([r for r in regions if r["code"]]),
        "non-geographic entities": len([r for r in regions if not r["code"]]),
        "calling codes": len(cc_map),
        "digit automaton states": nstates,
        "prefix alternatives": len(alt_entries),
        "character classes": nclasses,
        "bytes": len(out),
    }
    with open(OUT, "w", encoding="utf-8") as fh:
        fh.write("// swift-format-ignore-file\n")
        fh.write("// Generated by Scripts/generate-phone-metadata.py from phonenumbers %s\n"
                 % phonenumbers.__version__)
        fh.write("// (libphonenumber's metadata, Copyright (C) 2009-2025 The Libphonenumber Authors,\n")
        fh.write("// Apache License 2.0; see NOTICE). Do not edit: regenerate (docs/Phone.md).\n//\n")
        for k, v in stats.items():
            fh.write("// %s: %s\n" % (k, v))
        fh.write("\nextension PhoneMetadata {\n")
        fh.write("    /// The `phonenumbers` (libphonenumber) version the tables come from.\n")
        fh.write("    static let sourceVersion = \"%s\"\n\n" % phonenumbers.__version__)
        fh.write("    /// The tables, base64-encoded (format %d; read by `PhoneMetadata.decode`).\n"
                 % FORMAT_VERSION)
        fh.write("    static let encodedTables: StaticString = \"\"\"\n")
        for line in lines:
            fh.write("        %s\n" % line)
        fh.write("        \"\"\"\n}\n")
    for k, v in stats.items():
        print("%s: %s" % (k, v))
    print("wrote", os.path.relpath(OUT, ROOT))


if __name__ == "__main__":
    main()

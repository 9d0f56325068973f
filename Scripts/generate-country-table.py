#!/usr/bin/env python3
"""Generates Sources/Identity/Tables/CountryTable.swift.

The table maps every lookup key RoasProof accepts for `country` to an ISO 3166-1
alpha-2 code: alpha-2 codes, alpha-3 codes, English short, official and common
names from the `pycountry` package (ISO 3166-1 data from Debian's iso-codes),
every name in Meta's capi-param-builder country table (so we accept what Meta's
own normalizer accepts), and a short list of everyday aliases.

A lookup key is the value lowercased with everything but letters removed; names
with accents are also stored folded to ASCII ("côtedivoire" and "cotedivoire").

Regenerate:  pip install pycountry && python3 Scripts/generate-country-table.py
"""
import os
import sys
import unicodedata

import pycountry

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Sources", "Identity", "Tables", "CountryTable.swift")

# capi-param-builder's COUNTRY_MAPPINGS (nodejs/capi-param-builder/src/piiUtil/stringUtil.js,
# HEAD b0b6f0b), names only. Kept so every value Meta's normalizer maps, we map the same way.
PARAM_BUILDER_NAMES = {
    "unitedstates": "us", "usa": "us", "ind": "in", "afghanistan": "af", "alandislands": "ax",
    "albania": "al", "algeria": "dz", "americansamoa": "as", "andorra": "ad", "angola": "ao",
    "anguilla": "ai", "antarctica": "aq", "antiguaandbarbuda": "ag", "argentina": "ar",
    "armenia": "am", "aruba": "aw", "australia": "au", "austria": "at", "azerbaijan": "az",
    "bahamas": "bs", "bahrain": "bh", "bangladesh": "bd", "barbados": "bb", "belarus": "by",
    "belgium": "be", "belize": "bz", "benin": "bj", "bermuda": "bm", "bhutan": "bt",
    "boliviaplurinationalstateof": "bo", "bolivia": "bo", "bonairesinteustatinsandsaba": "bq",
    "bosniaandherzegovina": "ba", "botswana": "bw", "bouvetisland": "bv", "brazil": "br",
    "britishindianoceanterritory": "io", "bruneidarussalam": "bn", "brunei": "bn",
    "bulgaria": "bg", "burkinafaso": "bf", "burundi": "bi", "cambodia": "kh", "cameroon": "cm",
    "canada": "ca", "capeverde": "cv", "caymanislands": "ky", "centralafricanrepublic": "cf",
    "chad": "td", "chile": "cl", "china": "cn", "christmasisland": "cx",
    "cocoskeelingislands": "cc", "colombia": "co", "comoros": "km", "congo": "cg",
    "congothedemocraticrepublicofthe": "cd", "democraticrepublicofthecongo": "cd",
    "cookislands": "ck", "costarica": "cr", "cotedivoire": "ci", "ivorycoast": "ci",
    "croatia": "hr", "cuba": "cu", "curacao": "cw", "cyprus": "cy", "czechrepublic": "cz",
    "denmark": "dk", "djibouti": "dj", "dominica": "dm", "dominicanrepublic": "do",
    "ecuador": "ec", "egypt": "eg", "elsalvador": "sv", "equatorialguinea": "gq",
    "eritrea": "er", "estonia": "ee", "ethiopia": "et", "falklandislandsmalvinas": "fk",
    "faroeislands": "fo", "fiji": "fj", "finland": "fi", "france": "fr", "frenchguiana": "gf",
    "frenchpolynesia": "pf", "frenchsouthernterritories": "tf", "gabon": "ga", "gambia": "gm",
    "georgia": "ge", "germany": "de", "ghana": "gh", "gibraltar": "gi", "greece": "gr",
    "greenland": "gl", "grenada": "gd", "guadeloupe": "gp", "guam": "gu", "guatemala": "gt",
    "guernsey": "gg", "guinea": "gn", "guineabissau": "gw", "guyana": "gy", "haiti": "ht",
    "heardislandandmcdonaldislands": "hm", "holyseevaticancitystate": "va", "vatican": "va",
    "honduras": "hn", "hongkong": "hk", "hungary": "hu", "iceland": "is", "india": "in",
    "indonesia": "id", "iranislamicrepublicof": "ir", "iran": "ir", "iraq": "iq",
    "ireland": "ie", "isleofman": "im", "israel": "il", "italy": "it", "jamaica": "jm",
    "japan": "jp", "jersey": "je", "jordan": "jo", "kazakhstan": "kz", "kenya": "ke",
    "kiribati": "ki", "koreademocraticpeoplesrepublicof": "kp", "northkorea": "kp",
    "korearepublicof": "kr", "southkorea": "kr", "kuwait": "kw", "kyrgyzstan": "kg",
    "laopeoplesdemocraticrepublic": "la", "laos": "la", "latvia": "lv", "lebanon": "lb",
    "lesotho": "ls", "liberia": "lr", "libya": "ly", "liechtenstein": "li", "lithuania": "lt",
    "luxembourg": "lu", "macao": "mo", "macedoniatheformeryugoslavrepublicof": "mk",
    "macedonia": "mk", "madagascar": "mg", "malawi": "mw", "malaysia": "my", "maldives": "mv",
    "mali": "ml", "malta": "mt", "marshallislands": "mh", "martinique": "mq",
    "mauritania": "mr", "mauritius": "mu", "mayotte": "yt", "mexico": "mx",
    "micronesiafederatedstatesof": "fm", "micronesia": "fm", "moldovarepublicof": "md",
    "moldova": "md", "monaco": "mc", "mongolia": "mn", "montenegro": "me", "montserrat": "ms",
    "morocco": "ma", "mozambique": "mz", "myanmar": "mm", "namibia": "na", "nauru": "nr",
    "nepal": "np", "netherlands": "nl", "newcaledonia": "nc", "newzealand": "nz",
    "nicaragua": "ni", "niger": "ne", "nigeria": "ng", "niue": "nu", "norfolkisland": "nf",
    "northernmarianaislands": "mp", "norway": "no", "oman": "om", "pakistan": "pk",
    "palau": "pw", "palestinestateof": "ps", "palestine": "ps", "panama": "pa",
    "papuanewguinea": "pg", "paraguay": "py", "peru": "pe", "philippines": "ph",
    "pitcairn": "pn", "poland": "pl", "portugal": "pt", "puertorico": "pr", "qatar": "qa",
    "reunion": "re", "romania": "ro", "russianfederation": "ru", "russia": "ru", "rwanda": "rw",
    "saintbarthelemy": "bl", "sainthelenaascensionandtristandacunha": "sh",
    "saintkittsandnevis": "kn", "saintlucia": "lc", "saintmartinfrenchpart": "mf",
    "saintpierreandmiquelon": "pm", "saintvincentandthegrenadines": "vc", "samoa": "ws",
    "sanmarino": "sm", "saotomeandprincipe": "st", "saudiarabia": "sa", "senegal": "sn",
    "serbia": "rs", "seychelles": "sc", "sierraleone": "sl", "singapore": "sg",
    "sintmaartenductchpart": "sx", "slovakia": "sk", "slovenia": "si", "solomonislands": "sb",
    "somalia": "so", "southafrica": "za", "southgeorgiaandthesouthsandwichislands": "gs",
    "southsudan": "ss", "spain": "es", "srilanka": "lk", "sudan": "sd", "suriname": "sr",
    "svalbardandjanmayen": "sj", "eswatini": "sz", "swaziland": "sz", "sweden": "se",
    "switzerland": "ch", "syrianarabrepublic": "sy", "syria": "sy",
    "taiwanprovinceofchina": "tw", "taiwan": "tw", "tajikistan": "tj",
    "tanzaniaunitedrepublicof": "tz", "tanzania": "tz", "thailand": "th", "timorleste": "tl",
    "easttimor": "tl", "togo": "tg", "tokelau": "tk", "tonga": "to", "trinidadandtobago": "tt",
    "tunisia": "tn", "turkey": "tr", "turkmenistan": "tm", "turksandcaicosislands": "tc",
    "tuvalu": "tv", "uganda": "ug", "ukraine": "ua", "unitedarabemirates": "ae",
    "unitedkingdom": "gb", "unitedstatesofamerica": "us", "unitedstatesminoroutlyingislands": "um",
    "uruguay": "uy", "uzbekistan": "uz", "vanuatu": "vu", "venezuelabolivarianrepublicof": "ve",
    "venezuela": "ve", "vietnam": "vn", "virginislandsbritish": "vg", "virginislandsus": "vi",
    "wallisandfutuna": "wf", "westernsahara": "eh", "yemen": "ye", "zambia": "zm", "zimbabwe": "zw",
}

# Everyday names and abbreviations people type in checkout forms.
ALIASES = {
    "uk": "gb", "greatbritain": "gb", "britain": "gb", "england": "gb", "scotland": "gb",
    "wales": "gb", "northernireland": "gb", "unitedkingdomofgreatbritainandnorthernireland": "gb",
    "us": "us", "america": "us", "unitedstatesamerica": "us",
    "holland": "nl", "thenetherlands": "nl", "czechia": "cz", "turkiye": "tr", "türkiye": "tr",
    "burma": "mm", "uae": "ae", "emirates": "ae", "korea": "kr", "republicofkorea": "kr",
    "vietnam": "vn", "vatican": "va", "vaticancity": "va", "capeverde": "cv", "caboverde": "cv",
    "swaziland": "sz", "macedonia": "mk", "northmacedonia": "mk", "drc": "cd", "drcongo": "cd",
    "republicofthecongo": "cg", "congobrazzaville": "cg", "congokinshasa": "cd",
    "bosnia": "ba", "trinidad": "tt", "stlucia": "lc", "stkittsandnevis": "kn",
    "stvincentandthegrenadines": "vc", "saintvincent": "vc", "stmartin": "mf", "sintmaarten": "sx",
    "sintmaartendutchpart": "sx", "saintbarthélemy": "bl", "stbarthelemy": "bl",
    "palestinianterritories": "ps", "mainlandchina": "cn", "prc": "cn", "rok": "kr",
    "deutschland": "de", "españa": "es", "espana": "es", "italia": "it", "brasil": "br",
    "méxico": "mx", "schweiz": "ch", "suisse": "ch", "österreich": "at", "osterreich": "at",
    "sverige": "se", "norge": "no", "danmark": "dk", "suomi": "fi", "polska": "pl",
    "nederland": "nl", "belgique": "be", "belgië": "be", "belgie": "be", "éire": "ie", "eire": "ie",
    "nippon": "jp", "nihon": "jp", "hellas": "gr", "ellada": "gr", "россия": "ru",
}


def key(text):
    """Lowercase, letters only (Unicode letters kept): the lookup key Swift computes too."""
    text = unicodedata.normalize("NFC", text).lower()
    return "".join(ch for ch in text if unicodedata.category(ch).startswith("L"))


def folded(text):
    """The key with accents removed, so 'Cote d'Ivoire' finds 'Côte d'Ivoire'."""
    decomposed = unicodedata.normalize("NFKD", text)
    return key("".join(ch for ch in decomposed if not unicodedata.combining(ch)))


def main():
    table = {}
    valid = {c.alpha_2.lower() for c in pycountry.countries}

    def add(k, code, source):
        code = code.lower()
        assert code in valid, (k, code, source)
        if not k:
            return
        previous = table.get(k)
        if previous and previous != code:
            sys.exit(f"conflict for {k!r}: {previous} vs {code} ({source})")
        table[k] = code

    # Two- and three-letter keys are codes; names that reduce to 2 or 3 letters would be ambiguous.
    for c in pycountry.countries:
        add(c.alpha_2.lower(), c.alpha_2, "alpha-2")
        add(c.alpha_3.lower(), c.alpha_2, "alpha-3")
    for c in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            name = getattr(c, attr, None)
            if not name:
                continue
            for k in {key(name), folded(name)}:
                if len(k) > 3:
                    add(k, c.alpha_2, attr)
    for k, code in PARAM_BUILDER_NAMES.items():
        if len(k) > 3 or k in ("usa", "ind"):
            add(k, code, "capi-param-builder")
    for k, code in ALIASES.items():
        for variant in {key(k), folded(k)}:
            if variant == "uk" or len(variant) != 2:
                add(variant, code, "alias")

    entries = sorted(table.items())
    lines = [
        "// swift-format-ignore-file",
        "// Generated by Scripts/generate-country-table.py from pycountry "
        f"{getattr(pycountry, '__version__', '')} (ISO 3166-1), capi-param-builder's",
        "// country names and everyday aliases. Do not edit by hand; rerun the script.",
        "",
        "enum CountryTable {",
        "    /// The ISO 3166-1 alpha-2 codes, lowercase.",
        "    static let alpha2: Set<String> = [",
    ]
    codes = sorted(valid)
    for i in range(0, len(codes), 16):
        lines.append("        " + ", ".join(f'"{c}"' for c in codes[i:i + 16]) + ",")
    lines.append("    ]")
    lines.append("")
    lines.append("    /// Lookup key (lowercase letters only) → alpha-2 code.")
    lines.append("    static let byKey: [String: String] = [")
    for k, code in entries:
        lines.append(f'        "{k}": "{code}",')
    lines.append("    ]")
    lines.append("}")
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    print(f"wrote {len(entries)} keys for {len(codes)} countries to {OUT}")


if __name__ == "__main__":
    main()

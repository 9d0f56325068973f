// US states, the District of Columbia, US territories and Canadian provinces and
// territories: lookup key (lowercase letters only) → two-letter postal code.
// Sources: USPS Publication 28 appendix B, Canada Post addressing guidelines.
// The English names in capi-param-builder's table map to the same codes.
enum StateTable {
    static let codeByName: [String: String] = {
        var table: [String: String] = [:]
        for (names, code) in entries {
            for name in names { table[name] = code }
        }
        return table
    }()

    private static let entries: [([String], String)] = [
        (["alabama"], "al"), (["alaska"], "ak"), (["arizona"], "az"), (["arkansas"], "ar"),
        (["california"], "ca"), (["colorado"], "co"), (["connecticut"], "ct"), (["delaware"], "de"),
        (["florida"], "fl"), (["georgia"], "ga"), (["hawaii"], "hi"), (["idaho"], "id"),
        (["illinois"], "il"), (["indiana"], "in"), (["iowa"], "ia"), (["kansas"], "ks"),
        (["kentucky"], "ky"), (["louisiana"], "la"), (["maine"], "me"), (["maryland"], "md"),
        (["massachusetts"], "ma"), (["michigan"], "mi"), (["minnesota"], "mn"), (["mississippi"], "ms"),
        (["missouri"], "mo"), (["montana"], "mt"), (["nebraska"], "ne"), (["nevada"], "nv"),
        (["newhampshire"], "nh"), (["newjersey"], "nj"), (["newmexico"], "nm"), (["newyork", "newyorkstate"], "ny"),
        (["northcarolina"], "nc"), (["northdakota"], "nd"), (["ohio"], "oh"), (["oklahoma"], "ok"),
        (["oregon"], "or"), (["pennsylvania"], "pa"), (["rhodeisland"], "ri"), (["southcarolina"], "sc"),
        (["southdakota"], "sd"), (["tennessee"], "tn"), (["texas"], "tx"), (["utah"], "ut"),
        (["vermont"], "vt"), (["virginia"], "va"), (["washington", "washingtonstate"], "wa"),
        (["westvirginia"], "wv"), (["wisconsin"], "wi"), (["wyoming"], "wy"),
        (["districtofcolumbia", "washingtondc", "washingtondistrictofcolumbia"], "dc"),
        (["americansamoa"], "as"), (["guam"], "gu"), (["northernmarianaislands", "northernmarianas"], "mp"),
        (["puertorico"], "pr"),
        (["virginislands", "usvirginislands", "unitedstatesvirginislands", "virginislandsus"], "vi"),
        (["unitedstatesminoroutlyingislands", "usminoroutlyingislands"], "um"),
        (["armedforcesamericas"], "aa"), (["armedforceseurope"], "ae"), (["armedforcespacific"], "ap"),
        (["alberta"], "ab"), (["britishcolumbia", "colombiebritannique"], "bc"), (["manitoba"], "mb"),
        (["newbrunswick", "nouveaubrunswick"], "nb"),
        (["newfoundlandandlabrador", "newfoundland", "terreneuveetlabrador"], "nl"),
        (["novascotia", "nouvelleécosse", "nouvelleecosse"], "ns"),
        (["northwestterritories", "territoiresdunordouest"], "nt"), (["nunavut"], "nu"),
        (["ontario"], "on"), (["princeedwardisland", "îleduprinceédouard", "ileduprinceedouard"], "pe"),
        (["quebec", "québec"], "qc"), (["saskatchewan"], "sk"), (["yukon", "yukonterritory"], "yt"),
    ]
}

import Identity

/// One region's telephone plan as customers write its numbers: libphonenumber's example
/// number for the region (mobile or fixed line) in national and international format.
/// The generator replaces the last digits, so every number keeps a valid prefix and length;
/// `Scripts/python-baselines.py --validate` counts how many libphonenumber accepts.
struct PhonePlan: Sendable {
    let region: RegionCode
    /// The national trunk prefix (`0`, `8` in Russia, `1` in the NANP), nil where there is none.
    let trunkPrefix: String?
    /// Whether `00` is (one of) the region's international call prefix(es), so that a customer
    /// there may write `00` and the country code.
    let dialsDoubleZero: Bool
    let national: String
    let international: String
}

/// Forty regions, a mobile and a fixed-line example each (libphonenumber 9.0.43 metadata,
/// `phonenumbers.example_number_for_type`).
let phonePlans: [PhonePlan] = {
    // region, trunk prefix, 00 is an international prefix, national, international
    let rows: [(String, String?, Bool, String, String)] = [
        ("US", "1", false, "(201) 555-0123", "+1 201-555-0123"),
        ("US", "1", false, "(650) 253-0000", "+1 650-253-0000"),
        ("CA", "1", false, "(506) 234-5678", "+1 506-234-5678"),
        ("GB", "0", true, "07400 123456", "+44 7400 123456"),
        ("GB", "0", true, "0121 234 5678", "+44 121 234 5678"),
        ("DE", "0", true, "01512 3456789", "+49 1512 3456789"),
        ("DE", "0", true, "030 123456", "+49 30 123456"),
        ("FR", "0", true, "06 12 34 56 78", "+33 6 12 34 56 78"),
        ("FR", "0", true, "01 23 45 67 89", "+33 1 23 45 67 89"),
        ("IT", nil, true, "312 345 6789", "+39 312 345 6789"),
        ("IT", nil, true, "02 1234 5678", "+39 02 1234 5678"),
        ("ES", nil, true, "612 34 56 78", "+34 612 34 56 78"),
        ("ES", nil, true, "810 12 34 56", "+34 810 12 34 56"),
        ("NL", "0", true, "06 12345678", "+31 6 12345678"),
        ("NL", "0", true, "010 123 4567", "+31 10 123 4567"),
        ("BE", "0", true, "0450 00 12 34", "+32 450 00 12 34"),
        ("BE", "0", true, "012 34 56 78", "+32 12 34 56 78"),
        ("CH", "0", true, "078 123 45 67", "+41 78 123 45 67"),
        ("CH", "0", true, "021 234 56 78", "+41 21 234 56 78"),
        ("AT", "0", true, "0664 123456", "+43 664 123456"),
        ("AT", "0", true, "01 234567890", "+43 1 234567890"),
        ("SE", "0", true, "070-123 45 67", "+46 70 123 45 67"),
        ("SE", "0", true, "08-12 34 56", "+46 8 12 34 56"),
        ("NO", nil, true, "40 61 23 45", "+47 40 61 23 45"),
        ("NO", nil, true, "21 23 45 67", "+47 21 23 45 67"),
        ("DK", nil, true, "34 41 23 45", "+45 34 41 23 45"),
        ("DK", nil, true, "32 12 34 56", "+45 32 12 34 56"),
        ("FI", "0", true, "041 2345678", "+358 41 2345678"),
        ("FI", "0", true, "013 1234567", "+358 13 1234567"),
        ("PL", nil, true, "512 345 678", "+48 512 345 678"),
        ("PL", nil, true, "12 345 67 89", "+48 12 345 67 89"),
        ("PT", nil, true, "912 345 678", "+351 912 345 678"),
        ("PT", nil, true, "21 234 5678", "+351 21 234 5678"),
        ("IE", "0", true, "085 012 3456", "+353 85 012 3456"),
        ("IE", "0", true, "(022) 12345", "+353 22 12345"),
        ("BR", "0", false, "(11) 96123-4567", "+55 11 96123-4567"),
        ("BR", "0", false, "(11) 2345-6789", "+55 11 2345-6789"),
        ("MX", nil, false, "222 123 4567", "+52 222 123 4567"),
        ("MX", nil, false, "200 123 4567", "+52 200 123 4567"),
        ("AR", "0", true, "011 15-2345-6789", "+54 9 11 2345-6789"),
        ("AR", "0", true, "011 2345-6789", "+54 11 2345-6789"),
        ("CO", "0", false, "321 1234567", "+57 321 1234567"),
        ("CO", "0", false, "(601) 2345678", "+57 601 2345678"),
        ("CL", nil, false, "(2) 2123 4567", "+56 2 2123 4567"),
        ("IN", "0", true, "081234 56789", "+91 81234 56789"),
        ("IN", "0", true, "074104 10123", "+91 74104 10123"),
        ("JP", "0", false, "090-1234-5678", "+81 90-1234-5678"),
        ("JP", "0", false, "03-1234-5678", "+81 3-1234-5678"),
        ("CN", "0", true, "131 2345 6789", "+86 131 2345 6789"),
        ("CN", "0", true, "010 1234 5678", "+86 10 1234 5678"),
        ("KR", "0", false, "010-2000-0000", "+82 10-2000-0000"),
        ("KR", "0", false, "02-212-3456", "+82 2-212-3456"),
        ("AU", "0", false, "0412 345 678", "+61 412 345 678"),
        ("AU", "0", false, "(02) 1234 5678", "+61 2 1234 5678"),
        ("NZ", "0", true, "021 123 4567", "+64 21 123 4567"),
        ("NZ", "0", true, "03 234 5678", "+64 3 234 5678"),
        ("ZA", "0", true, "071 123 4567", "+27 71 123 4567"),
        ("ZA", "0", true, "010 123 4567", "+27 10 123 4567"),
        ("RU", "8", false, "8 (912) 345-67-89", "+7 912 345-67-89"),
        ("RU", "8", false, "8 (301) 123-45-67", "+7 301 123-45-67"),
        ("TR", "0", true, "0501 234 56 78", "+90 501 234 56 78"),
        ("TR", "0", true, "(0212) 345 67 89", "+90 212 345 67 89"),
        ("AE", "0", true, "050 123 4567", "+971 50 123 4567"),
        ("AE", "0", true, "02 234 5678", "+971 2 234 5678"),
        ("SA", "0", true, "051 234 5678", "+966 51 234 5678"),
        ("SA", "0", true, "011 234 5678", "+966 11 234 5678"),
        ("EG", "0", true, "010 01234567", "+20 10 01234567"),
        ("EG", "0", true, "02 34567890", "+20 2 34567890"),
        ("NG", "0", false, "0802 123 4567", "+234 802 123 4567"),
        ("NG", "0", false, "02033 12 3456", "+234 2033 12 3456"),
        ("ID", "0", false, "0812-345-678", "+62 812-345-678"),
        ("ID", "0", false, "(021) 8350123", "+62 21 8350123"),
        ("PH", "0", true, "0905 123 4567", "+63 905 123 4567"),
        ("PH", "0", true, "(02) 3234 5678", "+63 2 3234 5678"),
        ("TH", "0", false, "081 234 5678", "+66 81 234 5678"),
        ("TH", "0", false, "02 123 4567", "+66 2 123 4567"),
        ("VN", "0", true, "0912 345 678", "+84 912 345 678"),
        ("VN", "0", true, "0210 1234 567", "+84 210 1234 567"),
    ]
    return rows.map {
        PhonePlan(region: RegionCode($0.0)!, trunkPrefix: $0.1, dialsDoubleZero: $0.2, national: $0.3, international: $0.4)
    }
}()

import DeliveryTesting
import Identity
import Matching

/// One generated customer and session, as raw values the way shops store them.
///
/// Every field is what a customer or a CRM export would hand the library: mixed case,
/// surrounding whitespace, names in several scripts, phone numbers in the forms people type.
public struct VariedCustomer: Sendable, Codable {
    public var email: String
    public var phone: String
    /// The region the phone number is read in (the customer's country, as a code).
    public var phoneRegion: String
    /// How the phone number is written: `national`, `international`, `double_zero`,
    /// `trunk_in_international` or `national_digits`.
    public var phoneForm: String
    public var firstName: String
    public var lastName: String
    public var gender: String
    public var dateOfBirth: String
    public var city: String
    public var state: String?
    public var zipCode: String
    /// The country as the customer's record has it (a code in any case, an alpha-3 code or a name).
    public var country: String
    public var externalID: String
    public var fbc: String
    public var fbp: String
    public var ipAddress: String
    public var userAgent: String

    enum CodingKeys: String, CodingKey {
        case email, phone, phoneRegion = "phone_region", phoneForm = "phone_form", firstName = "first_name"
        case lastName = "last_name", gender, dateOfBirth = "date_of_birth", city, state, zipCode = "zip_code"
        case country, externalID = "external_id", fbc, fbp, ipAddress = "ip_address", userAgent = "user_agent"
    }

    /// The customer as the assembler takes it.
    public var record: CustomerRecord {
        CustomerRecord(
            emails: [email], phones: [phone], firstName: firstName, lastName: lastName, gender: gender,
            dateOfBirth: dateOfBirth, city: city, state: state, zipCode: zipCode, country: country,
            userID: externalID, phoneRegion: RegionCode(phoneRegion))
    }

    /// The session as the assembler takes it.
    public var session: SessionContext {
        SessionContext(
            consent: .granted, fbcCookie: fbc, fbpCookie: fbp, clientIPAddresses: IPAddress(ipAddress).map { [$0] } ?? [],
            userAgent: userAgent)
    }
}

/// Deterministic realistic customers: the same seed gives the same customers on every machine.
///
/// About a third of names and cities are non-ASCII (accented Latin, Cyrillic, Greek, CJK,
/// Arabic); phone numbers come from forty regions in national, international, `00`, `(0)`
/// and bare-digit forms; dates of birth, postal codes and genders in several spellings.
public enum VariedCustomers {
    /// The seed the benchmarks and `benchmark-data` use.
    public static let defaultSeed: UInt64 = 21

    /// `count` customers from `seed`.
    public static func generate(count: Int, seed: UInt64 = defaultSeed) -> [VariedCustomer] {
        var random = SeededGenerator(seed: seed)
        return (0..<count).map { index in customer(index, using: &random) }
    }

    static func customer(_ index: Int, using random: inout SeededGenerator) -> VariedCustomer {
        let plan = phonePlans.randomElement(using: &random)!
        let (phone, form) = phoneNumber(plan, using: &random)
        let (firstName, lastName, city) = namesAndCity(using: &random)
        let (zipCode, state) = postalCodeAndState(plan.region, using: &random)
        let timestamp = 1_700_000_000_000 + Int.random(in: 0..<40_000_000_000, using: &random)
        return VariedCustomer(
            email: email(using: &random), phone: phone, phoneRegion: plan.region.rawValue, phoneForm: form,
            firstName: firstName, lastName: lastName, gender: genders.randomElement(using: &random)!,
            dateOfBirth: dateOfBirth(using: &random), city: city, state: state, zipCode: zipCode,
            country: country(plan.region, using: &random),
            externalID: Bool.random(using: &random)
                ? "user-\(100_000 + index)" : "CRM_\(Int.random(in: 1_000_000..<9_999_999, using: &random))",
            fbc: "fb.1.\(timestamp).\(clickID(using: &random))",
            fbp:
                "fb.1.\(timestamp - Int.random(in: 0..<86_400_000, using: &random)).\(Int.random(in: 1_000_000_000..<2_147_483_647, using: &random))",
            ipAddress: ipAddress(using: &random), userAgent: userAgents.randomElement(using: &random)!)
    }

    // MARK: Email

    static func email(using random: inout SeededGenerator) -> String {
        let first = asciiFirstNames.randomElement(using: &random)!
        let last = asciiLastNames.randomElement(using: &random)!
        let separator = [".", "_", "", "-", "."].randomElement(using: &random)!
        var local = Bool.random(using: &random) ? "\(first)\(separator)\(last)" : "\(first.prefix(1))\(last)"
        if Int.random(in: 0..<3, using: &random) == 0 { local += String(Int.random(in: 1..<2_000, using: &random)) }
        if Int.random(in: 0..<20, using: &random) == 0 { local += "+shop" }
        let address = "\(local)@\(emailDomains.randomElement(using: &random)!)"
        return surroundWithWhitespace(mixCase(address, using: &random), using: &random)
    }

    /// Lowercase, capitalized as typed, or all capitals.
    static func mixCase(_ text: String, using random: inout SeededGenerator) -> String {
        switch Int.random(in: 0..<4, using: &random) {
        case 0: return text.lowercased()
        case 1: return text.uppercased()
        default: return text
        }
    }

    /// Half the values as typed; the others with the spaces, tabs, line ends and (rarely)
    /// no-break spaces that forms and spreadsheet exports leave around them.
    static func surroundWithWhitespace(_ text: String, using random: inout SeededGenerator) -> String {
        switch Int.random(in: 0..<20, using: &random) {
        case 0..<10: return text
        case 10..<14: return " \(text) "
        case 14..<16: return "\(text) "
        case 16..<18: return "\t\(text)\n"
        case 18: return "  \(text)\r\n"
        default: return "\u{00A0}\(text)\u{00A0}"
        }
    }

    // MARK: Phone

    static func phoneNumber(_ plan: PhonePlan, using random: inout SeededGenerator) -> (String, String) {
        // New last three digits, the same in both formats.
        var digits: [Character] = []
        for _ in 0..<3 { digits.append(Character(String(Int.random(in: 0..<10, using: &random)))) }
        let national = replacingLastDigits(of: plan.national, with: digits)
        let international = replacingLastDigits(of: plan.international, with: digits)
        let text: String
        let form: String
        switch Int.random(in: 0..<10, using: &random) {
        case 0..<4:
            (text, form) = (national, "national")
        case 4..<7:
            (text, form) = (international, "international")
        case 7 where plan.dialsDoubleZero:
            (text, form) = ("00" + international.dropFirst(), "double_zero")
        case 8 where plan.trunkPrefix == "0":
            // `+44 (0)121 …`: the trunk prefix kept in brackets after the country code.
            let space = international.firstIndex(of: " ")!
            (text, form) = (
                international[..<space] + " (0)" + international[international.index(after: space)...], "trunk_in_international"
            )
        default:
            (text, form) = (String(national.filter(\.isNumber)), "national_digits")
        }
        return (Int.random(in: 0..<10, using: &random) == 0 ? " \(text) " : text, form)
    }

    static func replacingLastDigits(of text: String, with digits: [Character]) -> String {
        var characters = Array(text)
        var remaining = digits.count
        for index in characters.indices.reversed() where remaining > 0 && characters[index].isNumber {
            remaining -= 1
            characters[index] = digits[remaining]
        }
        return String(characters)
    }

    // MARK: Names and places

    /// First name, last name and city: two thirds ASCII, one third from the other scripts.
    static func namesAndCity(using random: inout SeededGenerator) -> (String, String, String) {
        func pick(_ script: Script, using random: inout SeededGenerator) -> (String, String, String) {
            (
                script.firstNames.randomElement(using: &random)!, script.lastNames.randomElement(using: &random)!,
                script.cities.randomElement(using: &random)!
            )
        }
        let scripts = Script.all
        // Name and city are drawn separately: a customer called Jürgen may live in Sydney.
        let nameScript =
            Int.random(in: 0..<3, using: &random) < 2 ? scripts[0] : scripts[Int.random(in: 1..<scripts.count, using: &random)]
        let cityScript =
            Int.random(in: 0..<3, using: &random) < 2 ? scripts[0] : scripts[Int.random(in: 1..<scripts.count, using: &random)]
        let (first, last, _) = pick(nameScript, using: &random)
        let (_, _, city) = pick(cityScript, using: &random)
        return (
            surroundWithWhitespace(mixCase(first, using: &random), using: &random),
            surroundWithWhitespace(mixCase(last, using: &random), using: &random),
            surroundWithWhitespace(mixCase(city, using: &random), using: &random)
        )
    }

    struct Script {
        let firstNames: [String]
        let lastNames: [String]
        let cities: [String]

        static let all = [ascii, accentedLatin, cyrillic, greek, cjk, arabic]

        static let ascii = Script(
            firstNames: asciiFirstNames + ["Jean-Luc", "Mary Ann"],
            lastNames: asciiLastNames + ["O'Connor", "Smith-Jones", "van der Berg"],
            cities: [
                "London", "New York", "Menlo Park", "St. Louis", "Sydney", "Toronto", "Cape Town", "Chicago", "Manchester",
                "Buenos Aires", "Mumbai", "Lagos", "Auckland", "Dublin", "Amsterdam", "Rio de Janeiro",
            ])
        static let accentedLatin = Script(
            firstNames: [
                "José", "Zoë", "Renée", "Jürgen", "Björn", "Łukasz", "Małgorzata", "François", "Søren", "Ana-María",
                "Çağla", "Đorđe", "Ömer", "Štěpán", "Inês", "Thị Hương",
            ],
            lastNames: [
                "Müller", "García Márquez", "Dvořák", "Lefèvre", "Østergaard", "Wałęsa", "Nguyễn", "Yılmaz",
                "Sánchez", "Gonçalves", "Kovačević", "Åström",
            ],
            cities: [
                "São Paulo", "München", "Zürich", "Kraków", "Málaga", "Besançon", "Saint-Étienne", "Düsseldorf",
                "Bogotá", "Montréal", "Göteborg", "İstanbul", "Hà Nội", "Brașov",
            ])
        static let cyrillic = Script(
            firstNames: ["Александр", "Дмитрий", "Наталья", "Ольга", "Сергей", "Ирина", "Юлия", "Андрій", "Ёлка"],
            lastNames: ["Иванов", "Смирнова", "Кузнецов", "Шевченко", "Петров-Водкин", "Соловьёва"],
            cities: ["Москва", "Санкт-Петербург", "Київ", "Новосибирск", "Екатеринбург", "Минск", "Алматы"])
        static let greek = Script(
            firstNames: ["Νικόλαος", "Μαρία", "Γιώργος", "Ελένη", "Δημήτρης", "Σοφία"],
            lastNames: ["Παπαδόπουλος", "Οικονόμου", "Γεωργίου", "Καραγιάννης", "Βασιλείου"],
            cities: ["Αθήνα", "Θεσσαλονίκη", "Πειραιάς", "Ηράκλειο", "Λάρισα"])
        static let cjk = Script(
            firstNames: ["伟", "芳", "秀英", "太郎", "花子", "美咲", "민준", "서연", "翔太"],
            lastNames: ["王", "李", "张", "佐藤", "鈴木", "高橋", "김", "이", "欧阳"],
            cities: ["東京", "北京", "上海", "大阪", "서울", "台北", "横浜", "深圳"])
        static let arabic = Script(
            firstNames: ["محمد", "فاطمة", "أحمد", "علي", "ليلى", "يوسف", "مريم"],
            lastNames: ["العلي", "حسن", "الحسيني", "عبد الله", "منصور"],
            cities: ["القاهرة", "دبي", "الرياض", "عمّان", "الدار البيضاء", "بيروت"])
    }

    static let asciiFirstNames = [
        "James", "Mary", "Michael", "Jennifer", "Robert", "Linda", "David", "Sarah", "Mohammed",
        "Wei", "Carlos", "Anna", "Luca", "Sofia", "Ahmed", "Olivia", "Noah", "Emma", "Liam", "Priya",
        "Christopher", "Elizabeth", "Kenji", "Aisha",
    ]
    static let asciiLastNames = [
        "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
        "Martinez", "Wilson", "Anderson", "Taylor", "Thomas", "Moore", "Patel", "Kim", "Nguyen",
        "Schmidt", "Rossi", "Tanaka", "Okafor", "Kowalski", "Murphy",
    ]
    static let emailDomains = [
        "gmail.com", "Yahoo.co.uk", "outlook.com", "hotmail.fr", "web.de", "mail.ru", "icloud.com",
        "GMX.net", "orange.fr", "libero.it", "qq.com", "naver.com", "Example-Shop.com.br", "uol.com.br",
        "yandex.ru", "proton.me",
    ]

    // MARK: Dates, postal codes, genders, countries

    static func dateOfBirth(using random: inout SeededGenerator) -> String {
        let year = Int.random(in: 1940...2006, using: &random)
        let month = Int.random(in: 1...12, using: &random)
        let day = Int.random(in: 1...28, using: &random)
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let months = [
            "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
            "November", "December",
        ]
        switch Int.random(in: 0..<8, using: &random) {
        case 0, 1: return "\(year)-\(two(month))-\(two(day))"
        case 2: return "\(two(month))/\(two(day))/\(year)"
        // Day first: written so only where the day cannot be read as a month, as the inference needs.
        case 3: return day > 12 ? "\(two(day))/\(two(month))/\(year)" : "\(month)/\(day)/\(year)"
        case 4: return day > 12 ? "\(two(day)).\(two(month)).\(year)" : "\(year).\(two(month)).\(two(day))"
        case 5: return "\(year)\(two(month))\(two(day))"
        case 6: return "\(months[month - 1]) \(day), \(year)"
        default: return "\(day) \(months[month - 1].prefix(3)) \(year)"
        }
    }

    static func postalCodeAndState(_ region: RegionCode, using random: inout SeededGenerator) -> (String, String?) {
        func digits(_ n: Int) -> String { String((0..<n).map { _ in Character(String(Int.random(in: 0..<10, using: &random))) }) }
        func letter() -> String { String(Array("ABCDEFGHJKLMNPRSTUVWXYZ")[Int.random(in: 0..<23, using: &random)]) }
        switch region.rawValue {
        case "US":
            let state = ["CA", "California", "NY", "New York", "tx", "Texas", "Wash.", "Florida", "IL"].randomElement(
                using: &random)!
            return (Bool.random(using: &random) ? digits(5) : "\(digits(5))-\(digits(4))", state)
        case "CA":
            return (
                "\(letter())\(digits(1))\(letter()) \(digits(1))\(letter())\(digits(1))",
                ["ON", "Ontario", "QC", "Québec", "BC", "British Columbia"].randomElement(using: &random)!
            )
        case "GB":
            return (["SW1A 1AA", "EC1A 1BB", "M1 1AE", "B33 8TH", "CR2 6XH", "DN55 1PT"].randomElement(using: &random)!, nil)
        case "NL": return ("\(digits(4)) \(letter())\(letter())", nil)
        case "BR": return ("\(digits(5))-\(digits(3))", ["SP", "São Paulo", "RJ"].randomElement(using: &random)!)
        case "JP": return ("\(digits(3))-\(digits(4))", nil)
        case "IN", "RU", "CN": return (digits(6), nil)
        case "PL": return ("\(digits(2))-\(digits(3))", nil)
        case "AU", "NZ", "ZA", "AT", "BE", "CH", "DK", "NO", "PH":
            return (digits(4), ["NSW", "Victoria", nil].randomElement(using: &random)!)
        case "SE": return ("\(digits(3)) \(digits(2))", nil)
        case "PT": return ("\(digits(4))-\(digits(3))", nil)
        case "IE": return ("D0\(digits(1)) \(letter())\(digits(1))\(letter())\(digits(1))", nil)
        case "AR": return ("C\(digits(4))\(letter())\(letter())\(letter())", "Buenos Aires")
        case "MX": return (digits(5), ["CDMX", "Jalisco"].randomElement(using: &random)!)
        case "DE": return (digits(5), ["Bayern", "Berlin", "Nordrhein-Westfalen", nil].randomElement(using: &random)!)
        default: return (digits(5), nil)
        }
    }

    static let genders = [
        "m", "f", "M", "F", "Male", "Female", "male", "FEMALE", "M.", "Mr", "Mrs", "Ms.", "woman",
        "man", "masculino", "Femme", "weiblich", " MALE ",
    ]

    /// The customer's country as a code (either case), an alpha-3 code or an English name.
    static func country(_ region: RegionCode, using random: inout SeededGenerator) -> String {
        let names: [String: [String]] = [
            "GB": ["United Kingdom", "UK", "GBR"], "US": ["United States", "USA"], "DE": ["Germany", "DEU", "Deutschland"],
            "FR": ["France"], "IN": ["India"], "MX": ["Mexico"], "BR": ["Brazil", "Brasil"], "JP": ["Japan"],
        ]
        switch Int.random(in: 0..<4, using: &random) {
        case 0: return region.rawValue.lowercased()
        case 1: return names[region.rawValue]?.randomElement(using: &random) ?? region.rawValue
        default: return region.rawValue
        }
    }

    // MARK: Session

    static func clickID(using random: inout SeededGenerator) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        return "IwAR" + String((0..<56).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &random)] })
    }

    /// A public address: IPv4 in two of three sessions, else IPv6 in a global unicast block.
    static func ipAddress(using random: inout SeededGenerator) -> String {
        if Int.random(in: 0..<3, using: &random) < 2 {
            let first = [81, 86, 92, 109, 151, 177, 189, 203, 24, 73, 98, 122, 185, 212].randomElement(using: &random)!
            return
                "\(first).\(Int.random(in: 0..<256, using: &random)).\(Int.random(in: 0..<256, using: &random)).\(Int.random(in: 1..<255, using: &random))"
        }
        let prefix = ["2a02:c7f", "2600:1700", "2001:4860", "2a01:e0a", "2406:da18"].randomElement(using: &random)!
        let groups = (0..<6).map { _ in String(Int.random(in: 0..<0x10000, using: &random), radix: 16) }
        return "\(prefix):\(groups.joined(separator: ":"))"
    }

    static let userAgents = [
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.82 Mobile Safari/537.36",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.67",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
        "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/458.0.0.39.108;FBBV/574542384]",
    ]
}

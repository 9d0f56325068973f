public import CAPIModel

/// What each `user_data` key is, in a few words, for readers who do not know Meta's spellings.
public enum KeyNames {
    public static func describe(_ key: UserDataKey) -> String {
        switch key {
        case .email: "email"
        case .phone: "phone"
        case .firstName: "first name"
        case .lastName: "last name"
        case .gender: "gender"
        case .dateOfBirth: "date of birth"
        case .city: "city"
        case .state: "state"
        case .zipCode: "zip code"
        case .country: "country"
        case .externalID: "visitor / user id"
        case .clientIPAddress: "buyer IP"
        case .clientUserAgent: "user agent"
        case .fbc: "click id"
        case .fbp: "browser id"
        case .firstNamePrefix: "first name, 5 letters"
        case .lastNamePrefix: "last name, 5 letters"
        case .firstInitial: "first initial"
        case .dayOfBirth: "day of birth"
        case .monthOfBirth: "month of birth"
        case .yearOfBirth: "year of birth"
        default: key.rawValue.replacingUnderscores
        }
    }
}

extension String {
    var replacingUnderscores: String { String(map { $0 == "_" ? " " : $0 }) }
}

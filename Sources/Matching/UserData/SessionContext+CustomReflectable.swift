extension SessionContext: CustomReflectable {
    /// Redacted, like ``description``: the buyer's address, user agent and cookies are
    /// personal data, so reflection (`dump`, `Mirror`) sees no fields.
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}
